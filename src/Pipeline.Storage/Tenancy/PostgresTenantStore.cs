using Npgsql;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;

namespace Pipeline.Storage.Tenancy;

/// <summary><see cref="ITenantStore"/> on PostgreSQL (<c>deploy/sql/005_tenants.sql</c>): the jobs' derived tenant column and <c>tenant_inputs</c>.</summary>
public sealed class PostgresTenantStore : ITenantStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly string _jobs;
    private readonly string _inputs;

    /// <summary>Creates the store over tables in <paramref name="schema"/> (run <see cref="JobStoreMigrator"/> first).</summary>
    public PostgresTenantStore(NpgsqlDataSource dataSource, string schema, TimeProvider timeProvider)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        var quoted = SqlNames.Quote(SqlNames.EnsureSchema(schema));
        _jobs = quoted + ".jobs";
        _inputs = quoted + ".tenant_inputs";
    }

    /// <inheritdoc />
    public async Task<int> CountInFlightAsync(string tenant, CancellationToken cancellationToken = default)
    {
        EnsureTenant(tenant);
        var command = _dataSource.CreateCommand($"SELECT count(*) FROM {_jobs} WHERE tenant = @tenant AND status IN ('queued', 'running')");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("tenant", tenant);
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <inheritdoc />
    public async Task<bool> RecordInputAsync(string tenant, string inputKey, CancellationToken cancellationToken = default)
    {
        EnsureTenant(tenant);
        StorageIds.EnsureInputKey(inputKey);
        var command = _dataSource.CreateCommand(
            $"INSERT INTO {_inputs} (tenant, input_key, uploaded_at) VALUES (@tenant, @key, @now) ON CONFLICT (tenant, input_key) DO NOTHING");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("tenant", tenant);
            command.Parameters.AddWithValue("key", inputKey);
            command.Parameters.AddWithValue("now", _timeProvider.GetUtcNow());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc />
    public async Task<bool> HasInputAsync(string tenant, string inputKey, CancellationToken cancellationToken = default)
    {
        EnsureTenant(tenant);
        if (!InputKeys.IsValid(inputKey))
        {
            return false;
        }

        var command = _dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {_inputs} WHERE tenant = @tenant AND input_key = @key)");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("tenant", tenant);
            command.Parameters.AddWithValue("key", inputKey);
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private static void EnsureTenant(string tenant)
    {
        if (!TenantIds.IsValid(tenant))
        {
            throw new ArgumentException($"tenant must match {TenantIds.Pattern}", nameof(tenant));
        }
    }
}
