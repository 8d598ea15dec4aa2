namespace Pipeline.Storage.Results;

/// <summary>
/// Store-relative keys of a job's result, with <c>/</c> separators on every platform: the values
/// <c>JobCompleted</c> carries and the job record keeps. Build them with <see cref="For"/>, which checks the id.
/// </summary>
/// <param name="ResultKey"><c>results/&lt;jobId&gt;</c>.</param>
/// <param name="ImageKey"><c>results/&lt;jobId&gt;/image.png</c>.</param>
/// <param name="TokensKey"><c>results/&lt;jobId&gt;/tokens.json</c>.</param>
/// <param name="MetadataKey"><c>results/&lt;jobId&gt;/metadata.json</c>.</param>
public sealed record ResultKeys(string ResultKey, string ImageKey, string TokensKey, string MetadataKey)
{
    /// <summary>The folder under the store root that holds every result.</summary>
    public const string ResultsFolder = "results";

    /// <summary>File name of <see cref="ResultFile.Image"/>.</summary>
    public const string ImageFileName = "image.png";

    /// <summary>File name of <see cref="ResultFile.Tokens"/>.</summary>
    public const string TokensFileName = "tokens.json";

    /// <summary>File name of <see cref="ResultFile.Metadata"/>.</summary>
    public const string MetadataFileName = "metadata.json";

    /// <summary>The keys for <paramref name="jobId"/>; throws <see cref="StorageInputException"/> for a malformed id.</summary>
    public static ResultKeys For(string jobId)
    {
        StorageIds.EnsureJobId(jobId);
        var folder = $"{ResultsFolder}/{jobId}";
        return new ResultKeys(folder, $"{folder}/{ImageFileName}", $"{folder}/{TokensFileName}", $"{folder}/{MetadataFileName}");
    }

    /// <summary>The file name of one result file.</summary>
    public static string FileName(ResultFile file) => file switch
    {
        ResultFile.Image => ImageFileName,
        ResultFile.Tokens => TokensFileName,
        ResultFile.Metadata => MetadataFileName,
        _ => throw new ArgumentOutOfRangeException(nameof(file), file, "unknown result file"),
    };
}
