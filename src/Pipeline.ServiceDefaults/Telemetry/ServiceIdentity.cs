using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Pipeline.ServiceDefaults.Telemetry;

/// <summary>
/// Who this process is in telemetry: the OpenTelemetry resource's <c>service.name</c>, <c>service.instance.id</c> and
/// <c>service.version</c>, and the machine. Registered as a singleton by <see cref="TelemetryExtensions.AddPipelineTelemetry"/>
/// (the worker labels <c>pipeline_worker_info</c> with it).
/// </summary>
/// <param name="ServiceName"><c>OTEL_SERVICE_NAME</c> when set, else the host's own name (<c>pipeline-api</c>, …).</param>
/// <param name="InstanceId"><c>service.instance.id</c> from <c>OTEL_RESOURCE_ATTRIBUTES</c> when set, else <c>{host}-{pid}</c>.</param>
/// <param name="HostName">The machine (in a container: the container's host name, in Kubernetes the pod's).</param>
/// <param name="Version">The informational version of the build (every Pipeline assembly of a build has the same).</param>
public sealed record ServiceIdentity(string ServiceName, string InstanceId, string HostName, string Version)
{
    /// <summary>The standard variable that names the service.</summary>
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";

    /// <summary>The standard variable of extra resource attributes (<c>key=value,key=value</c>).</summary>
    public const string ResourceAttributesVariable = "OTEL_RESOURCE_ATTRIBUTES";

    /// <summary>The identity of this process as <paramref name="configuration"/> (environment included) describes it.</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="defaultServiceName">The host's own name, used when <c>OTEL_SERVICE_NAME</c> is not set.</param>
    public static ServiceIdentity From(IConfiguration configuration, string defaultServiceName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultServiceName);
        var host = Environment.MachineName;
        var name = configuration[ServiceNameVariable] is { Length: > 0 } configured ? configured : defaultServiceName;
        var instance = ResourceAttribute(configuration[ResourceAttributesVariable], "service.instance.id")
            ?? $"{host}-{Environment.ProcessId}";
        var assembly = typeof(ServiceIdentity).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        // The SDK appends "+<commit>" to the informational version; the commit alone is not worth a label value per build.
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return new ServiceIdentity(name, instance, host, plus > 0 ? version[..plus] : version);
    }

    /// <summary>The value of <paramref name="key"/> in an <c>OTEL_RESOURCE_ATTRIBUTES</c> list, or null.</summary>
    internal static string? ResourceAttribute(string? attributes, string key)
    {
        foreach (var pair in (attributes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && pair[..eq].Trim() == key && pair[(eq + 1)..].Trim() is { Length: > 0 } value)
            {
                return Uri.UnescapeDataString(value);
            }
        }

        return null;
    }
}
