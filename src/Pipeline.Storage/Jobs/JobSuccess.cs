namespace Pipeline.Storage.Jobs;

/// <summary>What <see cref="IJobStore.MarkSucceededAsync"/> records.</summary>
/// <param name="ResultKey">The result's key in the result store (<c>ResultKeys.ResultKey</c>).</param>
/// <param name="StepsUsed">Steps actually used, 1 or more.</param>
public sealed record JobSuccess(string ResultKey, int StepsUsed);
