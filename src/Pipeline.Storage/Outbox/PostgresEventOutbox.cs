using Npgsql;
using NpgsqlTypes;
using Pipeline.Storage.Jobs;

namespace Pipeline.Storage.Outbox;

/// <summary><see cref="IEventOutbox"/> on the <c>event_outbox</c> table (<c>deploy/sql/006_event_outbox.sql</c>).</summary>
public sealed class PostgresEventOutbox : IEventOutbox
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly string _outbox;

    /// <summary>Creates the outbox over the table in <paramref name="schema"/> (run <see cref="JobStoreMigrator"/> first).</summary>
    public PostgresEventOutbox(NpgsqlDataSource dataSource, string schema, TimeProvider timeProvider)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _outbox = SqlNames.Quote(SqlNames.EnsureSchema(schema)) + ".event_outbox";
    }

    /// <inheritdoc />
    /// <remarks>
    /// One transaction per event: lock it, publish it, record it sent, commit. A dispatcher that dies can so have at most the
    /// one event it is publishing in the window between the broker's confirmation and the commit (a batch per transaction
    /// would put every event of the batch published so far in that window).
    /// </remarks>
    public async Task<OutboxDispatch> DispatchAsync(IReadOnlyCollection<Guid>? messageIds, int limit,
        Func<OutboxEvent, CancellationToken, Task> publish, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (messageIds is { Count: 0 })
        {
            return OutboxDispatch.None;
        }

        var sent = new List<OutboxEvent>();
        var failed = new List<OutboxFailure>();
        var after = 0L; // past the events this call already handled (a failed one stays pending, for a later call)
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            while (sent.Count + failed.Count < limit && !cancellationToken.IsCancellationRequested)
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var next = await LockNextAsync(connection, transaction, messageIds, after, cancellationToken).ConfigureAwait(false);
                    if (next is null)
                    {
                        break;
                    }

                    after = next.Sequence;
                    try
                    {
                        await publish(next, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        failed.Add(new OutboxFailure(next, e));
                        await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                        continue;
                    }

                    // Recorded even when stopping: the broker confirmed it, and leaving it pending would publish it again.
                    await using (var mark = new NpgsqlCommand($"UPDATE {_outbox} SET sent_at = @now WHERE message_id = @id", connection, transaction))
                    {
                        mark.Parameters.AddWithValue("now", _timeProvider.GetUtcNow().ToUniversalTime());
                        mark.Parameters.AddWithValue("id", next.MessageId);
                        await mark.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                    sent.Add(next);
                }
            }
        }

        return sent.Count == 0 && failed.Count == 0 ? OutboxDispatch.None : new OutboxDispatch(sent, failed);
    }

    /// <inheritdoc />
    public async Task<int> PruneSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var prune = new NpgsqlCommand($"DELETE FROM {_outbox} WHERE sent_at < @before", connection);
            prune.Parameters.AddWithValue("before", sentBefore.ToUniversalTime());
            return await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<OutboxEvent?> LockNextAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyCollection<Guid>? messageIds, long after, CancellationToken cancellationToken)
    {
        // SKIP LOCKED: a row another dispatcher is publishing is left to it. Under READ COMMITTED the WHERE clause is checked
        // again on the row's latest version once locked, so a row that dispatcher recorded sent meanwhile is not taken.
        await using var select = new NpgsqlCommand($"""
            SELECT message_id, sequence, event_type, subject_id, created_at FROM {_outbox}
            WHERE sent_at IS NULL AND sequence > @after AND (@ids::uuid[] IS NULL OR message_id = ANY(@ids::uuid[]))
            ORDER BY sequence LIMIT 1
            FOR UPDATE SKIP LOCKED
            """, connection, transaction);
        select.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = (object?)messageIds?.ToArray() ?? DBNull.Value });
        select.Parameters.AddWithValue("after", after);
        var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new OutboxEvent(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4))
                : null;
        }
    }
}
