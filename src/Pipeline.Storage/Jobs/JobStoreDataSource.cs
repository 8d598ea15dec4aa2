using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Pipeline.Storage.Jobs;

/// <summary>
/// The job store's own connection pool, built from <see cref="JobStoreOptions.ConnectionString"/>. A wrapper
/// rather than a registered <see cref="NpgsqlDataSource"/> so the host's other data sources (Hangfire's) stay
/// separate. The container disposes it, closing the pool.
/// </summary>
public sealed class JobStoreDataSource : IAsyncDisposable, IDisposable
{
    /// <summary>Builds the pool; logs through <paramref name="loggerFactory"/>.</summary>
    public JobStoreDataSource(IOptions<JobStoreOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new NpgsqlDataSourceBuilder(options.Value.ConnectionString);
        builder.UseLoggerFactory(loggerFactory);
        DataSource = builder.Build();
    }

    /// <summary>The pool.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => DataSource.Dispose();
}
