using Npgsql;
using NpgsqlTypes;
using Pipeline.Contracts;

namespace Pipeline.Storage.Jobs;

/// <summary>
/// <see cref="IJobStore"/> on PostgreSQL. Each write is one statement whose WHERE clause admits only forward
/// transitions, so concurrent workers and redelivered messages cannot move a job backwards: the row lock
/// serializes them and the loser finds its condition false. When a write does not apply, the record is read
/// again in a new statement (a new snapshot), so the caller sees the row as the winner left it.
/// Timestamps come from the injected <see cref="TimeProvider"/>, not the database clock; lease expiry is compared
/// against the same clock, so a lease must last longer than the clock difference between workers.
/// </summary>
public sealed class PostgresJobStore : IJobStore
{
    private const int MaxErrorMessage = 2000;
    private const int MaxCancelReason = 1000;

    private const string Columns = """
        id, batch_id, kind, status, priority, request::text, progress_step, progress_steps, steps_used, result_key,
        error_code, error_message, error_retryable, attempts, submitted_at, created_at, started_at, finished_at, updated_at,
        leased_by, lease_expires_at, trace_id
        """;

    private const int MaxHolder = 200;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly string _jobs;
    private readonly string _batches;
    private readonly string _outbox;

    /// <summary>Creates the store over tables in <paramref name="schema"/> (run <see cref="JobStoreMigrator"/> first).</summary>
    public PostgresJobStore(NpgsqlDataSource dataSource, string schema, TimeProvider timeProvider)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        var quoted = SqlNames.Quote(SqlNames.EnsureSchema(schema));
        _jobs = quoted + ".jobs";
        _batches = quoted + ".batches";
        _outbox = quoted + ".event_outbox";
    }

    /// <inheritdoc />
    public async Task<JobInsert> InsertAsync(NewJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        StorageIds.EnsureJobId(job.JobId);
        if (job.BatchId is not null)
        {
            EnsureBatchId(job.BatchId);
        }

        ArgumentException.ThrowIfNullOrEmpty(job.Kind);
        ArgumentException.ThrowIfNullOrEmpty(job.Priority);
        ArgumentException.ThrowIfNullOrEmpty(job.RequestJson);

        var now = Now();
        var submitted = job.SubmittedAt?.ToUniversalTime() ?? now;
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var batch = new NpgsqlBatch(connection);
            await using (batch.ConfigureAwait(false))
            {
                // Statements of one NpgsqlBatch run in one implicit transaction, in order: the batch row exists
                // before the job row that references it.
                if (job.BatchId is not null)
                {
                    batch.BatchCommands.Add(Command(
                        $"INSERT INTO {_batches} (id, status, submitted_at, created_at) VALUES (@batch_id, 'open', @now, @now) ON CONFLICT (id) DO NOTHING",
                        ("batch_id", job.BatchId), ("now", now)));
                }

                batch.BatchCommands.Add(Command($"""
                    INSERT INTO {_jobs} (id, batch_id, kind, status, priority, request, submitted_at, created_at, updated_at, trace_id)
                    VALUES (@id, @batch_id, @kind, 'queued', @priority, @request, @submitted, @now, @now, @trace_id)
                    ON CONFLICT (id) DO NOTHING
                    RETURNING {Columns}
                    """,
                    ("id", job.JobId), ("batch_id", (object?)job.BatchId ?? DBNull.Value), ("kind", job.Kind), ("priority", job.Priority),
                    ("request", new NpgsqlParameter { Value = job.RequestJson, NpgsqlDbType = NpgsqlDbType.Jsonb }),
                    ("submitted", submitted), ("now", now), ("trace_id", (object?)job.TraceId ?? DBNull.Value)));

                var inserted = await ReadSingleAsync(batch, cancellationToken).ConfigureAwait(false);
                if (inserted is not null)
                {
                    return new JobInsert(true, inserted);
                }
            }
        }

        // The id existed, or a concurrent insert of it committed while ours waited: read it in a new snapshot.
        var existing = await GetAsync(job.JobId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"job {job.JobId} conflicted on insert but cannot be read");
        return new JobInsert(false, existing);
    }

    /// <inheritdoc />
    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        StorageIds.EnsureJobId(jobId);
        var batch = new NpgsqlBatch { BatchCommands = { Command($"SELECT {Columns} FROM {_jobs} WHERE id = @id", ("id", jobId)) } };
        return await QuerySingleAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<JobTransition> TryLeaseAsync(string jobId, string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        EnsureHolder(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        // SET expressions read the row as it was, so the CASEs see the old status. The row lock serializes takers: of
        // two workers racing for one job, the second finds the first's live lease and its condition false.
        return TransitionAsync(jobId, """
            leased_by = @holder, lease_expires_at = @expires,
            status = CASE WHEN status = 'queued' THEN 'running' ELSE status END,
            attempts = CASE WHEN status = 'succeeded' THEN attempts ELSE attempts + 1 END,
            started_at = COALESCE(started_at, @now), updated_at = @now
            WHERE id = @id AND (
                status = 'queued'
                OR (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= @now OR leased_by = @holder))
                OR (status = 'succeeded' AND lease_expires_at IS NOT NULL AND (lease_expires_at <= @now OR leased_by = @holder)))
            """, cancellationToken, ("holder", holder), ("expires", Now() + duration));
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> RenewLeasesAsync(string holder, IReadOnlyCollection<string> jobIds, TimeSpan duration,
        CancellationToken cancellationToken = default)
    {
        EnsureHolder(holder);
        ArgumentNullException.ThrowIfNull(jobIds);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var held = new HashSet<string>(StringComparer.Ordinal);
        if (jobIds.Count == 0)
        {
            return held;
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // A given-back lease (null) stays given back: renewal never revives it. A job the holder itself marked succeeded
            // (which ends the lease) counts as held: nothing was lost, the holder's own call is just finishing.
            var command = new NpgsqlCommand($"""
                WITH renewed AS (
                    UPDATE {_jobs} SET lease_expires_at = @expires
                    WHERE id = ANY(@ids) AND leased_by = @holder AND lease_expires_at IS NOT NULL
                    RETURNING id)
                SELECT id FROM renewed
                UNION
                SELECT id FROM {_jobs} WHERE id = ANY(@ids) AND leased_by = @holder AND status = 'succeeded'
                """, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("ids", jobIds.ToArray());
                command.Parameters.AddWithValue("holder", holder);
                command.Parameters.AddWithValue("expires", Now() + duration);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        held.Add(reader.GetString(0));
                    }
                }
            }
        }

        return held;
    }

    /// <inheritdoc />
    public Task<JobTransition> ReleaseLeaseAsync(string jobId, string holder, CancellationToken cancellationToken = default)
    {
        EnsureHolder(holder);
        return TransitionAsync(jobId, """
            lease_expires_at = NULL, updated_at = @now
            WHERE id = @id AND status = 'running' AND leased_by = @holder AND lease_expires_at IS NOT NULL
            """, cancellationToken, ("holder", holder));
    }

    /// <inheritdoc />
    public Task<JobTransition> MarkAnnouncedAsync(string jobId, string holder, CancellationToken cancellationToken = default)
    {
        EnsureHolder(holder);
        // Only a job that succeeded before the outbox existed (migration 006) still has an announcement lease: its
        // JobCompleted goes to the outbox now, in the same statement that ends the lease.
        return TransitionAsync(jobId, EventMessageIds.JobCompleted, """
            lease_expires_at = NULL
            WHERE id = @id AND status = 'succeeded' AND leased_by = @holder AND lease_expires_at IS NOT NULL
            """, cancellationToken, ("holder", holder));
    }

    /// <inheritdoc />
    public Task<JobTransition> ReportProgressAsync(string jobId, int stepsDone, int stepsTotal, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsTotal, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(stepsDone);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stepsDone, stepsTotal);
        return TransitionAsync(jobId, """
            progress_step = @step, progress_steps = @steps, updated_at = @now
            WHERE id = @id AND status = 'running' AND @step >= progress_step
              AND (@step > progress_step OR @steps <> progress_steps)
            """, cancellationToken, ("step", stepsDone), ("steps", stepsTotal));
    }

    /// <inheritdoc />
    public Task<JobTransition> MarkSucceededAsync(string jobId, string holder, JobSuccess success, CancellationToken cancellationToken = default)
    {
        EnsureHolder(holder);
        ArgumentNullException.ThrowIfNull(success);
        ArgumentException.ThrowIfNullOrEmpty(success.ResultKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(success.StepsUsed, 1);
        // The lease may have expired without anyone taking the job over: the job is then still the holder's to finish. It
        // ends here: the JobCompleted row written in the same statement is the announcement, whoever dispatches it.
        return TransitionAsync(jobId, EventMessageIds.JobCompleted, """
            status = 'succeeded', result_key = @result_key, steps_used = @steps_used,
            progress_step = @steps_used, progress_steps = @steps_used, finished_at = @now, updated_at = @now, lease_expires_at = NULL
            WHERE id = @id AND status = 'running' AND leased_by = @holder
            """, cancellationToken, ("holder", holder), ("result_key", success.ResultKey), ("steps_used", success.StepsUsed));
    }

    /// <inheritdoc />
    public Task<JobTransition> MarkFailedAsync(string jobId, JobFailure failure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentException.ThrowIfNullOrEmpty(failure.Code);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(failure.Code.Length, 100);
        return TransitionAsync(jobId, EventMessageIds.JobFailed, """
            status = 'failed', error_code = @code, error_message = @message, error_retryable = @retryable,
            finished_at = @now, updated_at = @now, lease_expires_at = NULL
            WHERE id = @id AND status IN ('queued', 'running')
            """, cancellationToken, ("code", failure.Code), ("message", Truncate(failure.Message ?? "", MaxErrorMessage)),
            ("retryable", failure.Retryable));
    }

    /// <inheritdoc />
    public Task<JobTransition> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken = default) =>
        TransitionAsync(jobId, EventMessageIds.JobCanceled, """
            status = 'canceled', error_message = @reason, finished_at = @now, updated_at = @now, lease_expires_at = NULL
            WHERE id = @id AND status IN ('queued', 'running')
            """, cancellationToken, ("reason", reason is null ? DBNull.Value : Truncate(reason, MaxCancelReason)));

    /// <inheritdoc />
    public async Task<BatchInsert> InsertBatchAsync(NewBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureBatchId(batch.BatchId);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch.ExpectedJobs, 1);
        var now = Now();
        // A batch first created implicitly by one of its jobs (expected_jobs null) takes the batch's details now.
        var command = new NpgsqlBatch
        {
            BatchCommands =
            {
                Command($"""
                    INSERT INTO {_batches} AS b (id, status, expected_jobs, callback_url, submitted_at, created_at)
                    VALUES (@id, 'open', @expected, @callback, @submitted, @now)
                    ON CONFLICT (id) DO UPDATE SET expected_jobs = EXCLUDED.expected_jobs, callback_url = EXCLUDED.callback_url,
                        submitted_at = EXCLUDED.submitted_at
                    WHERE b.expected_jobs IS NULL
                    RETURNING id
                    """,
                    ("id", batch.BatchId), ("expected", batch.ExpectedJobs),
                    ("callback", (object?)batch.CallbackUrl?.AbsoluteUri ?? DBNull.Value),
                    ("submitted", batch.SubmittedAt?.ToUniversalTime() ?? now), ("now", now)),
            },
        };
        bool created;
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (command.ConfigureAwait(false))
        {
            command.Connection = connection;
            created = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }

        var record = await GetBatchAsync(batch.BatchId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"batch {batch.BatchId} was written but cannot be read");
        return new BatchInsert(created, record);
    }

    /// <inheritdoc />
    public async Task<BatchRecord?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        EnsureBatchId(batchId);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand($"""
                SELECT b.id, b.status, b.expected_jobs, b.callback_url, b.submitted_at, b.created_at, b.completed_at,
                       c.queued, c.running, c.succeeded, c.failed, c.canceled
                FROM {_batches} b
                CROSS JOIN LATERAL (
                    SELECT count(*) FILTER (WHERE status = 'queued')::int    AS queued,
                           count(*) FILTER (WHERE status = 'running')::int   AS running,
                           count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
                           count(*) FILTER (WHERE status = 'failed')::int    AS failed,
                           count(*) FILTER (WHERE status = 'canceled')::int  AS canceled
                    FROM {_jobs} WHERE batch_id = b.id) c
                WHERE b.id = @id
                """, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("id", batchId);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return null;
                    }

                    return new BatchRecord
                    {
                        BatchId = reader.GetString(0),
                        Status = reader.GetString(1) == "completed" ? BatchStatus.Completed : BatchStatus.Open,
                        ExpectedJobs = reader.IsDBNull(2) ? null : reader.GetInt32(2),
                        CallbackUrl = reader.IsDBNull(3) ? null : new Uri(reader.GetString(3)),
                        SubmittedAt = reader.GetFieldValue<DateTimeOffset>(4),
                        CreatedAt = reader.GetFieldValue<DateTimeOffset>(5),
                        CompletedAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                        Counts = new BatchCounts(reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetInt32(11)),
                    };
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JobRecord>> ListBatchJobsAsync(string batchId, string? afterJobId, int limit, CancellationToken cancellationToken = default)
    {
        EnsureBatchId(batchId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        var batch = new NpgsqlBatch
        {
            BatchCommands =
            {
                Command($"SELECT {Columns} FROM {_jobs} WHERE batch_id = @batch_id AND (@after::text IS NULL OR id > @after::text) ORDER BY id LIMIT @limit",
                    ("batch_id", batchId), ("after", new NpgsqlParameter { Value = (object?)afterJobId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }),
                    ("limit", limit)),
            },
        };
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (batch.ConfigureAwait(false))
        {
            batch.Connection = connection;
            var jobs = new List<JobRecord>();
            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    jobs.Add(ReadJob(reader));
                }
            }

            return jobs;
        }
    }

    /// <inheritdoc />
    public async Task<BatchRecord?> TryCompleteBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        EnsureBatchId(batchId);
        // The row lock on the batch serializes concurrent callers; whoever commits the last job runs this
        // statement after that commit, so its snapshot sees every ended job.
        var command = new NpgsqlBatch
        {
            BatchCommands =
            {
                // BatchCompleted goes to the outbox in the same statement, so the completion is announced even when this
                // call's answer is lost (a retried call then returns null, but the row is there).
                Command($"""
                    WITH completed AS (
                        UPDATE {_batches} b SET status = 'completed', completed_at = @now
                        WHERE b.id = @id AND b.status = 'open' AND b.expected_jobs IS NOT NULL
                          AND (SELECT count(*) FROM {_jobs} j
                               WHERE j.batch_id = b.id AND j.status IN ('succeeded', 'failed', 'canceled')) >= b.expected_jobs
                        RETURNING b.id),
                    announced AS (
                        INSERT INTO {_outbox} (message_id, event_type, subject_id, created_at)
                        SELECT @message_id, @event_type, id, @now FROM completed
                        ON CONFLICT DO NOTHING)
                    SELECT id FROM completed
                    """, ("id", batchId), ("now", Now()), ("message_id", EventMessageIds.For(EventMessageIds.BatchCompleted, batchId)),
                    ("event_type", EventMessageIds.BatchCompleted)),
            },
        };
        bool completed;
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (command.ConfigureAwait(false))
        {
            command.Connection = connection;
            completed = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }

        return completed ? await GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false) : null;
    }

    private Task<JobTransition> TransitionAsync(string jobId, string setAndWhere, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters) =>
        TransitionAsync(jobId, null, setAndWhere, cancellationToken, parameters);

    /// <summary>
    /// One conditional update of the job; with <paramref name="outboxEventType"/>, the same statement also writes that
    /// event's outbox row when (and only when) the update applies — state and announcement commit together.
    /// </summary>
    private async Task<JobTransition> TransitionAsync(string jobId, string? outboxEventType, string setAndWhere, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        StorageIds.EnsureJobId(jobId);
        var all = new List<(string, object)>(parameters) { ("id", jobId), ("now", Now()) };
        var sql = $"UPDATE {_jobs} SET {setAndWhere} RETURNING {Columns}";
        if (outboxEventType is not null)
        {
            all.Add(("message_id", EventMessageIds.For(outboxEventType, jobId)));
            all.Add(("event_type", outboxEventType));
            sql = $"""
                WITH updated AS ({sql}),
                announced AS (
                    INSERT INTO {_outbox} (message_id, event_type, subject_id, created_at)
                    SELECT @message_id, @event_type, id, @now FROM updated
                    ON CONFLICT DO NOTHING)
                SELECT * FROM updated
                """;
        }

        var batch = new NpgsqlBatch { BatchCommands = { Command(sql, [.. all]) } };
        var updated = await QuerySingleAsync(batch, cancellationToken).ConfigureAwait(false);
        if (updated is not null)
        {
            return new JobTransition(true, updated);
        }

        return new JobTransition(false, await GetAsync(jobId, cancellationToken).ConfigureAwait(false));
    }

    private async Task<JobRecord?> QuerySingleAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (batch.ConfigureAwait(false))
        {
            batch.Connection = connection;
            return await ReadSingleAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<JobRecord?> ReadSingleAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            // Skip the result sets of earlier statements (they return no rows) to the last one.
            JobRecord? record = null;
            do
            {
                if (reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    record = ReadJob(reader);
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

            return record;
        }
    }

    private static JobRecord ReadJob(NpgsqlDataReader reader) => new()
    {
        JobId = reader.GetString(0),
        BatchId = reader.IsDBNull(1) ? null : reader.GetString(1),
        Kind = reader.GetString(2),
        Status = JobStatuses.Parse(reader.GetString(3)),
        Priority = reader.GetString(4),
        RequestJson = reader.GetString(5),
        ProgressStep = reader.GetInt32(6),
        ProgressSteps = reader.GetInt32(7),
        StepsUsed = reader.IsDBNull(8) ? null : reader.GetInt32(8),
        ResultKey = reader.IsDBNull(9) ? null : reader.GetString(9),
        ErrorCode = reader.IsDBNull(10) ? null : reader.GetString(10),
        ErrorMessage = reader.IsDBNull(11) ? null : reader.GetString(11),
        ErrorRetryable = reader.IsDBNull(12) ? null : reader.GetBoolean(12),
        Attempts = reader.GetInt32(13),
        SubmittedAt = reader.GetFieldValue<DateTimeOffset>(14),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(15),
        StartedAt = reader.IsDBNull(16) ? null : reader.GetFieldValue<DateTimeOffset>(16),
        FinishedAt = reader.IsDBNull(17) ? null : reader.GetFieldValue<DateTimeOffset>(17),
        UpdatedAt = reader.GetFieldValue<DateTimeOffset>(18),
        LeasedBy = reader.IsDBNull(19) ? null : reader.GetString(19),
        LeaseExpiresAt = reader.IsDBNull(20) ? null : reader.GetFieldValue<DateTimeOffset>(20),
        TraceId = reader.IsDBNull(21) ? null : reader.GetString(21),
    };

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            if (value is NpgsqlParameter parameter)
            {
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }
            else
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        return command;
    }

    private static void EnsureBatchId(string? batchId)
    {
        if (!JobIds.IsValid(batchId))
        {
            throw new StorageInputException(ContractErrorCodes.InvalidBatchId, $"batch id must match {JobIds.Pattern}");
        }
    }

    private static void EnsureHolder(string holder)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(holder.Length, MaxHolder, nameof(holder));
    }

    private DateTimeOffset Now() => _timeProvider.GetUtcNow().ToUniversalTime();

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
