using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pipeline.Worker.Hosting;

/// <summary>Who this worker process is in the fleet view: fixed for the life of the process.</summary>
public sealed class WorkerIdentity
{
    /// <summary>Takes the configured id or makes one; the start time is the clock's now (the host resolves this at start).</summary>
    public WorkerIdentity(IOptions<HeartbeatOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Host = Environment.MachineName;
        Id = options.Value.Id ?? Generate(Host);
        StartedAt = time.GetUtcNow();
        Version = typeof(WorkerIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
    }

    /// <summary>The worker id.</summary>
    public string Id { get; }

    /// <summary>The machine name.</summary>
    public string Host { get; }

    /// <summary>The worker build's informational version (with the commit when the build knew it).</summary>
    public string Version { get; }

    /// <summary>When this process started serving.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>
    /// <paramref name="host"/> (lowercase; characters outside the id rule become '-', at most 100 of them) and six random hex
    /// digits: readable in a listing, and distinct for two processes on one machine.
    /// </summary>
    public static string Generate(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = new StringBuilder(Math.Min(host.Length, 100));
        foreach (var c in host.ToLowerInvariant().Take(100))
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        }

        var prefix = name.Length > 0 && char.IsAsciiLetterOrDigit(name[0]) ? name.ToString() : "worker" + name;
        return $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
    }
}
