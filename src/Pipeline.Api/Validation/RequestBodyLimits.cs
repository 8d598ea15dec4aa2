using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Pipeline.Api.Hosting;

namespace Pipeline.Api.Validation;

/// <summary>One body limit, <see cref="ApiOptions.MaxRequestBodyBytes"/>, for every content type.</summary>
public static class RequestBodyLimits
{
    /// <summary>
    /// Kestrel's body limit and every form limit at <see cref="ApiOptions.MaxRequestBodyBytes"/>: a body within it is never
    /// refused by a smaller default (FormOptions.ValueLengthLimit, 4 MiB, cut a multipart <c>job</c> field holding inline
    /// images), and one past it is a 413 whatever its content type (<see cref="Errors.ExceptionProblems"/>).
    /// </summary>
    public static IServiceCollection AddRequestBodyLimits(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiOptions>>((kestrel, api) =>
            kestrel.Limits.MaxRequestBodySize = api.Value.MaxRequestBodyBytes);
        services.AddOptions<FormOptions>().Configure<IOptions<ApiOptions>>((form, api) =>
        {
            var limit = api.Value.MaxRequestBodyBytes;
            (form.MultipartBodyLengthLimit, form.BufferBodyLengthLimit) = (limit, limit);
            form.ValueLengthLimit = (int)Math.Min(limit, int.MaxValue);
        });
        return services;
    }
}
