using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Engine;
using Pipeline.Inference;
using Pipeline.Worker.Hosting;

namespace Pipeline.Worker.Tests;

/// <summary>The worker's engine settings: slots and degradation from its own sections, step budgets per pack and class from Pipeline:Engine:Budgets.</summary>
public sealed class EngineSettingsTests
{
    [Fact]
    public void EngineOptions_FromConfiguration_CarryCapacityDegradationAndBudgetsPerPackAndClass()
    {
        var options = Options(new()
        {
            ["Pipeline:Worker:Capacity"] = "8",
            ["Pipeline:Models:DegradeUnderBacklog"] = "false",
            ["Pipeline:Engine:Budgets:emoji-32:Interactive:DefaultSteps"] = "12",
            ["Pipeline:Engine:Budgets:emoji-32:bulk:minSteps"] = "2",
            ["Pipeline:Engine:Budgets:emoji-32:bulk:backlogAtMinimum"] = "64",
            ["Pipeline:Engine:Budgets:paper-random:Standard:MaxSteps"] = "512",
        });

        Assert.Equal((8, false), (options.MaxBatch, options.DegradeUnderBacklog));
        Assert.Equal(new StepBudgetSpec(DefaultSteps: 12), options.Budgets["emoji-32"].Interactive);
        Assert.Null(options.Budgets["emoji-32"].Standard);
        Assert.Equal(new StepBudgetSpec(MinSteps: 2, BacklogAtMinimum: 64), options.Budgets["EMOJI-32"].Bulk);
        Assert.Equal(512, options.Budgets["paper-random"].Standard!.MaxSteps);
    }

    [Fact]
    public void EngineOptions_NoBudgetSection_EveryPackRunsItsManifest()
    {
        var options = Options([]);

        Assert.Empty(options.Budgets);
        Assert.Equal((16, true), (options.MaxBatch, options.DegradeUnderBacklog));
    }

    [Fact]
    public void EngineOptions_CanvasOnePassMaxTokens_FromItsKeyOrTheDefault()
    {
        Assert.Equal(128, Options(new() { ["Pipeline:Engine:Canvas:OnePassMaxTokens"] = "128" }).CanvasOnePassMaxTokens);
        Assert.Equal(0, Options(new() { ["Pipeline:Engine:Canvas:OnePassMaxTokens"] = "0" }).CanvasOnePassMaxTokens);
        Assert.Equal(new EngineOptions().CanvasOnePassMaxTokens, Options([]).CanvasOnePassMaxTokens);
        Assert.Throws<OptionsValidationException>(() => Options(new() { ["Pipeline:Engine:Canvas:OnePassMaxTokens"] = "-1" }));
    }

    [Fact]
    public void EngineOptions_InconsistentBudget_FailValidationNamingTheSetting()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Options(new()
        {
            ["Pipeline:Engine:Budgets:emoji-32:Standard:DefaultSteps"] = "8",
            ["Pipeline:Engine:Budgets:emoji-32:Standard:MaxSteps"] = "4",
        }));

        Assert.Contains("Pipeline:Engine:Budgets:emoji-32:standard", e.Message, StringComparison.Ordinal);
    }

    private static EngineOptions Options(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName);
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.SectionName);
        WorkerServices.AddEngine(services);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<EngineOptions>>().Value;
    }
}
