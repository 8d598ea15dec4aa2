using Pipeline.Contracts;

namespace Pipeline.Storage;

/// <summary>The id and key checks every store applies before touching a path.</summary>
public static class StorageIds
{
    /// <summary>Throws <see cref="StorageInputException"/> (<c>invalid_job_id</c>) unless <paramref name="jobId"/> matches <see cref="JobIds.Pattern"/>.</summary>
    public static void EnsureJobId(string? jobId)
    {
        if (!JobIds.IsValid(jobId))
        {
            throw new StorageInputException(StorageInputException.InvalidJobId,
                $"job id must be 1-{JobIds.MaxLength} characters of A-Z a-z 0-9 . _ - starting with a letter or digit");
        }
    }

    /// <summary>Throws <see cref="StorageInputException"/> (<c>invalid_input_key</c>) unless <paramref name="key"/> matches <see cref="InputKeys.Pattern"/>.</summary>
    public static void EnsureInputKey(string? key)
    {
        if (!InputKeys.IsValid(key))
        {
            throw new StorageInputException(StorageInputException.InvalidInputKey, "input key must be sha256: followed by 64 lowercase hex digits");
        }
    }
}
