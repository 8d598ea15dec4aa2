using System.Globalization;

namespace Pipeline.Client;

/// <summary>One problem in a manifest.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Code">Stable snake_case reason: a <c>ContractErrorCodes</c> value, <c>invalid_json</c> or <c>invalid_job</c>.</param>
/// <param name="Message">What is wrong, naming the property.</param>
public sealed record ManifestError(int Line, string Code, string Message)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"line {Line}: {Message} [{Code}]");
}
