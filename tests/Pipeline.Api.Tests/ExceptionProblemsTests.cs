using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Pipeline.Api.Errors;
using Pipeline.Api.Hosting;
using Pipeline.Api.Submission;

namespace Pipeline.Api.Tests;

/// <summary>The one exception mapping: each kind of failure to its status and code, and never the exception's text in the body.</summary>
public sealed class ExceptionProblemsTests
{
    public static TheoryData<string, int, string> Cases => new()
    {
        { "decode-budget", 503, ApiErrorCodes.DecoderBusy },
        { "npgsql-connect", 503, ApiErrorCodes.StoreUnavailable },
        { "broker", 503, ApiErrorCodes.BrokerUnavailable },
        { "rabbitmq-client", 503, ApiErrorCodes.BrokerUnavailable },
        { "kestrel-413", 413, ApiErrorCodes.RequestTooLarge },
        { "form-limit", 413, ApiErrorCodes.RequestTooLarge },
        { "form-broken", 400, ApiErrorCodes.MalformedRequest },
        { "null-reference", 500, ApiErrorCodes.InternalError },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Handler_EachFailure_ItsStatusAndCodeAndNoExceptionText(string name, int status, string code)
    {
        var exception = Make(name);
        var context = Context(form: name.StartsWith("form", StringComparison.Ordinal));

        var handled = await Handler(context).TryHandleAsync(context, exception, CancellationToken.None);

        Assert.True(handled);
        Assert.Equal(status, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var raw = await new StreamReader(context.Response.Body).ReadToEndAsync();
        using var body = JsonDocument.Parse(raw);
        Assert.Equal(code, body.RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain(exception.Message, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(exception.GetType().Name, raw, StringComparison.Ordinal);
        Assert.Equal(status == 503, context.Response.Headers.RetryAfter.Count == 1);
    }

    private static Exception Make(string name) => name switch
    {
        "decode-budget" => new TimeoutException("The decode budget stayed full for 30 s (secret detail)"),
        "npgsql-connect" => new NpgsqlException("Failed to connect to 10.1.2.3:5432 (secret detail)", new SocketException((int)SocketError.ConnectionRefused)),
        "broker" => new BrokerUnavailableException("the broker did not accept (secret detail)", new OperationCanceledException()),
        "rabbitmq-client" => new RabbitMQ.Client.Exceptions.BrokerUnreachableException(new IOException("secret detail")),
        "kestrel-413" => new BadHttpRequestException("Request body too large. The max request body size is 1024 bytes (secret detail).", 413),
        "form-limit" => new InvalidDataException("Multipart body length limit 1024 exceeded (secret detail)."),
        "form-broken" => new InvalidDataException("Unexpected end of Stream (secret detail)."),
        _ => new InvalidOperationException("Object reference not set to an instance of an object (secret detail)."),
    };

    private static DefaultHttpContext Context(bool form)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "POST";
        context.Request.Path = "/v1/jobs";
        context.Request.ContentType = form ? "multipart/form-data; boundary=x" : "application/json";
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static ProblemExceptionHandler Handler(HttpContext context) =>
        new(context.RequestServices.GetRequiredService<IProblemDetailsService>(), NullLogger<ProblemExceptionHandler>.Instance);
}
