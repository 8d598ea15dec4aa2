using Microsoft.Extensions.Options;

namespace Pipeline.Api.Validation;

/// <summary>Registers the image door (<see cref="ImageIntake"/>) and its options.</summary>
public static class ImageIntakeServices
{
    public static IServiceCollection AddImageIntake(this IServiceCollection services)
    {
        services.AddOptions<InputValidationOptions>().BindConfiguration(InputValidationOptions.SectionName)
            .Validate(o => o.IsValid(), $"{InputValidationOptions.SectionName}:ModelImageSizes are WIDTHxHEIGHT, e.g. 32x32").ValidateOnStart();
        services.AddScoped<ImageIntake>();
        return services;
    }
}
