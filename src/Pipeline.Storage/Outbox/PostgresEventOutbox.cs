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
    public async Task<OutboxDispatch> DispatchAsync(IReadOnlyCollection<Guid>? messageIds, int limit,
        Func<OutboxEvent, CancellationToken, Task> publish, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (messageIds is { Count: 0 })
        {
            return OutboxDispatch.None;
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var pending = await LockPendingAsync(connection, transaction, messageIds, limit, cancellationToken).ConfigureAwait(false);
                if (pending.Count == 0)
                {
                    return OutboxDispatch.None;
                }

                var sent = new List<OutboxEvent>(pending.Count);
                var failed = new List<OutboxFailure>();
                foreach (var outboxEvent in pending)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }

                    try
                    {
                        await publish(outboxEvent, cancellationToken).ConfigureAwait(false);
                        sent.Add(outboxEvent);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        failed.Add(new OutboxFailure(outboxEvent, e));
                    }
                }

                // Recorded even when stopping: these were confirmed by the broker, and leaving them pending would publish
                // them again. Not bound to the caller's token for that reason; the statement is one short update.
                if (sent.Count > 0)
                {
                    await using var mark = new NpgsqlCommand($"UPDATE {_outbox} SET sent_at = @now WHERE message_id = ANY(@ids)", connection, transaction);
                    mark.Parameters.AddWithValue("now", _timeProvider.GetUtcNow().ToUniversalTime());
                    mark.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = sent.Select(e => e.MessageId).ToArray() });
                    await mark.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }

                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return new OutboxDispatch(sent, failed);
            }
        }
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

    private async Task<List<OutboxEvent>> LockPendingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyCollection<Guid>? messageIds, int limit, CancellationToken cancellationToken)
    {
        // SKIP LOCKED: a row another dispatcher is publishing is left to it. Under READ COMMITTED the WHERE clause is checked
        // again on the row's latest version once locked, so a row that dispatcher recorded sent meanwhile is not taken.
        await using var select = new NpgsqlCommand($"""
            SELECT message_id, sequence, event_type, subject_id, created_at FROM {_outbox}
            WHERE sent_at IS NULL AND (@ids::uuid[] IS NULL OR message_id = ANY(@ids::uuid[]))
            ORDER BY sequence LIMIT @limit
            FOR UPDATE SKIP LOCKED
            """, connection, transaction);
        select.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = (object?)messageIds?.ToArray() ?? DBNull.Value });
        select.Parameters.AddWithValue("limit", limit);
        var events = new List<OutboxEvent>();
        var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(new OutboxEvent(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4)));
            }
        }

        return events;
    }
}
