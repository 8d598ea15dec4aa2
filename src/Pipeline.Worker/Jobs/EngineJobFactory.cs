using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Storage.Inputs;

namespace Pipeline.Worker.Jobs;

/// <summary>Turns a validated <see cref="SubmitJob"/> into the engine's job, loading its inputs from the input store.</summary>
public sealed class EngineJobFactory(IInputStore inputs)
{
    /// <summary>
    /// The engine job; throws <see cref="InvalidJobException"/> when an input is missing (<see cref="ContractErrorCodes.InputNotFound"/>)
    /// or a value unknown (which <see cref="SubmitJobRules"/> has already ruled out).
    /// </summary>
    public async Task<EngineJob> CreateAsync(SubmitJob message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var source = await LoadAsync(message.SourceImageKey, "sourceImageKey", cancellationToken).ConfigureAwait(false);
        var mask = await LoadAsync(message.MaskImageKey, "maskImageKey", cancellationToken).ConfigureAwait(false);
        var second = await LoadAsync(message.SecondImageKey, "secondImageKey", cancellationToken).ConfigureAwait(false);
        return new EngineJob
        {
            JobId = message.JobId,
            Kind = JobKinds.Parse(message.Kind) ?? throw Invalid(JobParameterRules.Kind(message.Kind)),
            ModelPack = message.ModelPack,
            Seed = message.Seed ?? JobSeeds.ForJob(message.JobId),
            Priority = JobPriorities.Parse(message.Priority) ?? throw Invalid(JobParameterRules.Priority(message.Priority)),
            Steps = message.Steps,
            Order = message.Order is null ? null : UnmaskOrders.Parse(message.Order) ?? throw Invalid(JobParameterRules.Order(message.Order)),
            Temperature = message.Temperature,
            TopK = message.TopK,
            Strength = message.Strength,
            SourceImage = source,
            MaskImage = mask,
            MaskRectangles = message.MaskRectangles ?? [],
            FeatherPixels = message.FeatherPixels,
            CanvasWidth = message.Width,
            CanvasHeight = message.Height,
            CanvasStride = message.Stride,
            Extend = message.Extend,
            SecondImage = second,
            JoinPixels = message.JoinPixels,
            Vertical = message.Vertical ?? false,
        };
    }

    private async Task<ReadOnlyMemory<byte>> LoadAsync(string? key, string field, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        return await inputs.ReadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidJobException(ContractErrorCodes.InputNotFound, $"{field} '{key}' names no uploaded input; upload it with POST /v1/inputs first");
    }

    private static InvalidJobException Invalid(ContractError? error) => new(error!.Code, error.Message);
}
