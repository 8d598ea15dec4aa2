using System.ComponentModel.DataAnnotations;

namespace Pipeline.Worker.Hosting;

/// <summary>
/// How the worker reports itself to the fleet view (<c>GET /v1/workers</c>, <c>pipeline status</c>). Bound from
/// <see cref="SectionName"/>, beside <see cref="WorkerOptions"/>.
/// </summary>
public sealed class HeartbeatOptions
{
    /// <summary>The configuration section: <c>Pipeline:Worker</c> (the worker's own settings).</summary>
    public const string SectionName = WorkerOptions.SectionName;

    /// <summary>
    /// The worker's id in the fleet view. Default: the host name and a random suffix, new for every process (so two
    /// workers on one machine never share a row). Set it to keep one id across restarts, e.g. a pod or GPU name;
    /// 1 to 128 of A-Z a-z 0-9 . _ : -, starting with a letter or digit. Two running workers must not share it.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
    public string? Id { get; set; }

    /// <summary>
    /// How often the worker writes its row (slots, jobs done, packs). Default 5 s; 100 ms to 5 minutes, and at most half of
    /// <c>Pipeline:Fleet:WorkerTimeout</c>, so one late beat does not drop a running worker out of the view.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);
}
