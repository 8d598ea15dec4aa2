namespace Pipeline.Storage.Results;

/// <summary>The files of a stored result.</summary>
public enum ResultFile
{
    /// <summary><c>image.png</c>.</summary>
    Image,

    /// <summary><c>tokens.json</c>: a JSON array of code indices, row-major.</summary>
    Tokens,

    /// <summary><c>metadata.json</c>: the metadata the worker serialized.</summary>
    Metadata,
}
