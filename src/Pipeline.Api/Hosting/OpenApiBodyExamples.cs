using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Pipeline.Api.Hosting;

/// <summary>
/// Puts an example on every JSON request and response body of the OpenAPI document (<see cref="BodyExamples"/>), so a
/// reader sees a real body next to each schema. Binary bodies (PNG results, uploads) get none.
/// </summary>
public static class OpenApiBodyExamples
{
    /// <summary>Adds the operation transformer that sets the examples.</summary>
    public static OpenApiOptions AddBodyExamples(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddOperationTransformer((operation, context, _) =>
        {
            var description = context.Description;
            var operationId = operation.OperationId;
            if (operation.RequestBody?.Content is { } request)
            {
                var body = description.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Body)?.Type;
                Apply(request, BodyExamples.For(operationId, 0, body));
            }

            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (response.Content is { } content && int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                {
                    var type = description.SupportedResponseTypes.FirstOrDefault(r => r.StatusCode == code)?.Type;
                    Apply(content, BodyExamples.For(operationId, code, type == typeof(void) ? null : type));
                }
            }

            return Task.CompletedTask;
        });
        return options;
    }

    private static void Apply(IDictionary<string, OpenApiMediaType> content, System.Text.Json.Nodes.JsonNode? example)
    {
        if (example is null)
        {
            return;
        }

        foreach (var (mediaType, body) in content)
        {
            if (mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
            {
                body.Example = example.DeepClone();
            }
        }
    }
}
