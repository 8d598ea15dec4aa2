using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Pipeline.ServiceDefaults.Authentication;

namespace Pipeline.Api.Hosting;

/// <summary>
/// Declares the API key in the OpenAPI document (an <c>apiKey</c> scheme in the <c>X-Api-Key</c> header, required by the
/// document), so generated clients and API explorers send it.
/// </summary>
public static class ApiKeyOpenApi
{
    /// <summary>Adds the scheme and the document-wide requirement.</summary>
    public static OpenApiOptions AddApiKeySecurity(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
            document.Components.SecuritySchemes[ApiKeyAuthentication.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthentication.HeaderName,
                Description = "One of the keys in Pipeline:Api:ApiKeys; every /v1 endpoint needs it (401 without).",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, document)] = [],
            });
            return Task.CompletedTask;
        });
        return options;
    }
}
