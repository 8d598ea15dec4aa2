namespace Pipeline.Cli.Bench;

/// <summary>
/// The CPU the bench ran on, for its header: the model name and the instruction sets that decide the GEMM kernels
/// (ONNX Runtime's int8 path uses VNNI where the CPU has it, AVX2 otherwise; PyTorch's fp32 uses AVX-512 or AVX2).
/// Read from /proc/cpuinfo; elsewhere only what .NET can tell.
/// </summary>
internal static class CpuDescription
{
    private static readonly string[] Features = ["avx512_vnni", "avx_vnni", "avx512f", "avx2", "fma", "f16c"];

    public static string Describe()
    {
        const string CpuInfo = "/proc/cpuinfo";
        var model = "unknown CPU";
        var flags = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists(CpuInfo))
        {
            foreach (var line in File.ReadLines(CpuInfo))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    continue;
                }

                var key = line[..colon].Trim();
                if (key == "model name" && model == "unknown CPU")
                {
                    model = line[(colon + 1)..].Trim();
                }
                else if (key == "flags" && flags.Count == 0)
                {
                    flags.UnionWith(line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                }
            }
        }
        else
        {
            if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
            {
                flags.Add("avx2");
            }

            if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
            {
                flags.Add("avx512f");
            }
        }

        var have = Features.Where(flags.Contains).ToArray();
        var lacking = Features.Where(f => !flags.Contains(f)).ToArray();
        return $"CPU {model}, {Environment.ProcessorCount} cores; has {(have.Length == 0 ? "none of " + string.Join("/", Features) : string.Join(", ", have))}"
            + (lacking.Length == 0 ? string.Empty : $"; lacks {string.Join(", ", lacking)}");
    }

    /// <summary>The load averages (1, 5, 15 min) when the OS tells them: neighbours on a shared machine change every figure.</summary>
    public static string Load()
    {
        const string LoadAvg = "/proc/loadavg";
        if (!File.Exists(LoadAvg))
        {
            return "load unknown";
        }

        var parts = File.ReadAllText(LoadAvg).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 ? $"load {parts[0]} {parts[1]} {parts[2]}" : "load unknown";
    }
}
