using System.CommandLine;
using Pipeline.Inference;

namespace Pipeline.Cli;

/// <summary>
/// Options shared by several commands: <see cref="Verbose"/> on every command (recursive on the root), and where packs
/// are and how they run on the commands that load packs on this machine (recursive there, for `pack list|verify`).
/// </summary>
internal static class GlobalOptions
{
    public static Option<DirectoryInfo?> Models { get; } = new("--models")
    {
        Description = "Folder whose subfolders are model packs (each with manifest.json). Default: <app>/models, then ./models",
        Recursive = true,
        HelpName = "DIR",
    };

    public static Option<ExecutionProvider> Provider { get; } = CreateProvider();

    public static Option<int> Threads { get; } = CreateThreads();

    public static Option<DenoiserPrecision> Precision { get; } = CreatePrecision();

    public static Option<int> DenoiserSessions { get; } = CreateDenoiserSessions();

    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Log more (debug level) to stderr; the default is warnings and errors only",
        Recursive = true,
    };

    public static void AddTo(Command root) => root.Options.Add(Verbose);

    public static void AddPackOptionsTo(Command command)
    {
        command.Options.Add(Models);
        command.Options.Add(Provider);
        command.Options.Add(Threads);
        command.Options.Add(Precision);
        command.Options.Add(DenoiserSessions);
    }

    /// <exception cref="UsageException">A precision the provider cannot run (<see cref="PrecisionProviderError"/>).</exception>
    public static GlobalSettings Read(ParseResult result)
    {
        var settings = new GlobalSettings(
            result.GetValue(Models)?.FullName,
            result.GetValue(Provider),
            result.GetValue(Threads),
            result.GetValue(Verbose),
            result.GetValue(Precision),
            result.GetValue(DenoiserSessions));
        return PrecisionProviderError(settings.Precision, settings.Provider) is { } error ? throw new UsageException(error) : settings;
    }

    private static Option<ExecutionProvider> CreateProvider()
    {
        var option = new Option<ExecutionProvider>("--provider")
        {
            Description = "Where ONNX Runtime runs: auto (CUDA if it loads, else CPU), cpu, or cuda (fail rather than fall back)",
            Recursive = true,
            HelpName = "auto|cpu|cuda",
            DefaultValueFactory = _ => ExecutionProvider.Auto,
            CustomParser = r => r.Tokens.Count == 1 && Enum.TryParse<ExecutionProvider>(r.Tokens[0].Value, ignoreCase: true, out var p) && Enum.IsDefined(p)
                ? p
                : Fail(r, $"--provider must be auto, cpu or cuda; got '{string.Join(' ', r.Tokens.Select(t => t.Value))}'"),
        };
        return option;
    }

    private static Option<DenoiserPrecision> CreatePrecision() => new("--precision")
    {
        Description = "Denoiser graph: fp32 (default), int8 (the pack's optional int8-quantized denoiser: faster on CPUs with " +
            "int8 dot-product instructions, logits within the pack's stated tolerance; a pack without it fails to load), or fp16 " +
            "(the pack's optional float16 denoiser, for GPUs: needs --provider cuda)",
        Recursive = true,
        HelpName = "fp32|int8|fp16",
        DefaultValueFactory = _ => DenoiserPrecision.Float32,
        CustomParser = r => r.Tokens.Count == 1 && ParsePrecision(r.Tokens[0].Value) is { } p
            ? p
            : FailPrecision(r, $"--precision must be fp32, int8 or fp16; got '{string.Join(' ', r.Tokens.Select(t => t.Value))}'"),
    };

    /// <summary>"fp32"/"float32", "int8" or "fp16"/"float16" (any case); null otherwise.</summary>
    public static DenoiserPrecision? ParsePrecision(string value) => value.ToLowerInvariant() switch
    {
        "fp32" or "float32" => DenoiserPrecision.Float32,
        "int8" => DenoiserPrecision.Int8,
        "fp16" or "float16" => DenoiserPrecision.Float16,
        _ => null,
    };

    /// <summary>The spelling --precision takes: fp32, int8 or fp16.</summary>
    public static string Name(DenoiserPrecision precision) => precision switch
    {
        DenoiserPrecision.Int8 => "int8",
        DenoiserPrecision.Float16 => "fp16",
        _ => "fp32",
    };

    /// <summary>
    /// The error for a precision the provider cannot run, or null: fp16 needs <c>--provider cuda</c> (ONNX Runtime's CPU
    /// provider has float16 kernels for few of the denoiser's operators and runs the rest in float32 behind Casts, and under
    /// auto a CPU fallback would fail at load).
    /// </summary>
    public static string? PrecisionProviderError(DenoiserPrecision precision, ExecutionProvider provider) =>
        precision == DenoiserPrecision.Float16 && provider != ExecutionProvider.Cuda
            ? $"--precision fp16 needs --provider cuda (got --provider {provider.ToString().ToLowerInvariant()}): the fp16 denoiser is served only on the " +
              "CUDA provider, whose float16 kernels run it. On CPU use --precision fp32 or int8."
            : null;

    private static DenoiserPrecision FailPrecision(System.CommandLine.Parsing.ArgumentResult r, string message)
    {
        r.AddError(message);
        return default;
    }

    private static Option<int> CreateThreads()
    {
        var option = new Option<int>("--threads")
        {
            Description = "CPU threads inside one operator; 0 lets ONNX Runtime choose (one per core)",
            Recursive = true,
            HelpName = "N",
            DefaultValueFactory = _ => 0,
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 1024)
            {
                r.AddError("--threads must be between 0 and 1024");
            }
        });
        return option;
    }

    private static Option<int> CreateDenoiserSessions()
    {
        var option = new Option<int>("--denoiser-sessions")
        {
            Description = "CPU thread layout: split each denoiser forward's rows over N sessions sharing the threads (1 = one session with all; `pipeline bench` measures both)",
            Recursive = true,
            HelpName = "N",
            DefaultValueFactory = _ => 1,
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 64)
            {
                r.AddError("--denoiser-sessions must be between 1 and 64");
            }
        });
        return option;
    }

    private static ExecutionProvider Fail(System.CommandLine.Parsing.ArgumentResult r, string message)
    {
        r.AddError(message);
        return default;
    }
}

/// <summary>The global options of one invocation.</summary>
internal sealed record GlobalSettings(string? ModelsDirectory, ExecutionProvider Provider, int Threads, bool Verbose,
    DenoiserPrecision Precision = DenoiserPrecision.Float32, int DenoiserSessions = 1)
{
    /// <summary>How packs are loaded: provider, threads, denoiser precision and thread layout.</summary>
    public InferenceOptions Inference => new()
    {
        Provider = Provider, IntraOpThreads = Threads, DenoiserPrecision = Precision, DenoiserSessions = DenoiserSessions,
    };
}
