using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Pipeline.Storage;

/// <summary>Validates an options class by its <c>[Required]</c>, <c>[Range]</c> and <c>[RegularExpression]</c> attributes at start-up.</summary>
internal sealed class OptionsAnnotationsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r => $"{typeof(TOptions).Name}: {r.ErrorMessage}"));
    }
}
