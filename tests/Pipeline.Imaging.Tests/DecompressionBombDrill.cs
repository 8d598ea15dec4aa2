using Pipeline.Contracts;
using System.Diagnostics;
using Pipeline.TestSupport.Corpus;
using Xunit.Abstractions;

namespace Pipeline.Imaging.Tests;

/// <summary>
/// The decompression-bomb drill: eight bombs read at once, with the time each takes and what the process's memory
/// does, printed. Only outcomes are asserted (timing and memory depend on the machine and on whatever else the test
/// run does at the same time); for clean figures run it alone:
/// <c>dotnet test tests/Pipeline.Imaging.Tests -c Release --filter FullyQualifiedName~DecompressionBombDrill --logger "console;verbosity=detailed"</c>.
/// </summary>
public class DecompressionBombDrill(ITestOutputHelper output)
{
    [Fact]
    public void EightTextBombsAtOnce_AreReadWithoutInflatingTheirText()
    {
        var bomb = HostileCorpus.Cases["png-ztxt-bomb"].File;

        var results = Run("8 × PNG, 100 KB zTXt inflating to 100 MB", [.. Enumerable.Repeat(bomb, 8)]);

        Assert.All(results, r => Assert.Null(r.Error));
    }

    [Fact]
    public void EightHeaderAndMetadataBombsAtOnce_AreRejectedAsTooLarge()
    {
        byte[][] bombs =
        [
            CraftedPng.HeaderWithEmptyImageData(20000, 20000),
            [0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0xEA, 0x60, 0xEA, 0x60, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 0xFF, 0xD9],
            [.. "GIF89a"u8, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0x3B],
            Bytes.PatchUInt32LittleEndian(Bytes.PatchUInt32LittleEndian(HostileCorpus.Cases["bmp-24bit"].File, 18, 50000), 22, 50000),
            Riff.File(Riff.Vp8X(0, 16383, 16383)),
            [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 24, 0],
            PngChunks.Parse(HostileCorpus.Cases["png-rgba8"].File).Insert(1, "eXIf", new byte[1 << 20]).ToArray(),
            [0xFF, 0xD8, .. Enumerable.Range(0, 32).SelectMany(_ => (byte[])[0xFF, 0xE1, 0xFF, 0xFF, .. "Exif\0\0"u8, .. new byte[65527]]), 0xFF, 0xD9],
        ];

        var results = Run("8 bombs: PNG, JPEG, GIF, BMP, WebP, TGA headers of 0.27–4.3 G pixels; 1 MB PNG EXIF; 2 MB JPEG EXIF", bombs);

        Assert.All(results, r => Assert.Equal(ContractErrorCodes.ImageTooLarge, r.Error?.Code));
    }

    private List<(TimeSpan Elapsed, ImageInputException? Error)> Run(string title, byte[][] inputs)
    {
        foreach (var input in inputs)
        {
            // Warm up (JIT, static tables), so the figures are the steady state a worker sees.
            _ = Record.Exception(() => ImageReader.Read(input));
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var rssBefore = process.WorkingSet64;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var peak = rssBefore;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(() =>
        {
            using var self = Process.GetCurrentProcess();
            while (!stop.IsCancellationRequested)
            {
                self.Refresh();
                peak = Math.Max(peak, self.WorkingSet64);
                Thread.Yield();
            }
        });

        var results = new (TimeSpan, ImageInputException?)[inputs.Length];
        var wall = Stopwatch.StartNew();
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = inputs.Length }, i =>
        {
            var watch = Stopwatch.StartNew();
            var error = Record.Exception(() => ImageReader.Read(inputs[i])) as ImageInputException;
            results[i] = (watch.Elapsed, error);
        });
        wall.Stop();
        stop.Cancel();
        sampler.Wait();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        output.WriteLine($"{title}");
        output.WriteLine($"  CPU: {Cpu()}, {Environment.ProcessorCount} cores");
        output.WriteLine($"  per input: {string.Join(", ", results.Select(r => $"{r.Item1.TotalMilliseconds:0.0} ms {r.Item2?.Code ?? "accepted"}"))}");
        output.WriteLine($"  slowest {results.Max(r => r.Item1).TotalMilliseconds:0.0} ms, all eight {wall.Elapsed.TotalMilliseconds:0.0} ms");
        output.WriteLine($"  RSS {Mb(rssBefore)} → peak {Mb(peak)} MB (+{Mb(peak - rssBefore)} MB); managed allocations {Mb(allocated)} MB");
        return [.. results];
    }

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024):0.0}";

    private static string Cpu() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?"
            : "?";
}
