using Npgsql;

namespace Pipeline.Storage.Resilience;

/// <summary>Which exceptions are worth a retry.</summary>
public static class TransientStorageFaults
{
    /// <summary>
    /// True for faults that may pass by themselves: Npgsql's transient errors (connection loss, timeouts,
    /// serialization failures, too many connections) and I/O errors. False for everything else, in particular
    /// bad input (<see cref="StorageInputException"/>, <see cref="ArgumentException"/>), non-transient database
    /// errors (constraint violations, syntax), cancellation, and I/O errors that repeat identically
    /// (file or folder not found, path too long, access denied).
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        NpgsqlException npgsql => npgsql.IsTransient,
        FileNotFoundException or DirectoryNotFoundException or PathTooLongException or EndOfStreamException => false,
        IOException => true,
        _ => false,
    };
}
