namespace Pipeline.Storage.Jobs;

/// <summary>One embedded SQL migration.</summary>
/// <param name="Version">The NNN prefix of its file name.</param>
/// <param name="Name">Its file name.</param>
/// <param name="Sql">Its text (line endings normalized to \n).</param>
/// <param name="Checksum">SHA-256 of <paramref name="Sql"/>, lowercase hex.</param>
public sealed record Migration(int Version, string Name, string Sql, string Checksum);
