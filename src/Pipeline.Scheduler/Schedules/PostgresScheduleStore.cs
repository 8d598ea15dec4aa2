using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Pipeline.Contracts;
using Pipeline.Scheduler.Runs;

namespace Pipeline.Scheduler.Schedules;

/// <summary>
/// <see cref="IScheduleStore"/> on the tables of <c>deploy/sql/100_augmentation_schedules.sql</c>, which the storage
/// migrator applies with the job store's. Uses the job store's pool and schema; every statement is one round trip.
/// </summary>
public sealed class PostgresScheduleStore : IScheduleStore
{
    private const string RunColumns = "schedule_id, period_start, batch_id, status, plan, succeeded, dataset_path, created_at, submitted_at, completed_at, error";
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly string _schedules;
    private readonly string _runs;

    /// <summary>Creates the store over <paramref name="dataSource"/>, in <paramref name="schema"/> (checked: lowercase letters, digits, underscores).</summary>
    public PostgresScheduleStore(NpgsqlDataSource dataSource, string schema, TimeProvider timeProvider)
    {
        if (schema is null || !System.Text.RegularExpressions.Regex.IsMatch(schema, @"\A[a-z_][a-z0-9_]{0,62}\z"))
        {
            throw new ArgumentException("invalid schema name", nameof(schema));
        }

        _dataSource = dataSource;
        _timeProvider = timeProvider;
        _schedules = $"\"{schema}\".augmentation_schedules";
        _runs = $"\"{schema}\".augmentation_runs";
    }

    /// <inheritdoc />
    public async Task<bool?> UpsertAsync(AugmentationSchedule schedule, CancellationToken cancellationToken = default)
    {
        // Another tenant's row is left alone: the WHERE makes the update a no-op and RETURNING yields no row.
        await using var command = Command($"""
            INSERT INTO {_schedules} AS s (id, tenant, definition, created_at, updated_at) VALUES (@id, @tenant, @definition, @now, @now)
            ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at
                WHERE s.tenant = excluded.tenant
            RETURNING (xmax = 0)
            """, ("id", schedule.Id), ("tenant", schedule.Tenant), ("now", Now()), Json("definition", schedule));
        return (bool?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> InsertAsync(AugmentationSchedule schedule, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"""
            INSERT INTO {_schedules} (id, tenant, definition, created_at, updated_at) VALUES (@id, @tenant, @definition, @now, @now)
            ON CONFLICT (id) DO NOTHING
            """, ("id", schedule.Id), ("tenant", schedule.Tenant), ("now", Now()), Json("definition", schedule));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<AugmentationSchedule?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await QuerySchedulesAsync($"SELECT definition, tenant FROM {_schedules} WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false))
        .SingleOrDefault();

    /// <inheritdoc />
    public Task<IReadOnlyList<AugmentationSchedule>> ListAsync(CancellationToken cancellationToken = default) =>
        QuerySchedulesAsync($"SELECT definition, tenant FROM {_schedules} ORDER BY id", cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"DELETE FROM {_schedules} WHERE id = @id", ("id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<AugmentationRun?> GetRunAsync(string scheduleId, DateTimeOffset periodStart, CancellationToken cancellationToken = default) =>
        (await QueryRunsAsync($"SELECT {RunColumns} FROM {_runs} WHERE schedule_id = @id AND period_start = @period", cancellationToken,
            ("id", scheduleId), ("period", periodStart)).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public async Task<AugmentationRun?> GetRunByBatchAsync(string batchId, CancellationToken cancellationToken = default) =>
        (await QueryRunsAsync($"SELECT {RunColumns} FROM {_runs} WHERE batch_id = @batch", cancellationToken, ("batch", batchId)).ConfigureAwait(false))
        .SingleOrDefault();

    /// <inheritdoc />
    public Task<IReadOnlyList<AugmentationRun>> ListRunsAsync(string scheduleId, int limit, CancellationToken cancellationToken = default) =>
        QueryRunsAsync($"SELECT {RunColumns} FROM {_runs} WHERE schedule_id = @id ORDER BY period_start DESC LIMIT @limit", cancellationToken,
            ("id", scheduleId), ("limit", limit));

    /// <inheritdoc />
    public Task<IReadOnlyList<AugmentationRun>> ListOpenRunsAsync(int limit, CancellationToken cancellationToken = default) =>
        QueryRunsAsync($"SELECT {RunColumns} FROM {_runs} WHERE status IN ('requested', 'claimed', 'submitted') ORDER BY created_at LIMIT @limit", cancellationToken,
            ("limit", limit));

    /// <inheritdoc />
    public async Task<(bool Created, AugmentationRun Run)> TryRequestRunAsync(AugmentationRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        // Inserted, or a failed run of the period asked for again; any other run of the period stays as it is. Racing
        // requests serialize on the (schedule, period) key, so exactly one of them changes a row.
        await using var command = Command($"""
            INSERT INTO {_runs} AS r (schedule_id, period_start, batch_id, status, plan, job_count, created_at)
            VALUES (@id, @period, @batch, 'requested', @plan, 0, @now)
            ON CONFLICT (schedule_id, period_start) DO UPDATE
                SET status = 'requested', error = NULL, plan = excluded.plan, created_at = excluded.created_at
                WHERE r.status = 'failed'
            """, ("id", run.ScheduleId), ("period", run.PeriodStart), ("batch", run.BatchId), ("now", Now()), Json("plan", run.Plan));
        var created = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        var stored = await GetRunAsync(run.ScheduleId, run.PeriodStart, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"run {run.BatchId} conflicts with another run's batch id");
        return (created, stored);
    }

    /// <inheritdoc />
    public async Task<bool> ClaimRequestedRunAsync(AugmentationRun planned, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(planned);
        await using var command = Command($"""
            UPDATE {_runs} SET status = 'claimed', plan = @plan, job_count = @count, created_at = @now
            WHERE schedule_id = @id AND period_start = @period AND status = 'requested'
            """, ("id", planned.ScheduleId), ("period", planned.PeriodStart), ("count", planned.Plan.Jobs.Count), ("now", Now()),
            Json("plan", planned.Plan));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> MarkFailedAsync(string scheduleId, DateTimeOffset periodStart, string reason, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"""
            UPDATE {_runs} SET status = 'failed', error = @reason
            WHERE schedule_id = @id AND period_start = @period AND status = 'requested'
            """, ("id", scheduleId), ("period", periodStart), ("reason", reason));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task MarkSubmittedAsync(string batchId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"UPDATE {_runs} SET status = 'submitted', submitted_at = @now WHERE batch_id = @batch AND status = 'claimed'",
            ("batch", batchId), ("now", Now()));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> MarkCompletedAsync(string batchId, string datasetPath, int succeeded, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"""
            UPDATE {_runs} SET status = 'completed', dataset_path = @path, succeeded = @succeeded, completed_at = @now,
                submitted_at = coalesce(submitted_at, @now)
            WHERE batch_id = @batch AND status IN ('claimed', 'submitted')
            """, ("batch", batchId), ("path", datasetPath), ("succeeded", succeeded), ("now", Now()));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private DateTimeOffset Now() => _timeProvider.GetUtcNow();

    private NpgsqlCommand Command(string sql, params object[] parameters)
    {
        var command = _dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            switch (parameter)
            {
                case NpgsqlParameter p:
                    command.Parameters.Add(p);
                    break;
                case ValueTuple<string, string> (var name, var text):
                    command.Parameters.AddWithValue(name, text);
                    break;
                case ValueTuple<string, int> (var name, var number):
                    command.Parameters.AddWithValue(name, number);
                    break;
                case ValueTuple<string, DateTimeOffset> (var name, var time):
                    command.Parameters.AddWithValue(name, time.ToUniversalTime());
                    break;
                default:
                    throw new ArgumentException($"unsupported parameter {parameter}", nameof(parameters));
            }
        }

        return command;
    }

    private static NpgsqlParameter Json<T>(string name, T value) =>
        new(name, NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(value, ContractJson.Options) };

    private async Task<IReadOnlyList<AugmentationSchedule>> QuerySchedulesAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var schedules = new List<AugmentationSchedule>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            schedules.Add(JsonSerializer.Deserialize<AugmentationSchedule>(reader.GetString(0), ContractJson.Options)! with { Tenant = reader.GetString(1) });
        }

        return schedules;
    }

    private async Task<IReadOnlyList<AugmentationRun>> QueryRunsAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var runs = new List<AugmentationRun>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(new AugmentationRun
            {
                ScheduleId = reader.GetString(0),
                PeriodStart = reader.GetFieldValue<DateTimeOffset>(1),
                BatchId = reader.GetString(2),
                Status = reader.GetString(3),
                Plan = JsonSerializer.Deserialize<RunPlan>(reader.GetString(4), ContractJson.Options)!,
                Succeeded = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                DatasetPath = reader.IsDBNull(6) ? null : reader.GetString(6),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(7),
                SubmittedAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                CompletedAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                Error = reader.IsDBNull(10) ? null : reader.GetString(10),
            });
        }

        return runs;
    }
}
