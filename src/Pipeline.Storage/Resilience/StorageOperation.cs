using System.Runtime.CompilerServices;
using System.Text;
using Polly;

namespace Pipeline.Storage.Resilience;

/// <summary>
/// Runs a store call through the storage pipeline under an operation name (<c>jobs.mark_running</c>: the store, then the
/// method without <c>Async</c> in snake case), which Polly hands to the retry callback, so retries are counted per
/// operation (<see cref="StorageMetrics"/>). The names are a fixed set: one per store method.
/// </summary>
internal static class StorageOperation
{
    public static async Task<T> RunAsync<T>(this ResiliencePipeline pipeline, string store, Func<CancellationToken, Task<T>> call,
        CancellationToken cancellationToken, [CallerMemberName] string method = "")
    {
        var context = ResilienceContextPool.Shared.Get(Name(store, method), cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(static async (ctx, call) => await call(ctx.CancellationToken).ConfigureAwait(false), context, call)
                .ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary><c>store.method_name</c> from a method name such as <c>MarkRunningAsync</c>.</summary>
    internal static string Name(string store, string method)
    {
        var name = method.EndsWith("Async", StringComparison.Ordinal) ? method[..^5] : method;
        var text = new StringBuilder(store.Length + name.Length + 4).Append(store).Append('.');
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
