using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Engine.Adapters;
using Pipeline.Sampling;
using Pipeline.Storage.Inputs;

namespace Pipeline.Worker.Jobs;

/// <summary>Turns a validated <see cref="SubmitJob"/> into the engine's job, loading its inputs from the input store.</summary>
public sealed class EngineJobFactory(IInputStore inputs)
{
    /// <summary>Input keys that name nothing stored: bad input, never retried.</summary>
    public const string InputNotFound = "input_not_found";

    /// <summary>The engine job; throws <see cref="InvalidJobException"/> when an input is missing or a value unknown.</summary>
    public async Task<EngineJob> CreateAsync(SubmitJob message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var source = await LoadAsync(message.SourceImageKey, "sourceImageKey", cancellationToken).ConfigureAwait(false);
        var mask = await LoadAsync(message.MaskImageKey, "maskImageKey", cancellationToken).ConfigureAwait(false);
        return new EngineJob
        {
            JobId = message.JobId,
            Kind = message.Kind switch
            {
                JobKinds.Generation => JobKind.Generation,
                JobKinds.Variation => JobKind.Variation,
                JobKinds.Inpainting => JobKind.Inpainting,
                _ => throw new InvalidJobException(ContractErrorCodes.UnknownKind, $"unknown kind '{message.Kind}'"),
            },
            ModelPack = message.ModelPack,
            Seed = message.Seed ?? JobSeeds.ForJob(message.JobId),
            Priority = message.Priority switch
            {
                JobPriorities.Interactive => PriorityClass.Interactive,
                JobPriorities.Bulk => PriorityClass.Bulk,
                JobPriorities.Standard => PriorityClass.Standard,
                _ => throw new InvalidJobException(ContractErrorCodes.UnknownPriority, $"unknown priority '{message.Priority}'"),
            },
            Steps = message.Steps,
            Order = message.Order is null ? null
                : RegistryPackProvider.ParseOrder(message.Order) ?? throw new InvalidJobException(ContractErrorCodes.UnknownOrder, $"unknown order '{message.Order}'"),
            Temperature = message.Temperature,
            TopK = message.TopK,
            Strength = message.Strength,
            SourceImage = source,
            MaskImage = mask,
            MaskRectangles = message.MaskRectangles is { } rectangles
                ? [.. rectangles.Select(r => new Engine.MaskRectangle(r.X, r.Y, r.Width, r.Height))]
                : [],
            FeatherPixels = message.FeatherPixels,
        };
    }

    private async Task<ReadOnlyMemory<byte>> LoadAsync(string? key, string field, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        return await inputs.ReadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidJobException(InputNotFound, $"{field} '{key}' names no uploaded input; upload it with POST /v1/inputs first");
    }
}
