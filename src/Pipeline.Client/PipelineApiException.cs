using System.Net;

namespace Pipeline.Client;

/// <summary>The API answered with an error status (after any retries). <see cref="Exception.Message"/> carries the problem's detail when the API sent one.</summary>
public sealed class PipelineApiException(HttpStatusCode statusCode, string message, string? body) : Exception(message)
{
    /// <summary>The final status.</summary>
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>The response body as text (e.g. an RFC 7807 problem), or null.</summary>
    public string? Body { get; } = body;
}
