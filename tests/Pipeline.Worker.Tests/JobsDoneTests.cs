using MassTransit.Testing;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Worker.Tests.Fakes;

namespace Pipeline.Worker.Tests;

/// <summary>The jobs-done figure of the fleet view: each job this worker ended counts once, whatever its outcome.</summary>
public sealed class JobsDoneTests
{
    [Fact]
    public async Task Outcomes_SucceededFailedAndARedelivery_EachEndedJobCountedOnce()
    {
        await using var worker = new WorkerHarness();
        worker.Engine.Run = (job, _) => job.JobId == "bad"
            ? throw new InvalidJobException("image_undecodable", "not an image")
            : Task.FromResult(ScriptedEngine.Result(job));
        await worker.StartAsync();

        await worker.Bus.Bus.Publish(Job("ok"));
        await worker.Bus.Bus.Publish(Job("bad"));
        Assert.True(await worker.Bus.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "ok"));
        Assert.True(await worker.Bus.Published.Any<JobFailed>(m => m.Context.Message.JobId == "bad"));
        await worker.Bus.Bus.Publish(Job("ok")); // a redelivery after a lost ack: neither announced nor done again
        await Poll.UntilAsync(() => worker.Bus.Consumed.Select<SubmitJob>().Count() == 3, "the redelivered job consumed");

        Assert.Single(worker.Bus.Published.Select<JobCompleted>());
        Assert.Equal(2, worker.Done.Count);
    }

    private static SubmitJob Job(string id) => new() { JobId = id, Kind = JobKinds.Generation, Steps = 4 };
}
