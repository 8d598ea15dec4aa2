using Microsoft.Extensions.Options;
using Pipeline.Imaging;
using Pipeline.Scheduler.Hosting;
using Pipeline.Scheduler.Schedules;
using Pipeline.Storage;

namespace Pipeline.Scheduler.Tests;

/// <summary>
/// What a schedule is checked for before it is stored: cron errors that name their field, and a source that can make a
/// run (exists, lists images, one of the first decodes within the upload limit, the run fits a batch).
/// </summary>
public sealed class ScheduleValidationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pipeline-source-check-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("61 * * * *", "cron '61 * * * *': minute field: 61 is out of range 0-59")]
    [InlineData("0 24 * * *", "cron '0 24 * * *': hour field: 24 is out of range 0-23")]
    [InlineData("0 3 0 * *", "cron '0 3 0 * *': day-of-month field: 0 is out of range 1-31")]
    [InlineData("0 3 * 13 *", "cron '0 3 * 13 *': month field: 13 is out of range 1-12")]
    [InlineData("0 3 * * 8", "cron '0 3 * * 8': day-of-week field: 8 is out of range 0-7")]
    [InlineData("0 3 * FOO *", "cron '0 3 * FOO *': month field: 'FOO' is not a number in 1-12 (or JAN-DEC)")]
    [InlineData("*/0 * * * *", "cron '*/0 * * * *': minute field: step '0' in '*/0' is not a whole number of at least 1")]
    [InlineData("0 3 * *", "cron '0 3 * *' has 4 field(s); it needs 5: minute hour day-of-month month day-of-week, e.g. '0 3 * * *'")]
    [InlineData("", "cron is required: 5 fields, minute hour day-of-month month day-of-week, e.g. '0 3 * * *'")]
    public void Cron_Refused_TheErrorNamesTheField(string cron, string expected)
    {
        var errors = ScheduleValidator.Validate(PlannerTests.Schedule() with { Cron = cron });

        Assert.Equal([expected], errors);
    }

    [Theory]
    [InlineData("0 3 * * *")]
    [InlineData("*/15 0-6,22-23 * JAN-MAR MON-FRI")]
    [InlineData("0 0 1 1 *")]
    [InlineData("30 2 L * *")]
    public void Cron_Valid_NoError(string cron) => Assert.Empty(ScheduleValidator.Validate(PlannerTests.Schedule() with { Cron = cron }));

    [Fact]
    public async Task Source_FolderMissing_SaysWhichFolder()
    {
        var problems = await Check(PlannerTests.Schedule() with { Source = new ScheduleSource { Folder = "nope" } });

        Assert.Equal(["source folder 'nope' does not exist under the source root"], problems);
    }

    [Fact]
    public async Task Source_ManifestMissing_SaysWhichManifest()
    {
        var problems = await Check(PlannerTests.Schedule() with { Source = new ScheduleSource { Manifest = "lists/nightly.txt" } });

        Assert.Equal(["source manifest 'lists/nightly.txt' does not exist under the source root"], problems);
    }

    [Fact]
    public async Task Source_FolderWithoutImages_SaysSo()
    {
        Directory.CreateDirectory(Path.Join(_root, "emoji"));
        await File.WriteAllTextAsync(Path.Join(_root, "emoji", "README.txt"), "no images here");

        var problems = await Check(PlannerTests.Schedule());

        Assert.Equal(["source folder 'emoji' lists no images (.png, .jpg, .jpeg, .webp, .bmp, .gif)"], problems);
    }

    [Fact]
    public async Task Source_NoneOfTheFirstImagesDecodes_NamesEachFileAndWhy()
    {
        Directory.CreateDirectory(Path.Join(_root, "emoji"));
        await File.WriteAllTextAsync(Path.Join(_root, "emoji", "a.png"), "not a png");
        await File.WriteAllBytesAsync(Path.Join(_root, "emoji", "b.png"), CraftedPng.HeaderOnly(16, 16));
        await File.WriteAllBytesAsync(Path.Join(_root, "emoji", "c.png"), Noise(32)); // a valid image, over the limit below
        await File.WriteAllBytesAsync(Path.Join(_root, "emoji", "d.png"), Png(8, 8)); // never read: past the first three

        var problem = Assert.Single(await Check(PlannerTests.Schedule(), maxInputBytes: 1000));

        Assert.StartsWith("no image of source folder 'emoji' decodes (tried the first 3): emoji/a.png: ", problem, StringComparison.Ordinal);
        Assert.Contains("; emoji/b.png: ", problem, StringComparison.Ordinal);
        Assert.Contains("; emoji/c.png: ", problem, StringComparison.Ordinal);
        Assert.Contains("over the upload limit of 1000 (Pipeline:Storage:Files:MaxInputBytes)", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("d.png", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_OneOfTheFirstImagesDecodes_Usable()
    {
        Directory.CreateDirectory(Path.Join(_root, "emoji"));
        await File.WriteAllTextAsync(Path.Join(_root, "emoji", "a.png"), "not a png");
        await File.WriteAllBytesAsync(Path.Join(_root, "emoji", "b.png"), Png(16, 16));

        Assert.Empty(await Check(PlannerTests.Schedule()));
    }

    [Fact]
    public async Task Source_TooManyImagesForOneRun_SaysHowManyJobs()
    {
        Directory.CreateDirectory(Path.Join(_root, "many"));
        for (var i = 0; i < 400; i++)
        {
            await File.WriteAllBytesAsync(Path.Join(_root, "many", $"i{i:D3}.png"), []);
        }

        var problems = await Check(PlannerTests.Schedule() with { Source = new ScheduleSource { Folder = "many" } });

        Assert.Equal(["source folder 'many' lists 400 images; at 3 jobs each a run would make 1200 jobs, more than the 1000 a run may hold"], problems);
    }

    private Task<IReadOnlyList<string>> Check(AugmentationSchedule schedule, long maxInputBytes = 1 << 20) =>
        new ScheduleSourceCheck(
            Options.Create(new SchedulerOptions { SourceRoot = _root, OutputRoot = _root }),
            Options.Create(new FileStorageOptions { RootPath = _root, MaxInputBytes = maxInputBytes })).CheckAsync(schedule);

    private static byte[] Png(int width, int height) => PngWriter.Encode(RgbImage.Filled(width, height, 200, 40, 40));

    // Noise barely compresses: about 3 bytes a pixel.
    private static byte[] Noise(int size)
    {
        var rgb = new byte[size * size * 3];
        new Random(size).NextBytes(rgb);
        return PngWriter.Encode(new RgbImage(size, size, rgb));
    }
}
