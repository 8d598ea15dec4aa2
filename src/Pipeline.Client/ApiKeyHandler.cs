namespace Pipeline.Client;

/// <summary>Adds <c>X-Api-Key</c> to every request (outside the retry handler, so each attempt carries it).</summary>
internal sealed class ApiKeyHandler(string apiKey) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(PipelineApiClient.ApiKeyHeader);
        request.Headers.Add(PipelineApiClient.ApiKeyHeader, apiKey);
        return base.SendAsync(request, cancellationToken);
    }
}
