using Pipeline.Contracts;

namespace Pipeline.Engine;

/// <summary>
/// The job's input or parameters are wrong: a user must change the job. Never retried.
/// <see cref="Code"/> is a stable machine-readable reason from <see cref="ContractErrorCodes"/> (e.g. "image_too_large",
/// "steps_out_of_range"), the same a message with that problem gets from the API.
/// </summary>
public sealed class InvalidJobException(string code, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Code { get; } = code;

    /// <summary>Throws a rule's error as an <see cref="InvalidJobException"/>; does nothing when there is none.</summary>
    public static void ThrowIf(ContractError? error)
    {
        if (error is not null)
        {
            throw new InvalidJobException(error.Code, error.Message);
        }
    }
}
