using System.Text.RegularExpressions;
using Pipeline.Contracts;

namespace Pipeline.Inference;

/// <summary>
/// Checks a parsed manifest against the schema's rules and the pack contract (docs/architecture.md §2): one input and one output
/// per graph, with the element types and shapes that image size, latent grid and codebook size imply. Version 1 pins
/// every axis but batch; version 2 gives the encoder and decoder dynamic spatial axes over a token grid
/// (image [batch, 3, height, width] ↔ token_ids [batch, gridHeight, gridWidth]) and needs a whole token size.
/// </summary>
internal static partial class ManifestValidator
{
    public static IReadOnlyList<string> Validate(ModelPackManifest m)
    {
        var errors = new List<string>();
        void Check(bool ok, string error)
        {
            if (!ok)
            {
                errors.Add(error);
            }
        }

        Check(m.SchemaVersion is 1 or 2, $"schemaVersion is {m.SchemaVersion}; this build reads versions 1 and 2.");
        Check(NamePattern().IsMatch(m.Name), $"name '{m.Name}' must match {NamePattern()}.");
        Check(!string.IsNullOrWhiteSpace(m.Version), "version is empty.");
        Check(m.Image.Width >= 1 && m.Image.Height >= 1, $"image size {m.Image.Width}×{m.Image.Height} must be positive.");
        Check(m.Image.Channels == 3, $"image.channels is {m.Image.Channels}; packs are RGB (3).");
        Check(
            m.Image.PixelRange is [0, 1],
            $"image.pixelRange [{string.Join(", ", m.Image.PixelRange)}] is not supported: the serving side feeds and reads RGB in [0, 1].");
        Check(m.Latent.Height >= 1 && m.Latent.Width >= 1, $"latent grid {m.Latent.Height}×{m.Latent.Width} must be positive.");
        Check(m.CodebookSize >= 2, $"codebookSize {m.CodebookSize} must be at least 2.");
        Check(m.MaskId == m.CodebookSize, $"maskId {m.MaskId} must equal codebookSize {m.CodebookSize} (the absorbing MASK token follows the codebook).");
        Check(m.Opset >= 17, $"opset {m.Opset} is below 17.");
        CheckSampling(m.Sampling, Check);
        Check(m.Golden is null || IsPlainRelativePath(m.Golden), $"golden '{m.Golden}' must be a relative path inside the pack.");

        long h = m.Image.Height, w = m.Image.Width, n = m.SequenceLength, v = m.CodebookSize;
        var (image, grid) = m.HasDynamicSpatialAxes
            ? (TensorShape.Of(DynamicAxes.Batch, 3, DynamicAxes.Height, DynamicAxes.Width), TensorShape.Of(DynamicAxes.Batch, DynamicAxes.GridHeight, DynamicAxes.GridWidth))
            : (TensorShape.Batched(3, h, w), TensorShape.Batched(n));
        if (m.HasDynamicSpatialAxes)
        {
            // One graph serves every canvas size only if a token covers the same whole number of pixels on both axes.
            Check(m.TokenSize is not null, $"schemaVersion 2 needs a whole, square token size: image {m.Image.Width}×{m.Image.Height} over latent grid {m.Latent.Width}×{m.Latent.Height} is not.");
        }

        CheckGraph("encoder", m.Graphs.Encoder, new(TensorSpec.DtypeFloat32, image), new(TensorSpec.DtypeInt64, grid), errors);
        CheckGraph("decoder", m.Graphs.Decoder, new(TensorSpec.DtypeInt64, grid), new(TensorSpec.DtypeFloat32, image), errors);
        Expected tokens = new(TensorSpec.DtypeInt64, TensorShape.Batched(n)), logits = new(TensorSpec.DtypeFloat32, TensorShape.Batched(n, v));
        CheckGraph("denoiser", m.Graphs.Denoiser, tokens, logits, errors);
        foreach (var (role, variant) in new[] { ("denoiserInt8", m.Graphs.DenoiserInt8), ("denoiserFp16", m.Graphs.DenoiserFp16) })
        {
            if (variant is not null)
            {
                CheckGraph(role, variant.Graph, tokens, logits, errors);
                CheckQuantizedDenoiser(role, m.Graphs, variant, errors);
            }
        }

        if (m.Graphs is { DenoiserInt8: { } i8, DenoiserFp16: { } f16 } && i8.File == f16.File)
        {
            errors.Add($"graphs.denoiserFp16.file '{f16.File}' must be a file of its own, not the int8 denoiser's.");
        }

        return errors;
    }

    // The int8 and fp16 denoisers stand in for the float32 one: the same tensors, by name too, in a file of their own.
    private static void CheckQuantizedDenoiser(string role, GraphSet graphs, QuantizedGraphSpec int8, List<string> errors)
    {
        var fp32 = graphs.Denoiser;
        if (!int8.Inputs.SequenceEqual(fp32.Inputs) || !int8.Outputs.SequenceEqual(fp32.Outputs))
        {
            errors.Add($"graphs.{role} inputs/outputs must be the denoiser's (same names, types and shapes): it replaces that graph.");
        }

        if (new[] { graphs.Encoder.File, graphs.Decoder.File, fp32.File }.Contains(int8.File, StringComparer.Ordinal))
        {
            errors.Add($"graphs.{role}.file '{int8.File}' must be a file of its own, not another graph's.");
        }

        var p = int8.Parity;
        if (!(double.IsFinite(p.MaxAbsDiff) && p.MaxAbsDiff > 0))
        {
            errors.Add($"graphs.{role}.parity.maxAbsDiff {p.MaxAbsDiff} must be a positive number.");
        }

        if (!(p.MinTop1Agreement is >= 0 and <= 1))
        {
            errors.Add($"graphs.{role}.parity.minTop1Agreement {p.MinTop1Agreement} must be between 0 and 1.");
        }
    }

    private static void CheckSampling(SamplingDefaults? s, Action<bool, string> check)
    {
        if (s is null)
        {
            return;
        }

        foreach (var problem in new StepBudgetSpec(s.DefaultSteps, s.MinSteps, s.MaxSteps).Problems("sampling"))
        {
            check(false, problem);
        }

        check(s.DefaultTemperature is null or > 0, $"sampling.defaultTemperature {s.DefaultTemperature} must be positive.");
        check(s.DefaultOrder is null || UnmaskOrders.IsKnown(s.DefaultOrder),
            $"sampling.defaultOrder '{s.DefaultOrder}' must be one of {string.Join(", ", UnmaskOrders.All)}.");
        foreach (var priority in Enum.GetValues<PriorityClass>())
        {
            foreach (var problem in s.Priorities?.For(priority)?.Problems($"sampling.priorities.{JobPriorities.Name(priority)}") ?? [])
            {
                check(false, problem);
            }
        }

        foreach (var problem in s.Confidence?.Problems("sampling.confidence") ?? [])
        {
            check(false, problem);
        }
    }

    private static void CheckGraph(string role, GraphSpec g, Expected input, Expected output, List<string> errors)
    {
        if (!FilePattern().IsMatch(g.File))
        {
            errors.Add($"graphs.{role}.file '{g.File}' must be a plain file name ending in .onnx.");
        }

        if (!Sha256Pattern().IsMatch(g.Sha256))
        {
            errors.Add($"graphs.{role}.sha256 '{g.Sha256}' must be 64 lowercase hex digits.");
        }

        CheckSignature(role, "inputs", g.Inputs, input, errors);
        CheckSignature(role, "outputs", g.Outputs, output, errors);
    }

    private static void CheckSignature(string role, string side, IReadOnlyList<TensorSpec> tensors, Expected expected, List<string> errors)
    {
        if (tensors.Count != 1)
        {
            errors.Add($"graphs.{role}.{side} lists {tensors.Count} tensors; the {role} has exactly one.");
            return;
        }

        var t = tensors[0];
        if (t.Dtype != expected.Dtype || !t.Shape.Equals(expected.Shape))
        {
            errors.Add($"graphs.{role}.{side} '{t.Name}' is {t.Dtype} {t.Shape}; image, latent and codebook sizes require {expected.Dtype} {expected.Shape}.");
        }
    }

    private static bool IsPlainRelativePath(string path) =>
        !Path.IsPathRooted(path) && !path.Replace('\\', '/').Split('/').Contains("..");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]+\.onnx$")]
    private static partial Regex FilePattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    private sealed record Expected(string Dtype, TensorShape Shape);
}
