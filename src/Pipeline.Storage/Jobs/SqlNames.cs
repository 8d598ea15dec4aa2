using System.Text.RegularExpressions;

namespace Pipeline.Storage.Jobs;

/// <summary>The schema name is spliced into SQL (identifiers cannot be parameters), so it is checked first.</summary>
internal static partial class SqlNames
{
    public static string EnsureSchema(string schema)
    {
        if (schema is null || !SchemaName().IsMatch(schema))
        {
            throw new ArgumentException("the schema name must be lowercase letters, digits and underscores, starting with a letter or underscore, at most 63 characters", nameof(schema));
        }

        return schema;
    }

    /// <summary>A double-quoted identifier; safe because <see cref="EnsureSchema"/> admits no quote.</summary>
    public static string Quote(string identifier) => "\"" + identifier + "\"";

    [GeneratedRegex(@"\A[a-z_][a-z0-9_]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
