using Pipeline.TestSupport.Corpus;

namespace Pipeline.Imaging.Tests;

/// <summary>Random damage to every valid corpus file: the reader decodes it or rejects it, nothing else.</summary>
public class StructuralFuzzTests
{
    [Fact]
    public void Read_RandomlyDamagedFilesOfEveryFormat_DecodeOrThrowImageInputExceptionFromOutsideTheChecks()
    {
        var random = new Random(20240611);
        var rejected = 0;
        var unexpected = new List<string>();
        foreach (var row in HostileCorpus.Cases.Values.Where(c => c.Expected is null))
        {
            for (var trial = 0; trial < 60; trial++)
            {
                var damaged = Damage(row.File, random);
                switch (Record.Exception(() => ImageReader.Read(damaged)))
                {
                    case null:
                        break;
                    case ImageInputException { InnerException: { } inner } when inner.StackTrace?.Contains("Pipeline.Imaging.Formats.", StringComparison.Ordinal) == true:
                        // The checks themselves must reject with a reason, not trip over the file.
                        unexpected.Add($"{row.Name} trial {trial}: the checks threw {inner.GetType().Name}: {inner.Message}");
                        break;
                    case ImageInputException:
                        rejected++;
                        break;
                    case var other:
                        unexpected.Add($"{row.Name} trial {trial}: {other.GetType().Name}: {other.Message}");
                        break;
                }
            }
        }

        Assert.Empty(unexpected);
        Assert.True(rejected > 100, $"only {rejected} damaged files were rejected: the damage did not reach the checks");
    }

    private static byte[] Damage(byte[] file, Random random)
    {
        var copy = (byte[])file.Clone();
        switch (random.Next(3))
        {
            case 0:
                for (var k = 1 + random.Next(4); k > 0; k--)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                return copy;
            case 1:
                return copy[..random.Next(1, copy.Length)];
            default:
                var at = random.Next(copy.Length);
                return [.. copy[..at], .. Enumerable.Range(0, 1 + random.Next(16)).Select(_ => (byte)random.Next(256)), .. copy[at..]];
        }
    }
}
