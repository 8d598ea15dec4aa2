using Pipeline.Contracts;
using Pipeline.Scheduler.Runs;
using Pipeline.Scheduler.Schedules;

namespace Pipeline.Scheduler.Tests;

public class PlannerTests
{
    private static readonly DateTimeOffset Period = new(2026, 3, 1, 3, 0, 0, TimeSpan.Zero);

    internal static AugmentationSchedule Schedule(string id = "emoji-aug") => new()
    {
        Id = id,
        Cron = "0 3 * * *",
        Source = new ScheduleSource { Folder = "emoji" },
        Variations = new VariationSpec { PerImage = 2, MinStrength = 0.2f, MaxStrength = 0.6f },
        Inpaints = new InpaintSpec { PerImage = 1, MinCoverage = 0.1f, MaxCoverage = 0.3f },
        Steps = 32,
    };

    private static readonly AugmentationPlanner.SourceImage[] Images =
    [
        new("emoji/a.png", "sha256:" + new string('a', 64), 64, 48),
        new("emoji/b.png", "sha256:" + new string('b', 64), 32, 32),
    ];

    [Fact]
    public void Plan_SameInputs_SameJobs()
    {
        Assert.Equal(AugmentationPlanner.Plan(Schedule(), Period, Images).Jobs, AugmentationPlanner.Plan(Schedule(), Period, Images).Jobs);
    }

    [Fact]
    public void Plan_OtherPeriodOrSchedule_OtherSeeds()
    {
        var seeds = AugmentationPlanner.Plan(Schedule(), Period, Images).Jobs.Select(j => j.Seed).ToHashSet();
        var nextDay = AugmentationPlanner.Plan(Schedule(), Period.AddDays(1), Images).Jobs.Select(j => j.Seed);
        var other = AugmentationPlanner.Plan(Schedule("other"), Period, Images).Jobs.Select(j => j.Seed);

        Assert.Equal(6, seeds.Count);
        Assert.DoesNotContain(nextDay, seeds.Contains);
        Assert.DoesNotContain(other, seeds.Contains);
    }

    [Fact]
    public void Plan_JobsAreValidBulkMessagesWithStrengthAndMaskInRange()
    {
        var plan = AugmentationPlanner.Plan(Schedule(), Period, Images);
        var batch = AugmentationPlanner.ToBatch(AugmentationPlanner.BatchId("emoji-aug", Period), plan, Period);

        Assert.Equal("aug-emoji-aug-20260301T030000Z", batch.BatchId);
        Assert.Empty(SubmitJobRules.Validate(batch));
        Assert.Equal(6, batch.Jobs.Count);
        // Two variations and one inpainting per image: the per-kind checks below run over both kinds.
        Assert.Equal((4, 2), (plan.Jobs.Count(j => j.Kind == JobKinds.Variation), plan.Jobs.Count(j => j.Kind == JobKinds.Inpainting)));
        Assert.All(batch.Jobs, j => Assert.Equal(JobPriorities.Bulk, j.Priority));
        Assert.All(batch.Jobs, j => Assert.Equal(32, j.Steps));
        Assert.All(plan.Jobs.Where(j => j.Kind == JobKinds.Variation), j => Assert.InRange(j.Strength!.Value, 0.2f, 0.6f));
        foreach (var job in plan.Jobs.Where(j => j.Kind == JobKinds.Inpainting))
        {
            var image = Images.Single(i => i.Relative == job.Source);
            var mask = job.Mask!;
            Assert.InRange(mask.X + mask.Width, 1, image.Width);
            Assert.InRange(mask.Y + mask.Height, 1, image.Height);
            Assert.InRange(mask.Width * mask.Height / (double)(image.Width * image.Height), 0.05, 0.35);
        }
    }

    [Theory]
    [InlineData(32, 32)]
    [InlineData(64, 48)]
    [InlineData(17, 5)]
    [InlineData(100, 3)]
    [InlineData(1, 1)]
    public void Plan_MinCoverage_EveryMaskCoversAtLeastThatFraction(int width, int height)
    {
        var schedule = Schedule() with { Variations = null, Inpaints = new InpaintSpec { PerImage = 20, MinCoverage = 0.1f, MaxCoverage = 0.1f } };
        var image = new AugmentationPlanner.SourceImage("emoji/a.png", "sha256:" + new string('a', 64), width, height);

        var masks = AugmentationPlanner.Plan(schedule, Period, [image]).Jobs.Select(j => j.Mask!).ToList();

        Assert.Equal(20, masks.Count);
        Assert.All(masks, mask =>
        {
            Assert.InRange((double)mask.Width * mask.Height / (width * height), 0.1f, 1.0);
            Assert.InRange(mask.X + mask.Width, 1, width);
            Assert.InRange(mask.Y + mask.Height, 1, height);
        });
    }

    [Fact]
    public void Plan_MinCoverageOnA32PixelSquare_NotRoundedBelow()
    {
        var schedule = Schedule() with { Variations = null, Inpaints = new InpaintSpec { PerImage = 1, MinCoverage = 0.1f, MaxCoverage = 0.1f } };
        var image = new AugmentationPlanner.SourceImage("emoji/a.png", "sha256:" + new string('a', 64), 32, 32);

        var mask = AugmentationPlanner.Plan(schedule, Period, [image]).Jobs.Single().Mask!;

        // 0.1 of 1024 pixels is 102.4: the mask holds 103 or a few more, never the 100 of a 10x10 square.
        Assert.InRange(mask.Width * mask.Height, 103, 110);
    }

    [Fact]
    public void Plan_OverMaxJobs_Throws()
    {
        var many = Enumerable.Range(0, 400).Select(i => new AugmentationPlanner.SourceImage($"i{i}.png", "sha256:" + new string('c', 64), 8, 8)).ToArray();

        var error = Assert.Throws<UnusableSourceException>(() => AugmentationPlanner.Plan(Schedule(), Period, many));
        Assert.Contains("1200 jobs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-03-01T10:15:00Z", "2026-03-01T03:00:00Z")]
    [InlineData("2026-03-01T03:00:00Z", "2026-03-01T03:00:00Z")]
    [InlineData("2026-03-01T02:59:59Z", "2026-02-28T03:00:00Z")]
    public void PeriodStart_IsLatestOccurrenceAtOrBeforeNow(string now, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            SchedulePeriods.PeriodStart(Schedule(), DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void PeriodStart_CronReadInTimeZone()
    {
        var schedule = Schedule() with { TimeZone = "Europe/Berlin" }; // 03:00 in Berlin = 02:00 UTC in March (CET)

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero), SchedulePeriods.PeriodStart(schedule, Period.AddHours(5)));
    }

    [Fact]
    public void Validate_GoodSchedule_NoErrors() => Assert.Empty(ScheduleValidator.Validate(Schedule()));

    [Theory]
    [InlineData("Bad_Id", "0 3 * * *", "emoji", "id")]
    [InlineData("ok", "every day", "emoji", "cron")]
    [InlineData("ok", "0 3 * * *", "../secrets", "source paths")]
    [InlineData("ok", "0 3 * * *", "/etc", "source paths")]
    public void Validate_BadField_Named(string id, string cron, string folder, string expected)
    {
        var errors = ScheduleValidator.Validate(Schedule() with { Id = id, Cron = cron, Source = new ScheduleSource { Folder = folder } });

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NothingToMake_Rejected() =>
        Assert.Contains(ScheduleValidator.Validate(Schedule() with { Variations = null, Inpaints = null }), e => e.Contains("variations, inpaints", StringComparison.Ordinal));
}
