using System.Globalization;

namespace Pipeline.Scheduler.Schedules;

/// <summary>
/// Says what is wrong with a cron expression the parser refused, naming the field: <c>61 * * * *</c> gives "minute
/// field: 61 is out of range 0-59". Acceptance stays the parser's (Cronos, standard 5-field format); this only explains a
/// refusal, and falls back to the parser's own message for what it does not model (the <c>L</c>, <c>W</c> and <c>#</c>
/// extensions).
/// </summary>
internal static class CronProblem
{
    private static readonly Field[] Fields =
    [
        new("minute", 0, 59, []),
        new("hour", 0, 23, []),
        new("day-of-month", 1, 31, []),
        new("month", 1, 12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
        new("day-of-week", 0, 7, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
    ];

    /// <summary>The reason <paramref name="cron"/> was refused, starting with <c>cron '…'</c>.</summary>
    /// <param name="cron">The refused expression.</param>
    /// <param name="parserMessage">What the parser said, used when no field-level reason is found.</param>
    public static string Describe(string? cron, string? parserMessage)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            return "cron is required: 5 fields, minute hour day-of-month month day-of-week, e.g. '0 3 * * *'";
        }

        var parts = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != Fields.Length)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"cron '{cron}' has {parts.Length} field(s); it needs 5: minute hour day-of-month month day-of-week, e.g. '0 3 * * *'");
        }

        for (var i = 0; i < Fields.Length; i++)
        {
            if (Fields[i].Problem(parts[i]) is { } problem)
            {
                return $"cron '{cron}': {Fields[i].Name} field: {problem}";
            }
        }

        return $"cron '{cron}' is not a valid 5-field cron expression: {parserMessage ?? "refused by the parser"}";
    }

    private sealed record Field(string Name, int Min, int Max, string[] Names)
    {
        private string Range => string.Create(CultureInfo.InvariantCulture, $"{Min}-{Max}")
            + (Names.Length > 0 ? $" (or {Names[0]}-{Names[^1]})" : "");

        /// <summary>The first problem of this field's text, or null when none is found here.</summary>
        public string? Problem(string text)
        {
            foreach (var item in text.Split(','))
            {
                if (item.Length == 0)
                {
                    return $"'{text}' has an empty list item";
                }

                if (item.IndexOfAny(['L', 'W', '#']) >= 0)
                {
                    continue; // Cronos extensions: left to its own message
                }

                var slash = item.Split('/');
                if (slash.Length > 2)
                {
                    return $"'{item}' has more than one '/'";
                }

                if (slash.Length == 2 && !(int.TryParse(slash[1], NumberStyles.None, CultureInfo.InvariantCulture, out var step) && step >= 1))
                {
                    return $"step '{slash[1]}' in '{item}' is not a whole number of at least 1";
                }

                if (slash[0] is "*" or "?")
                {
                    continue;
                }

                var bounds = slash[0].Split('-');
                if (bounds.Length > 2)
                {
                    return $"'{slash[0]}' is not a value or a range a-b";
                }

                foreach (var bound in bounds)
                {
                    if (Value(bound) is not { } value)
                    {
                        return $"'{bound}' is not a number in {Range}";
                    }

                    if (value < Min || value > Max)
                    {
                        return string.Create(CultureInfo.InvariantCulture, $"{value} is out of range {Min}-{Max}");
                    }
                }
            }

            return null;
        }

        private int? Value(string text)
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }

            var index = Array.FindIndex(Names, name => string.Equals(name, text, StringComparison.OrdinalIgnoreCase));
            return index < 0 ? null : index + Min;
        }
    }
}
