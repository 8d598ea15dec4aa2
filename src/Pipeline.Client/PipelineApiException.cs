using System.Net;
using System.Text.Json;

namespace Pipeline.Client;

/// <summary>
/// The API answered with an error status (after any retries). <see cref="Exception.Message"/> says what was being done
/// and carries the RFC 7807 problem's detail (and, for a validation problem, its first field errors).
/// </summary>
public sealed class PipelineApiException(HttpStatusCode statusCode, string message, string? body) : Exception(message)
{
    /// <summary>The final status.</summary>
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>The response body as text (e.g. an RFC 7807 problem), or null.</summary>
    public string? Body { get; } = body;

    /// <summary>
    /// A validation problem's field errors: field (e.g. <c>jobs[3].steps</c>) → (stable code or null, message). Empty
    /// when the body is not a validation problem.
    /// </summary>
    public IReadOnlyList<FieldError> FieldErrors { get; } = ReadFieldErrors(body);

    /// <summary>The problem's <c>code</c> extension (e.g. <c>input_too_large</c>), when it has one.</summary>
    public string? ProblemCode { get; } = ReadCode(body);

    private static List<FieldError> ReadFieldErrors(string? body)
    {
        var found = new List<FieldError>();
        if (Parse(body) is not { } root || !root.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
        {
            return found;
        }

        root.TryGetProperty("codes", out var codes);
        foreach (var field in errors.EnumerateObject())
        {
            if (field.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var fieldCodes = codes.ValueKind == JsonValueKind.Object && codes.TryGetProperty(field.Name, out var c) && c.ValueKind == JsonValueKind.Array
                ? c.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : null).ToList()
                : [];
            var i = 0;
            foreach (var message in field.Value.EnumerateArray())
            {
                found.Add(new FieldError(field.Name, i < fieldCodes.Count ? fieldCodes[i] : null,
                    message.ValueKind == JsonValueKind.String ? message.GetString() ?? "" : message.ToString()));
                i++;
            }
        }

        return found;
    }

    private static string? ReadCode(string? body) =>
        Parse(body) is { } root && root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;

    private static JsonElement? Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object ? json.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>One field error of a validation problem.</summary>
/// <param name="Field">The field as the API names it, e.g. <c>jobs[3].steps</c>.</param>
/// <param name="Code">The stable code (<c>ContractErrorCodes</c>), when the API sent one.</param>
/// <param name="Message">What is wrong.</param>
public sealed record FieldError(string Field, string? Code, string Message);

/// <summary>
/// No answer from the API (after any retries): connection refused, name not resolved, or every attempt timed out.
/// The API may be down or the address wrong.
/// </summary>
public sealed class PipelineApiUnreachableException(string message, Exception? inner) : Exception(message, inner);
