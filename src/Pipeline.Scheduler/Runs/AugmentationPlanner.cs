using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Contracts;
using Pipeline.Scheduler.Schedules;

namespace Pipeline.Scheduler.Runs;

/// <summary>
/// Pure planning: ids, seeds, strengths and masks from the schedule, the period and the images — no clock, no
/// random state. Every draw comes from SHA-256 of <c>scheduleId | periodStart | image | kind | index</c>, so the same
/// trigger plans the same batch on any machine (a retried trigger resubmits identical jobs) and each image/index
/// gets independent values.
/// </summary>
public static class AugmentationPlanner
{
    /// <summary>A source image ready for planning.</summary>
    /// <param name="Relative">Path relative to the source root.</param>
    /// <param name="InputKey">Its input-store key.</param>
    /// <param name="Width">Pixel width.</param>
    /// <param name="Height">Pixel height.</param>
    public sealed record SourceImage(string Relative, string InputKey, int Width, int Height);

    /// <summary>
    /// The batch id of a run: <c>aug-&lt;schedule id&gt;-&lt;period start as yyyyMMddTHHmmssZ&gt;</c>, stored under the
    /// schedule's tenant (<c>acme..aug-…</c>; plain for the default tenant, <see cref="TenantIds"/>), so the run's batch and
    /// jobs are that tenant's.
    /// </summary>
    public static string BatchId(string scheduleId, DateTimeOffset periodStart, string tenant = TenantIds.Default) =>
        TenantIds.Qualify(tenant, $"aug-{scheduleId}-{PeriodStamp(periodStart)}");

    /// <summary>The period start as it appears in ids and folder names (UTC, to the second).</summary>
    public static string PeriodStamp(DateTimeOffset periodStart) =>
        periodStart.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Plans every job of the run; throws <see cref="UnusableSourceException"/> when the run would exceed
    /// <see cref="SubmitBatch.MaxJobs"/> jobs or holds none.
    /// </summary>
    public static RunPlan Plan(AugmentationSchedule schedule, DateTimeOffset periodStart, IReadOnlyList<SourceImage> images)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(images);
        var perImage = (schedule.Variations?.PerImage ?? 0) + (schedule.Inpaints?.PerImage ?? 0);
        var total = (long)perImage * images.Count;
        if (total == 0)
        {
            throw new UnusableSourceException($"schedule {schedule.Id} found no usable source image (none listed, or none decodes within the upload limit)");
        }

        if (total > SubmitBatch.MaxJobs)
        {
            throw new UnusableSourceException(string.Create(CultureInfo.InvariantCulture,
                $"schedule {schedule.Id} would make {total} jobs ({images.Count} images x {perImage}); a run holds at most {SubmitBatch.MaxJobs}"));
        }

        var batchId = BatchId(schedule.Id, periodStart, schedule.Tenant);
        var period = PeriodStamp(periodStart);
        var jobs = new List<PlannedJob>((int)total);
        for (var i = 0; i < images.Count; i++)
        {
            var image = images[i];
            for (var v = 0; v < (schedule.Variations?.PerImage ?? 0); v++)
            {
                var draw = new Draw(schedule.Id, period, image.Relative, JobKinds.Variation, v);
                var spec = schedule.Variations!;
                jobs.Add(new PlannedJob
                {
                    JobId = JobId(batchId, i, 'v', v),
                    Source = image.Relative,
                    SourceKey = image.InputKey,
                    Kind = JobKinds.Variation,
                    Seed = draw.Seed,
                    Strength = (float)Math.Round(Lerp(spec.MinStrength, spec.MaxStrength, draw.Uniform(0)), 4),
                });
            }

            for (var n = 0; n < (schedule.Inpaints?.PerImage ?? 0); n++)
            {
                var draw = new Draw(schedule.Id, period, image.Relative, JobKinds.Inpainting, n);
                var spec = schedule.Inpaints!;
                jobs.Add(new PlannedJob
                {
                    JobId = JobId(batchId, i, 'i', n),
                    Source = image.Relative,
                    SourceKey = image.InputKey,
                    Kind = JobKinds.Inpainting,
                    Seed = draw.Seed,
                    Mask = RandomRectangle(image.Width, image.Height, Lerp(spec.MinCoverage, spec.MaxCoverage, draw.Uniform(0)), draw.Uniform(1), draw.Uniform(2)),
                });
            }
        }

        return new RunPlan { Priority = schedule.Priority, Steps = schedule.Steps, ModelPack = schedule.ModelPack, Order = schedule.Order, Jobs = jobs };
    }

    /// <summary>The batch message for a stored plan.</summary>
    public static SubmitBatch ToBatch(string batchId, RunPlan plan, DateTimeOffset submittedAt)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new SubmitBatch
        {
            BatchId = batchId,
            SubmittedAt = submittedAt,
            Jobs = plan.Jobs.Select(job => new SubmitJob
            {
                JobId = job.JobId,
                BatchId = batchId,
                Kind = job.Kind,
                Priority = plan.Priority,
                Steps = plan.Steps,
                ModelPack = plan.ModelPack,
                Order = plan.Order,
                Seed = job.Seed,
                Strength = job.Strength,
                SourceImageKey = job.SourceKey,
                MaskRectangles = job.Mask is null ? null : [job.Mask],
                SubmittedAt = submittedAt,
            }).ToList(),
        };
    }

    private static string JobId(string batchId, int image, char kind, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{batchId}-{image:D4}-{kind}{index:D2}");

    private static double Lerp(float min, float max, double u) => min + ((max - min) * u);

    // A rectangle of about the image's aspect ratio covering at least `coverage` of it, placed uniformly. Whole pixels
    // round the area up, never down, so minCoverage is a floor the masks keep (a 32x32 image at 0.1 needs 103 pixels,
    // not the 10x10 = 100 that rounding each side to nearest gives).
    private static MaskRectangle RandomRectangle(int width, int height, double coverage, double ux, double uy)
    {
        var pixels = Math.Ceiling(coverage * width * height);
        var w = Math.Clamp((int)Math.Round(Math.Sqrt(coverage) * width), 1, width);
        var h = Math.Clamp((int)Math.Ceiling(pixels / w), 1, height);
        w = Math.Clamp((int)Math.Ceiling(pixels / h), 1, width); // narrower when h rounded up; wider when h hit the height
        return new MaskRectangle
        {
            X = (int)Math.Floor(ux * (width - w + 1)),
            Y = (int)Math.Floor(uy * (height - h + 1)),
            Width = w,
            Height = h,
        };
    }

    /// <summary>Deterministic draws: the seed from the first 8 bytes of the hash, uniforms in [0, 1) from the next ones.</summary>
    private readonly struct Draw
    {
        private readonly byte[] _hash;

        public Draw(string scheduleId, string period, string image, string kind, int index) =>
            _hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', scheduleId, period, image, kind, index.ToString(CultureInfo.InvariantCulture))));

        public long Seed => (long)(BinaryPrimitives.ReadUInt64LittleEndian(_hash) & (ulong)SubmitJobRules.MaxSeed);

        // 53 random bits per uniform: bytes 8-15, 16-23, 24-31.
        public double Uniform(int i) => (BinaryPrimitives.ReadUInt64LittleEndian(_hash.AsSpan(8 + (8 * i))) >> 11) * (1.0 / (1UL << 53));
    }
}
