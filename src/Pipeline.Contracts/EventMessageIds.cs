using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Contracts;

/// <summary>
/// The one message id of each terminal event: derived from the event type and the job (or batch) id, so every
/// publication of "job X completed" — the first, and any republication after a crash between publishing it and
/// recording it sent — carries the same <c>MessageId</c>, and a consumer that remembers the ids it handled acts once.
/// The bytes are the first 16 of SHA-256(<c>type + "\n" + subject</c>), read big-endian, so
/// <c>MessageId.ToString("N")</c> is the same 32 hex digits as the webhook's event id after its <c>evt_</c>.
/// </summary>
public static class EventMessageIds
{
    /// <summary>A job succeeded (<see cref="JobCompleted"/>).</summary>
    public const string JobCompleted = "job.completed";

    /// <summary>A job failed for good (<see cref="JobFailed"/>).</summary>
    public const string JobFailed = "job.failed";

    /// <summary>A job was canceled (<see cref="JobCanceled"/>).</summary>
    public const string JobCanceled = "job.canceled";

    /// <summary>Every job of a batch ended (<see cref="BatchCompleted"/>).</summary>
    public const string BatchCompleted = "batch.completed";

    /// <summary>The message id of the <paramref name="eventType"/> event about <paramref name="subjectId"/>.</summary>
    public static Guid For(string eventType, string subjectId)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(eventType + "\n" + subjectId));
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
