using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Contracts;
using Pipeline.Storage;

namespace Pipeline.Api.Submission;

/// <summary>
/// Validation errors by request field, answered as an RFC 7807 validation problem: <c>errors</c> maps each field to its
/// messages and the <c>codes</c> extension maps it to the stable codes (<see cref="ContractErrorCodes"/>).
/// </summary>
public sealed class RequestErrors
{
    private readonly Dictionary<string, List<string>> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _codes = new(StringComparer.Ordinal);

    /// <summary>True when nothing was added.</summary>
    public bool IsEmpty => _messages.Count == 0;

    /// <summary>Adds one error for <paramref name="field"/>.</summary>
    public void Add(string field, string code, string message)
    {
        (_messages.TryGetValue(field, out var m) ? m : _messages[field] = []).Add(message);
        (_codes.TryGetValue(field, out var c) ? c : _codes[field] = []).Add(code);
    }

    /// <summary>Adds the contract's errors, each under the field it names; <paramref name="prefix"/> for a batch item (<c>jobs[3].</c>).</summary>
    public void AddContractErrors(IEnumerable<ContractError> errors, string prefix = "")
    {
        foreach (var error in errors)
        {
            var (field, message) = Locate(error);
            Add(prefix + field, error.Code, message);
        }
    }

    /// <summary>
    /// The status the errors call for: 413 when an input is over the size limit (<c>input_too_large</c>), 422 when every
    /// error is about an input's content (<see cref="InputContentCodes"/>: the request was well formed, the image is
    /// not usable), else 400.
    /// </summary>
    public int Status =>
        _codes.Values.Any(c => c.Contains(StorageInputException.InputTooLarge)) ? StatusCodes.Status413PayloadTooLarge
        : _codes.Values.All(c => c.All(InputContentCodes.Contains)) ? StatusCodes.Status422UnprocessableEntity
        : StatusCodes.Status400BadRequest;

    /// <summary>The codes about what an uploaded or referenced image holds, answered 422.</summary>
    public static IReadOnlySet<string> InputContentCodes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ContractErrorCodes.ImageEmpty,
        ContractErrorCodes.ImageUndecodable,
        ContractErrorCodes.ImageTruncated,
        ContractErrorCodes.ImageInconsistent,
        ContractErrorCodes.ImageTooLarge,
        ContractErrorCodes.MaskSizeMismatch,
        ContractErrorCodes.MaskInvalid,
        ContractErrorCodes.EmptyMask,
        ContractErrorCodes.InputNotFound,
    };

    /// <summary>The problem response with <see cref="Status"/>: a validation problem (<c>errors</c>, <c>codes</c>) whatever the status.</summary>
    public IResult ToResult(string title = "The request is not valid")
    {
        var status = Status;
        if (status == StatusCodes.Status400BadRequest)
        {
            return ToProblem(title);
        }

        var problem = new HttpValidationProblemDetails(_messages.ToDictionary(e => e.Key, e => e.Value.ToArray()))
        {
            Status = status,
            Title = status == StatusCodes.Status413PayloadTooLarge ? "An input is too large" : "An input image cannot be used",
            Type = status == StatusCodes.Status413PayloadTooLarge
                ? "https://tools.ietf.org/html/rfc9110#section-15.5.14"
                : "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        };
        problem.Extensions["codes"] = _codes.ToDictionary(e => e.Key, e => e.Value.ToArray());
        return TypedResults.Problem(problem);
    }

    /// <summary>The problem response (400).</summary>
    public ValidationProblem ToProblem(string title = "The request is not valid") =>
        TypedResults.ValidationProblem(
            _messages.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            title: title,
            type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            extensions: new Dictionary<string, object?> { ["codes"] = _codes.ToDictionary(e => e.Key, e => e.Value.ToArray()) });

    /// <summary>The field a contract error is about, and its message without a batch prefix (<c>jobs[3]: </c>).</summary>
    internal static (string Field, string Message) Locate(ContractError error)
    {
        var message = error.Message;
        var itemPrefix = "";
        if (message.StartsWith("jobs[", StringComparison.Ordinal) && message.IndexOf(']', StringComparison.Ordinal) is var close and > 0)
        {
            var item = message[..(close + 1)];
            if (!message.AsSpan(close + 1).StartsWith(": ", StringComparison.Ordinal))
            {
                // A batch-level rule about one item: "jobs[3].jobId 'x' appears twice", "jobs[3].batchId must be …".
                return (item + (error.Code == ContractErrorCodes.InvalidBatchId ? ".batchId" : ".jobId"), message);
            }

            itemPrefix = item + ".";
            message = message[(close + 3)..];
        }

        var field = error.Code switch
        {
            ContractErrorCodes.InvalidJobId => "jobId",
            ContractErrorCodes.InvalidBatchId => "batchId",
            ContractErrorCodes.UnknownKind => "kind",
            ContractErrorCodes.UnknownPriority => "priority",
            ContractErrorCodes.UnknownOrder => "order",
            ContractErrorCodes.InvalidModelPack => "modelPack",
            ContractErrorCodes.SeedOutOfRange => "seed",
            ContractErrorCodes.StepsOutOfRange => "steps",
            ContractErrorCodes.InvalidTemperature => "temperature",
            ContractErrorCodes.TopKOutOfRange => "topK",
            ContractErrorCodes.StrengthOutOfRange => "strength",
            ContractErrorCodes.MissingSourceImage => "sourceImageKey",
            ContractErrorCodes.MissingMask or ContractErrorCodes.AmbiguousMask => "maskImageKey",
            ContractErrorCodes.InvalidMaskRectangle => "maskRectangles",
            ContractErrorCodes.FeatherOutOfRange => "featherPixels",
            ContractErrorCodes.InvalidCallbackUrl => "callbackUrl",
            ContractErrorCodes.CanvasSizeInvalid or ContractErrorCodes.CanvasTooLarge => "width",
            ContractErrorCodes.CanvasStrideOutOfRange or ContractErrorCodes.CanvasTooManyWindows => "stride",
            ContractErrorCodes.ExtendInvalid => "extend",
            ContractErrorCodes.JoinOutOfRange => "joinPixels",
            ContractErrorCodes.CanvasFieldNotAllowed => "kind",
            ContractErrorCodes.InvalidInputKey when message.Contains("secondImageKey", StringComparison.Ordinal) => "secondImageKey",
            ContractErrorCodes.InvalidBatch => "jobs",
            ContractErrorCodes.InvalidInputKey when message.Contains("maskImageKey", StringComparison.Ordinal) => "maskImageKey",
            ContractErrorCodes.InvalidInputKey => "sourceImageKey",
            _ => "request",
        };
        return (itemPrefix + field, message);
    }
}
