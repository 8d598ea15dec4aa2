using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests;

/// <summary>
/// Nothing leaves the machine unless configured: the three hosts, started in this process, reach only the broker and
/// the database they were given (and loopback) while they start, run a job and stop.
/// </summary>
[Collection(RealServices.Name)]
public sealed class EgressTests
{
    [ServiceFact]
    public async Task StartUpAJobAndShutdown_EveryHost_ReachesOnlyConfiguredAddresses()
    {
        using var recorder = new OutboundConnections();
        var stack = await TestPipeline.StartAsync("egress", startApi: false);
        var rabbit = stack.Services.Rabbit!;
        var postgres = new NpgsqlConnectionStringBuilder(stack.PostgresConnectionString);

        // MassTransit's usage telemetry, were it on, posts minutes after start; told to post when the bus stops instead,
        // it would do so inside this test. (Turning it on is MassTransit's Enabled flag, which the hosts leave off.)
        stack.ConfigureHosts = builder => builder.Services.Configure<UsageTelemetryOptions>(o => o.ReportOnShutdown = true);
        try
        {
            await stack.StartApiAsync();
            await stack.StartWorkerAsync();
            await using (await SchedulerHost.StartAsync(stack))
            {
                var (_, accepted) = await stack.Client.SubmitAsync(TestJobs.Generation("egress-job-1", steps: 3));
                var job = (await stack.Client.WaitForAllAsync([accepted["jobId"]!.GetValue<string>()], TimeSpan.FromSeconds(60)))["egress-job-1"];
                Assert.Equal("succeeded", job["status"]!.GetValue<string>());
            }
        }
        finally
        {
            await stack.DisposeAsync(); // the hosts stop here: a report on shutdown would go out now
        }

        var outside = recorder.Outside([rabbit.Host, postgres.Host!]);
        Assert.True(outside.Count == 0, "reached outside the configured addresses: " + string.Join("; ", outside.Select(c => $"{c.Kind} {c.Target}")));
        // The recorder saw the hosts' own traffic, so an empty list above means something.
        Assert.Contains(recorder.Contacts, c => c.Kind == "connect" && c.Target.EndsWith(":" + (rabbit.IsDefaultPort ? 5672 : rabbit.Port), StringComparison.Ordinal));
        Assert.Contains(recorder.Contacts, c => c.Kind == "connect" && c.Target.EndsWith(":" + postgres.Port, StringComparison.Ordinal));
    }
}
