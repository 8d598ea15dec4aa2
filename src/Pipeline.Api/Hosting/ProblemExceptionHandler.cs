using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Pipeline.Api.Errors;

namespace Pipeline.Api.Hosting;

/// <summary>
/// The one exception handler: every exception that escapes an endpoint becomes an RFC 7807 answer from
/// <see cref="ExceptionProblems"/> (413, 400, 503 + <c>Retry-After</c>, else 500) with a <c>code</c> and a sentence of ours,
/// never the exception's text; the exception is logged here with the answer's trace id.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody reads an answer.
            httpContext.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return true;
        }

        var problem = ExceptionProblems.For(exception, httpContext.Request);
        var traceId = Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier;
        if (problem.Status >= StatusCodes.Status500InternalServerError && !problem.IsTransient)
        {
            LogFault(logger, exception, httpContext.Request.Method, httpContext.Request.Path, problem.Code, traceId);
        }
        else
        {
            LogRefused(logger, exception, httpContext.Request.Method, httpContext.Request.Path, problem.Status, problem.Code, traceId);
        }

        httpContext.Response.StatusCode = problem.Status;
        if (problem.RetryAfterSeconds is { } seconds)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // No Exception on the context: the writer would add its details in Development.
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = problem.Status,
                Title = problem.Title,
                Detail = problem.Detail,
                Extensions = { ["code"] = problem.Code, ["traceId"] = traceId },
            },
        }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed ({Code}, trace {TraceId})")]
    private static partial void LogFault(ILogger logger, Exception exception, string method, PathString path, string code, string traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered {Status} ({Code}, trace {TraceId})")]
    private static partial void LogRefused(ILogger logger, Exception exception, string method, PathString path, int status, string code, string traceId);
}
