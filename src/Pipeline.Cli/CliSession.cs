using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Pipeline.Engine;
using Pipeline.Inference;

namespace Pipeline.Cli;

/// <summary>
/// What one command invocation runs on: logging, the pack registry (which owns the ONNX sessions), its packs as the
/// engine runs them, and engines built on request. Disposed at the end of the command, engines first.
/// </summary>
internal sealed class CliSession : IAsyncDisposable
{
    private readonly List<JobEngine> _engines = [];

    private CliSession(GlobalSettings settings, CliConsole console, ILoggerFactory loggers, ModelPackRegistry registry, IReadOnlyList<string> searched)
    {
        Settings = settings;
        Console = console;
        Loggers = loggers;
        Registry = registry;
        SearchDirectories = searched;
        Packs = new RegistryPackSource(registry, LocalRun());
    }

    public GlobalSettings Settings { get; }

    public CliConsole Console { get; }

    public ILoggerFactory Loggers { get; }

    public ModelPackRegistry Registry { get; }

    /// <summary>The registry's packs, each with its manifest's step budgets as a local run uses them.</summary>
    public RegistryPackSource Packs { get; }

    public IReadOnlyList<string> SearchDirectories { get; }

    /// <param name="extraSearchDirectories">Searched after the usual ones (e.g. the repository's models/ for paper packs).</param>
    public static CliSession Open(GlobalSettings settings, CliConsole console, IReadOnlyList<string>? extraSearchDirectories = null)
    {
        var loggers = LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(settings.Verbose ? LogLevel.Debug : LogLevel.Warning);
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
            // Logs go to stderr whatever their level: stdout carries only results and tables.
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        var defaults = new ModelPackRegistryOptions();
        IReadOnlyList<string> searched = settings.ModelsDirectory is { } dir
            ? [dir]
            : [.. defaults.SearchDirectories, .. extraSearchDirectories ?? []];
        var registry = new ModelPackRegistry(
            defaults with
            {
                SearchDirectories = [.. searched.Distinct(StringComparer.Ordinal)],
                Inference = settings.Inference,
            },
            loggers.CreateLogger<ModelPackRegistry>());
        return new CliSession(settings, console, loggers, registry, searched);
    }

    /// <summary>The pack called <paramref name="name"/> (null = the default pack), loaded; bad names list the packs found.</summary>
    /// <exception cref="UsageException">No such pack.</exception>
    public LoadedPack ResolvePack(string? name)
    {
        var engine = Packs.Find(name);
        if (engine is null)
        {
            var available = Packs.Names;
            var asked = name ?? Packs.DefaultName;
            throw new UsageException(
                $"unknown model pack '{asked}'{(name is null ? " (the default)" : string.Empty)}; available: " +
                $"{(available.Count == 0 ? "none" : string.Join(", ", available))} (searched {string.Join(", ", SearchDirectories)}). " +
                "Name one with --model, or point --models at a folder of packs.");
        }

        return new LoadedPack(Registry.Get(engine.Name), engine);
    }

    /// <summary>An engine over <see cref="Packs"/> with <paramref name="maxBatch"/> slots. Disposed with the session.</summary>
    public JobEngine CreateEngine(int maxBatch)
    {
        var engine = EngineFactory.Create(Packs, LocalRun(maxBatch), TimeProvider.System, Loggers);
        _engines.Add(engine);
        return engine;
    }

    /// <summary>
    /// The engine settings of a local run: each pack's budgets from its manifest, and steps never lowered under backlog
    /// (the user waits for exactly what was asked, and there is no queue to shed).
    /// </summary>
    public static EngineOptions LocalRun(int maxBatch = 16) => new() { MaxBatch = maxBatch, DegradeUnderBacklog = false };

    public async ValueTask DisposeAsync()
    {
        foreach (var engine in _engines)
        {
            await engine.DisposeAsync().ConfigureAwait(false);
        }

        Registry.Dispose();
        Loggers.Dispose();
    }
}

/// <summary>A pack as loaded (manifest, sessions) and as the engine sees it.</summary>
internal sealed record LoadedPack(ModelPack Pack, EngineModelPack Engine)
{
    public string Name => Engine.Name;
}
