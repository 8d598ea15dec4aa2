using System.Net.Sockets;
using Npgsql;
using Pipeline.Api.Submission;
using Pipeline.Storage.Resilience;

namespace Pipeline.Api.Errors;

/// <summary>What an exception that escaped an endpoint means for the client: status, code, title, a sentence to act on.</summary>
/// <param name="RetryAfterSeconds">Sent as <c>Retry-After</c> (503 only).</param>
public sealed record ExceptionProblem(int Status, string Code, string Title, string Detail, int? RetryAfterSeconds = null)
{
    /// <summary>True for the answers that say "not now" rather than "never": logged as warnings, not errors.</summary>
    public bool IsTransient => Status == StatusCodes.Status503ServiceUnavailable;
}

/// <summary>
/// The one mapping from exceptions to answers. Sentences are ours, never an exception's message (which can carry a
/// library's internals, a host name, a SQL statement); the exception itself is logged with the answer's trace id.
/// </summary>
public static class ExceptionProblems
{
    /// <summary>Seconds a client is asked to wait while PostgreSQL or RabbitMQ is unavailable.</summary>
    public const int OutageRetryAfterSeconds = 5;

    /// <summary>Seconds a client is asked to wait while the decode budget is full (decodes take well under a second).</summary>
    public const int DecoderRetryAfterSeconds = 2;

    /// <summary>The answer for <paramref name="exception"/>, thrown while serving <paramref name="request"/>.</summary>
    public static ExceptionProblem For(Exception exception, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(request);
        return exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge(request),
            BadHttpRequestException => Malformed(),
            // Form reading (ReadFormAsync) reports its limits (FormOptions: body, value, key counts) as InvalidDataException.
            InvalidDataException e when request.HasFormContentType && e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) => TooLarge(request),
            InvalidDataException when request.HasFormContentType => Malformed(),
            BrokerUnavailableException => new(StatusCodes.Status503ServiceUnavailable, ApiErrorCodes.BrokerUnavailable,
                "The job was recorded but not queued yet",
                "The message broker did not take the job in time. Retry the same request (same job id or Idempotency-Key) to queue it.",
                OutageRetryAfterSeconds),
            _ when IsStoreOutage(exception) => new(StatusCodes.Status503ServiceUnavailable, ApiErrorCodes.StoreUnavailable,
                "The job store is unavailable",
                "PostgreSQL cannot be reached right now; nothing was recorded by this request. Retry it after the Retry-After delay.",
                OutageRetryAfterSeconds),
            _ when IsBrokerOutage(exception) => new(StatusCodes.Status503ServiceUnavailable, ApiErrorCodes.BrokerUnavailable,
                "The message broker is unavailable",
                "RabbitMQ cannot be reached right now. Retry the same request (same job id or Idempotency-Key) after the Retry-After delay.",
                OutageRetryAfterSeconds),
            TimeoutException => new(StatusCodes.Status503ServiceUnavailable, ApiErrorCodes.DecoderBusy,
                "Too many images are being checked at once",
                "The server's image decoder is at capacity. Retry the same request after the Retry-After delay.",
                DecoderRetryAfterSeconds),
            _ => new(StatusCodes.Status500InternalServerError, ApiErrorCodes.InternalError, "An unexpected error occurred",
                "The service failed on its side, not because of the request. It is logged under this answer's traceId; retry later, "
                + "and quote the traceId if it persists."),
        };
    }

    private static ExceptionProblem TooLarge(HttpRequest request)
    {
        var limit = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        var said = limit is { } bytes ? $" of {bytes} bytes" : "";
        return new(StatusCodes.Status413PayloadTooLarge, ApiErrorCodes.RequestTooLarge, "The request body is too large",
            $"The body is over the limit{said} (Pipeline:Api:MaxRequestBodyBytes). Send fewer or smaller images per request, "
            + "or upload images first (POST /v1/inputs) and refer to them by key.");
    }

    private static ExceptionProblem Malformed() => new(StatusCodes.Status400BadRequest, ApiErrorCodes.MalformedRequest,
        "The request body could not be read",
        "The body ended early or does not match its Content-Type (a broken multipart body, a cut upload). Send it again whole.");

    // Connection failures and timeouts of PostgreSQL, possibly under the storage resilience pipeline's retries.
    private static bool IsStoreOutage(Exception exception) => Chain(exception).Any(e => e is NpgsqlException npgsql
        && (TransientStorageFaults.IsTransient(npgsql) || npgsql.InnerException is SocketException or TimeoutException or IOException));

    // RabbitMQ client and MassTransit connection errors (matched by name: the Api takes no direct dependency on either's types).
    private static bool IsBrokerOutage(Exception exception) => Chain(exception).Any(e =>
        e.GetType().FullName is { } name
        && (name.StartsWith("RabbitMQ.Client.Exceptions.", StringComparison.Ordinal)
            || name is "MassTransit.ConnectionException" or "MassTransit.RabbitMqConnectionException" or "MassTransit.TransportUnavailableException"));

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }
}
