using Microsoft.AspNetCore.Diagnostics;
using Pipeline.Api.Submission;

namespace Pipeline.Api.Hosting;

/// <summary>Answers a broker that did not take a message with 503 + Retry-After; everything else falls through to 500.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BrokerUnavailableException)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The job was recorded but not queued yet",
                Detail = exception.Message + "; retry with the same job id (or Idempotency-Key) to queue it",
            },
        }).ConfigureAwait(false);
    }
}
