using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Webhooks.Tests;

public class EventTests
{
    private static readonly Uri Callback = new("https://example.test/hook");

    [Fact]
    public void For_SameContractEventTwice_SameEventId()
    {
        var completed = new BatchCompleted { BatchId = "b1", Total = 2, Succeeded = 2, Failed = 0, Canceled = 0, CompletedAt = DateTimeOffset.UnixEpoch };
        Assert.Equal(WebhookEvents.For(completed, Callback).EventId, WebhookEvents.For(completed with { }, Callback).EventId);
        var failed = new JobFailed { JobId = "b1", Code = "x", Message = "m", Retryable = false, FailedAt = DateTimeOffset.UnixEpoch };
        Assert.NotEqual(WebhookEvents.For(completed, Callback).EventId, WebhookEvents.For(failed, Callback).EventId);
    }

    [Fact]
    public void For_JobFailed_BodyIsEnvelopeWithCamelCaseData()
    {
        var failed = new JobFailed { JobId = "j1", BatchId = "b1", Code = "image_too_large", Message = "too big", Retryable = false, FailedAt = DateTimeOffset.UnixEpoch };
        var e = WebhookEvents.For(failed, Callback);
        using var json = JsonDocument.Parse(e.Body);
        Assert.Equal(e.EventId, json.RootElement.GetProperty("id").GetString());
        Assert.Equal("job.failed", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("image_too_large", json.RootElement.GetProperty("data").GetProperty("code").GetString());
        Assert.Equal("j1", json.RootElement.GetProperty("data").GetProperty("jobId").GetString());
    }

    [Fact]
    public void For_NonHttpCallback_Throws()
    {
        var canceled = new JobCanceled { JobId = "j1", CanceledAt = DateTimeOffset.UnixEpoch };
        Assert.Throws<ArgumentException>(() => WebhookEvents.For(canceled, new Uri("file:///etc/passwd")));
    }

    [Theory]
    [InlineData(null, "job.failed", true)]
    [InlineData("*", "batch.completed", true)]
    [InlineData("job.*", "job.canceled", true)]
    [InlineData("job.*", "batch.completed", false)]
    [InlineData("job.failed, batch.completed", "batch.completed", true)]
    [InlineData("job.failed, batch.completed", "job.completed", false)]
    [InlineData("JOB.FAILED", "job.failed", true)]
    public void Filter_Allows(string? filter, string type, bool expected) =>
        Assert.Equal(expected, WebhookEventFilter.Parse(filter).Allows(type));

    [Theory]
    [InlineData("job.complete")]
    [InlineData("jobs.*")]
    public void Filter_PatternMatchingNothing_Throws(string filter) =>
        Assert.Throws<FormatException>(() => WebhookEventFilter.Parse(filter));

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("2001:4860:4860::8888", false)]
    public void NetworkGuard_ClassifiesAddresses(string address, bool nonPublic) =>
        Assert.Equal(nonPublic, NetworkGuard.IsNonPublic(System.Net.IPAddress.Parse(address)));
}
