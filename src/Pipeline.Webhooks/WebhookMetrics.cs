using System.Diagnostics.Metrics;
using Pipeline.Contracts.Telemetry;

namespace Pipeline.Webhooks;

/// <summary>
/// <c>pipeline_webhook_deliveries_total{outcome}</c>: <c>delivered</c> (the receiver answered 2xx), <c>retried</c> (an
/// attempt failed and another follows) and <c>failed</c> (given up: a final 4xx, retries exhausted, or an address the
/// network guard refused). delivered + failed is the number of events handled; retried / that is the receivers' flakiness.
/// </summary>
internal sealed class WebhookMetrics(IMeterFactory meterFactory)
{
    private readonly Counter<long> _deliveries = meterFactory.Create(PipelineTelemetry.MeterName).CreateCounter<long>(
        PipelineMetricNames.WebhookDeliveries, "{delivery}", "Webhook delivery attempts by outcome");

    public void Delivered() => Count(PipelineMetricTags.Delivered);

    public void Retried() => Count(PipelineMetricTags.Retried);

    public void Failed() => Count(PipelineMetricTags.Failed);

    private void Count(string outcome) => _deliveries.Add(1, new KeyValuePair<string, object?>(PipelineMetricTags.Outcome, outcome));
}
