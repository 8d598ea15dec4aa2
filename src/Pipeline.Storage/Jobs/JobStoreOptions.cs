using System.ComponentModel.DataAnnotations;

namespace Pipeline.Storage.Jobs;

/// <summary>The PostgreSQL job store. Bound from <see cref="SectionName"/>.</summary>
public sealed class JobStoreOptions
{
    /// <summary>The configuration section: <c>Pipeline:Storage:Jobs</c>.</summary>
    public const string SectionName = "Pipeline:Storage:Jobs";

    /// <summary>
    /// An Npgsql connection string. Default <see cref="DefaultConnectionString"/>: the database
    /// <c>scripts/start-services.sh</c> and <c>docker-compose.yml</c> set up.
    /// </summary>
    [Required]
    public string ConnectionString { get; set; } = DefaultConnectionString;

    /// <summary>User, password and database <c>pipeline</c> on the local server's default port.</summary>
    public const string DefaultConnectionString = "Host=localhost;Username=pipeline;Password=pipeline;Database=pipeline";

    /// <summary>
    /// The PostgreSQL schema holding the tables (created by the migrator). Default <c>pipeline</c>. Lowercase
    /// letters, digits and underscores, starting with a letter or underscore, at most 63 characters: tests give
    /// each run its own schema.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "pipeline";

    /// <summary>Apply pending migrations when the host starts (under an advisory lock). Default true.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
