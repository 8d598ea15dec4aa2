using System.Text.RegularExpressions;
using Cronos;
using Pipeline.Contracts;

namespace Pipeline.Scheduler.Schedules;

/// <summary>The checks a schedule passes before it is stored or triggered.</summary>
public static partial class ScheduleValidator
{
    /// <summary>Every problem with <paramref name="schedule"/>; empty when it is acceptable.</summary>
    public static IReadOnlyList<string> Validate(AugmentationSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var errors = new List<string>();
        if (!IsValidId(schedule.Id))
        {
            errors.Add("id must be 1-63 characters of a-z 0-9 - starting with a letter or digit");
        }

        if (CronError(schedule.Cron) is { } cronError)
        {
            errors.Add(cronError);
        }

        if (!TryFindTimeZone(schedule.TimeZone, out _))
        {
            errors.Add($"timeZone '{schedule.TimeZone}' is not a known time zone");
        }

        if (schedule.Source is null || (schedule.Source.Folder is null) == (schedule.Source.Manifest is null))
        {
            errors.Add("source needs exactly one of folder and manifest");
        }
        else if (!IsRelativeInside(schedule.Source.Folder ?? schedule.Source.Manifest!))
        {
            errors.Add("source paths must be relative to the source root and stay inside it");
        }

        if (schedule.Variations is null && schedule.Inpaints is null)
        {
            errors.Add("a schedule makes variations, inpaints or both");
        }

        if (schedule.Variations is { } v && !(v.PerImage is >= 1 and <= 100 && v.MinStrength > 0f && v.MinStrength <= v.MaxStrength && v.MaxStrength <= 1f))
        {
            errors.Add("variations needs perImage 1-100 and 0 < minStrength <= maxStrength <= 1");
        }

        if (schedule.Inpaints is { } i && !(i.PerImage is >= 1 and <= 100 && i.MinCoverage > 0f && i.MinCoverage <= i.MaxCoverage && i.MaxCoverage <= 1f))
        {
            errors.Add("inpaints needs perImage 1-100 and 0 < minCoverage <= maxCoverage <= 1");
        }

        // The job parameters a schedule fixes follow the rules its jobs will be checked by.
        ContractError?[] parameters =
        [
            JobParameterRules.Priority(schedule.Priority),
            schedule.Steps is { } steps ? JobParameterRules.Steps(steps, SubmitJobRules.MaxSteps) : null,
            schedule.Order is { } order ? JobParameterRules.Order(order) : null,
            schedule.ModelPack is { } pack ? JobParameterRules.ModelPack(pack) : null,
        ];
        errors.AddRange(parameters.OfType<ContractError>().Select(e => e.Message));

        return errors;
    }

    /// <summary>True for a well-formed schedule id.</summary>
    public static bool IsValidId(string? id) => id is not null && IdRegex().IsMatch(id);

    /// <summary>Parses a 5-field cron expression.</summary>
    public static bool TryParseCron(string? cron, out CronExpression expression) => Parse(cron, out expression) is null;

    /// <summary>Null for a valid 5-field cron expression; else what is wrong, naming the field (<see cref="CronProblem"/>).</summary>
    public static string? CronError(string? cron) => Parse(cron, out _) is { } refusal ? CronProblem.Describe(cron, refusal) : null;

    // The parser's refusal, or null when it parsed.
    private static string? Parse(string? cron, out CronExpression expression)
    {
        expression = null!;
        if (string.IsNullOrWhiteSpace(cron))
        {
            return "empty";
        }

        try
        {
            expression = CronExpression.Parse(cron, CronFormat.Standard);
            return null;
        }
        catch (CronFormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>Finds an IANA (or Windows) time zone by id.</summary>
    public static bool TryFindTimeZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone!);
    }

    private static bool IsRelativeInside(string path) =>
        path.Length > 0 && !Path.IsPathRooted(path) && !path.Split('/', '\\').Any(segment => segment == "..") && !path.Any(char.IsControl);

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();
}
