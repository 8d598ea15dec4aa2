using System.CommandLine;
using Pipeline.Contracts;
using Pipeline.Engine;

namespace Pipeline.Cli.Commands;

/// <summary>The options every job command shares (one instance per command). Ranges the pack decides are checked by the engine.</summary>
internal sealed class JobOptions
{
    public Option<int> Count { get; } = new("--count", "-n")
    {
        Description = "How many images to make",
        DefaultValueFactory = _ => 1,
        HelpName = "N",
    };

    public Option<long?> Seed { get; } = new("--seed")
    {
        Description = "Seed of the first image (image i uses seed + i); the same seed gives the same image. Default: random, recorded in the metadata",
        HelpName = "N",
    };

    public Option<int?> Steps { get; } = new("--steps")
    {
        Description = "Sampling steps: fewer is faster, more is better. Default and range come from the model pack, per priority class",
        HelpName = "N",
    };

    public Option<string?> Order { get; } = new("--order")
    {
        Description = "Unmasking order: reference (1/t, the paper's), exact-k, or confidence (MaskGIT). Default from the pack",
        HelpName = "reference|exact-k|confidence",
    };

    public Option<float?> Temperature { get; } = new("--temperature")
    {
        Description = "Sampling temperature, above 0 (lower = safer, higher = more varied). Default from the pack",
        HelpName = "T",
    };

    public Option<int?> TopK { get; } = new("--top-k")
    {
        Description = "Sample each token from the K most likely codes only. Default: all",
        HelpName = "K",
    };

    public Option<string> Priority { get; } = new("--priority")
    {
        Description = "Priority class: interactive, standard or bulk (admission order and the pack's step budget; recorded with the result)",
        DefaultValueFactory = _ => JobPriorities.Standard,
        HelpName = "interactive|standard|bulk",
    };

    public Option<string?> Model { get; } = new("--model", "-m")
    {
        Description = "Model pack name (see `pipeline pack list`). Default: emoji-32, the embedded pack",
        HelpName = "NAME",
    };

    public Option<int> MaxBatch { get; } = new("--max-batch")
    {
        Description = "Most images sampled together in one forward pass",
        DefaultValueFactory = _ => 16,
        HelpName = "N",
    };

    public Option<DirectoryInfo> Out { get; }

    public JobOptions(string defaultOut)
    {
        Out = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Folder for the PNGs and their metadata JSON (created if missing)",
            DefaultValueFactory = _ => new DirectoryInfo(defaultOut),
            HelpName = "DIR",
        };
        Order.AcceptOnlyFromAmong([.. UnmaskOrders.All]);
        Priority.AcceptOnlyFromAmong([.. JobPriorities.All]);
        Count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100_000)
            {
                r.AddError("--count must be between 1 and 100000");
            }
        });
        MaxBatch.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 4096)
            {
                r.AddError("--max-batch must be between 1 and 4096");
            }
        });
    }

    public void AddTo(Command command)
    {
        foreach (Option option in (Option[])[Count, Seed, Steps, Order, Temperature, TopK, Priority, Model, MaxBatch, Out])
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The parsed values as a job template (id, kind, seed filled in per image).</summary>
    public JobSettings Read(ParseResult r) => new(
        r.GetValue(Count),
        r.GetValue(Seed) ?? Random.Shared.Next(),
        r.GetValue(Model),
        r.GetValue(Out)!.FullName,
        r.GetValue(MaxBatch),
        new EngineJob
        {
            JobId = "template",
            Kind = JobKind.Generation,
            Steps = r.GetValue(Steps),
            Order = UnmaskOrders.Parse(r.GetValue(Order)),
            Temperature = r.GetValue(Temperature),
            TopK = r.GetValue(TopK),
            Priority = JobPriorities.Parse(r.GetValue(Priority)) ?? PriorityClass.Standard,
        });
}

/// <summary>The shared job options of one invocation.</summary>
/// <param name="Template">Sampling values every job of the run shares; <c>with</c> sets id, kind, seed and inputs.</param>
internal sealed record JobSettings(int Count, long Seed, string? Model, string OutDirectory, int MaxBatch, EngineJob Template)
{
    /// <summary>Job i of the run: its id names its files, its seed is Seed + i.</summary>
    public EngineJob Job(JobKind kind, int index, string? modelPack) => Template with
    {
        JobId = $"{JobKinds.Name(kind)}-{index:D3}",
        Kind = kind,
        Seed = Seed + index,
        ModelPack = modelPack,
    };
}
