using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Pipeline.Storage.Jobs;

/// <summary>
/// Applies the plain SQL migrations of <c>deploy/sql/NNN_name.sql</c> (embedded in this assembly) to one schema.
/// Everything happens in one transaction holding a transaction-scoped advisory lock derived from the schema
/// name, so processes starting at once apply each migration exactly once and the others wait, then find
/// nothing to do. <c>schema_migrations</c> records each version with a checksum: an applied migration whose
/// file has since changed stops start-up, since the database no longer matches the code's history.
/// </summary>
public sealed partial class JobStoreMigrator(NpgsqlDataSource dataSource, string schema, ILogger<JobStoreMigrator>? logger = null)
{
    private const string ResourcePrefix = "Pipeline.Storage.Migrations.";
    private readonly ILogger _logger = logger ?? NullLogger<JobStoreMigrator>.Instance;
    private readonly string _schema = SqlNames.EnsureSchema(schema);

    /// <summary>The embedded migrations, in version order.</summary>
    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations();

    /// <summary>Applies pending migrations; returns the versions this call applied (empty when up to date).</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", LockKey(_schema))).ConfigureAwait(false);
                await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {SqlNames.Quote(_schema)}", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, $"SET LOCAL search_path TO {SqlNames.Quote(_schema)}", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version    integer     PRIMARY KEY,
                        name       text        NOT NULL,
                        checksum   text        NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now())
                    """, cancellationToken).ConfigureAwait(false);

                var applied = await ReadAppliedAsync(connection, cancellationToken).ConfigureAwait(false);
                var newlyApplied = new List<int>();
                foreach (var migration in Migrations)
                {
                    if (applied.TryGetValue(migration.Version, out var checksum))
                    {
                        if (checksum != migration.Checksum)
                        {
                            throw new InvalidOperationException(
                                $"migration {migration.Name} was changed after it was applied to schema '{_schema}' (checksum {checksum} in the database, {migration.Checksum} now); add a new migration instead");
                        }

                        continue;
                    }

                    await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, "INSERT INTO schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)",
                        cancellationToken, ("version", migration.Version), ("name", migration.Name), ("checksum", migration.Checksum)).ConfigureAwait(false);
                    newlyApplied.Add(migration.Version);
                    LogApplied(_logger, migration.Name, _schema);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return newlyApplied;
            }
        }
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        var command = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied[reader.GetInt32(0)] = reader.GetString(1);
                }
            }
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A stable 64-bit advisory lock key per schema (the first 8 bytes of a SHA-256).</summary>
    private static long LockKey(string schema) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("pipeline.storage.migrations:" + schema)), 0);

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(JobStoreMigrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..];
            var match = MigrationName().Match(name);
            if (!match.Success)
            {
                throw new InvalidOperationException($"migration file '{name}' is not named NNN_name.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            migrations.Add(new Migration(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), name, sql, checksum));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"two migrations share version {migrations[i].Version}");
            }
        }

        return migrations;
    }

    [GeneratedRegex(@"\A(\d{3})_[a-z0-9_]+\.sql\z", RegexOptions.CultureInvariant)]
    private static partial Regex MigrationName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Migration} to schema {Schema}")]
    private static partial void LogApplied(ILogger logger, string migration, string schema);
}
