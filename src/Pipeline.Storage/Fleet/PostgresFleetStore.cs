using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;

namespace Pipeline.Storage.Fleet;

/// <summary>
/// <see cref="IFleetStore"/> on PostgreSQL (<c>deploy/sql/002_workers.sql</c>). Like <see cref="PostgresJobStore"/>, times
/// come from the injected <see cref="TimeProvider"/>, not the database clock: "now" of a reader is compared with the
/// "last seen" its workers wrote, so hosts need clocks that agree within a fraction of the worker timeout (NTP).
/// </summary>
public sealed class PostgresFleetStore : IFleetStore
{
    private const int MaxHost = 255;
    private const int MaxVersion = 256;
    private const int MaxLabel = 32;

    private const string WorkerColumns = """
        id, host, packs::text, denoiser_precision, execution_provider, cuda_device_id, slots_total, slots_busy, jobs_done,
        version, started_at, last_seen_at
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly string _workers;
    private readonly string _jobs;

    /// <summary>Creates the store over tables in <paramref name="schema"/> (run <see cref="JobStoreMigrator"/> first).</summary>
    public PostgresFleetStore(NpgsqlDataSource dataSource, string schema, TimeProvider timeProvider)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        var quoted = SqlNames.Quote(SqlNames.EnsureSchema(schema));
        _workers = quoted + ".workers";
        _jobs = quoted + ".jobs";
    }

    /// <inheritdoc />
    public async Task UpsertWorkerAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        EnsureWorkerId(heartbeat.WorkerId);
        ArgumentOutOfRangeException.ThrowIfNegative(heartbeat.SlotsTotal);
        ArgumentOutOfRangeException.ThrowIfNegative(heartbeat.SlotsBusy);
        ArgumentOutOfRangeException.ThrowIfNegative(heartbeat.JobsDone);
        var command = _dataSource.CreateCommand($"""
            INSERT INTO {_workers} (id, host, packs, denoiser_precision, execution_provider, cuda_device_id, slots_total, slots_busy,
                                    jobs_done, version, started_at, last_seen_at)
            VALUES (@id, @host, @packs, @precision, @provider, @device, @total, @busy, @done, @version, @started, @now)
            ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, packs = EXCLUDED.packs, denoiser_precision = EXCLUDED.denoiser_precision,
                execution_provider = EXCLUDED.execution_provider, cuda_device_id = EXCLUDED.cuda_device_id,
                slots_total = EXCLUDED.slots_total, slots_busy = EXCLUDED.slots_busy, jobs_done = EXCLUDED.jobs_done,
                version = EXCLUDED.version, started_at = EXCLUDED.started_at, last_seen_at = EXCLUDED.last_seen_at
            """);
        await using (command.ConfigureAwait(false))
        {
            var p = command.Parameters;
            p.AddWithValue("id", heartbeat.WorkerId);
            p.AddWithValue("host", Truncate(heartbeat.Host, MaxHost));
            p.Add(new NpgsqlParameter("packs", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(heartbeat.Packs, ContractJson.Options) });
            p.AddWithValue("precision", Truncate(heartbeat.DenoiserPrecision, MaxLabel));
            p.AddWithValue("provider", Truncate(heartbeat.ExecutionProvider, MaxLabel));
            p.Add(new NpgsqlParameter("device", NpgsqlDbType.Integer) { Value = (object?)heartbeat.CudaDeviceId ?? DBNull.Value });
            // A busy count past the total (a racy read of the engine) is shown as full rather than refused by the CHECK.
            p.AddWithValue("total", heartbeat.SlotsTotal);
            p.AddWithValue("busy", Math.Min(heartbeat.SlotsBusy, heartbeat.SlotsTotal));
            p.AddWithValue("done", heartbeat.JobsDone);
            p.AddWithValue("version", Truncate(heartbeat.Version, MaxVersion));
            p.AddWithValue("started", heartbeat.StartedAt.ToUniversalTime());
            p.AddWithValue("now", Now());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<bool> RemoveWorkerAsync(string workerId, CancellationToken cancellationToken = default)
    {
        EnsureWorkerId(workerId);
        var command = _dataSource.CreateCommand($"DELETE FROM {_workers} WHERE id = @id");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("id", workerId);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkerRecord>> ListLiveWorkersAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var command = _dataSource.CreateCommand($"SELECT {WorkerColumns} FROM {_workers} WHERE last_seen_at >= @since ORDER BY id");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("since", Now() - timeout);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var workers = new List<WorkerRecord>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    workers.Add(ReadWorker(reader));
                }

                return workers;
            }
        }
    }

    /// <inheritdoc />
    public async Task<int> PruneWorkersAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(olderThan, TimeSpan.Zero);
        var command = _dataSource.CreateCommand($"DELETE FROM {_workers} WHERE last_seen_at < @before");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("before", Now() - olderThan);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<QueueDepth> GetQueueDepthAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One round trip, one implicit transaction: the counts and the oldest job come from the same snapshot.
            var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand($"SELECT priority, count(*)::int FROM {_jobs} WHERE status = 'queued' GROUP BY priority ORDER BY priority"),
                    new NpgsqlBatchCommand($"SELECT id, priority, submitted_at FROM {_jobs} WHERE status = 'queued' ORDER BY submitted_at, id LIMIT 1"),
                },
            };
            await using (batch.ConfigureAwait(false))
            {
                var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var byPriority = new Dictionary<string, int>(StringComparer.Ordinal);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        byPriority[reader.GetString(0)] = reader.GetInt32(1);
                    }

                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    QueuedJob? oldest = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                        ? new QueuedJob(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2))
                        : null;
                    return new QueueDepth(byPriority, oldest);
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task<JobThroughput> GetThroughputAsync(TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        var command = _dataSource.CreateCommand($"""
            SELECT count(*) FILTER (WHERE status = 'succeeded')::int,
                   count(*) FILTER (WHERE status = 'failed')::int,
                   count(*) FILTER (WHERE status = 'canceled')::int
            FROM {_jobs} WHERE finished_at >= @since
            """);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("since", Now() - window);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return new JobThroughput(window, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
            }
        }
    }

    private static WorkerRecord ReadWorker(NpgsqlDataReader reader) => new(new WorkerHeartbeat
    {
        WorkerId = reader.GetString(0),
        Host = reader.GetString(1),
        Packs = JsonSerializer.Deserialize<List<WorkerPack>>(reader.GetString(2), ContractJson.Options) ?? [],
        DenoiserPrecision = reader.GetString(3),
        ExecutionProvider = reader.GetString(4),
        CudaDeviceId = reader.IsDBNull(5) ? null : reader.GetInt32(5),
        SlotsTotal = reader.GetInt32(6),
        SlotsBusy = reader.GetInt32(7),
        JobsDone = reader.GetInt64(8),
        Version = reader.GetString(9),
        StartedAt = reader.GetFieldValue<DateTimeOffset>(10),
    }, reader.GetFieldValue<DateTimeOffset>(11));

    private static void EnsureWorkerId(string? workerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workerId.Length, 128, nameof(workerId));
    }

    private DateTimeOffset Now() => _timeProvider.GetUtcNow().ToUniversalTime();

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
