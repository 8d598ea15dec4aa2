using Pipeline.Contracts;

namespace Pipeline.Contracts.Tests;

public sealed class SubmitJobComparisonTests
{
    private static readonly SubmitJob Recorded = new()
    {
        JobId = "j", Kind = JobKinds.Inpainting, SourceImageKey = "sha256:" + new string('a', 64), Seed = 7, Steps = 16,
        MaskRectangles = [new MaskRectangle { X = 1, Y = 2, Width = 3, Height = 4 }], CallbackUrl = new Uri("https://hooks.example"),
        SubmittedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void DifferingFields_SameRequestSentLater_None()
    {
        var again = Recorded with
        {
            SubmittedAt = DateTimeOffset.UnixEpoch.AddDays(1),
            MaskRectangles = [new MaskRectangle { X = 1, Y = 2, Width = 3, Height = 4 }],
            CallbackUrl = new Uri("https://hooks.example/"),
            ModelPack = "",
        };

        Assert.Empty(SubmitJobComparison.DifferingFields(Recorded, again));
    }

    [Fact]
    public void DifferingFields_OmittedAndEmptyValues_EqualTheirDefaults()
    {
        var plain = new SubmitJob { JobId = "j", Kind = JobKinds.Generation };

        Assert.Empty(SubmitJobComparison.DifferingFields(plain, plain with { Priority = "", MaskRectangles = [] }));
    }

    [Fact]
    public void DifferingFields_ChangedValues_NamedInSchemaOrder()
    {
        var changed = Recorded with { Steps = 32, Seed = null, MaskRectangles = null, CallbackUrl = new Uri("https://other.example"), BatchId = "b" };

        Assert.Equal(["batchId", "seed", "steps", "maskRectangles", "callbackUrl"], SubmitJobComparison.DifferingFields(Recorded, changed));
    }
}
