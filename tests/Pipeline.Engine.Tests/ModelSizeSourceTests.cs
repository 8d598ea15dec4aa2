using System.Security.Cryptography;
using Pipeline.Contracts;
using Pipeline.Imaging;

namespace Pipeline.Engine.Tests;

/// <summary>
/// A source already of the model's size gives what it gave before results came back at the source's resolution: the
/// same tokens (goldens recorded by the engine before that change, on this pack) and the same PNG (the model-size path:
/// <see cref="Compositor"/> over the source for an inpainting, the decoded image for a variation).
/// </summary>
public sealed class ModelSizeSourceTests
{
    private static readonly byte[] Source = PngWriter.Encode(EmojiPack.Source(32, 32));

    [Fact]
    public async Task Inpainting_ModelSizeSource_SameTokensAndPngAsBefore()
    {
        await using var emoji = new EmojiPack();

        var result = await emoji.Engine.RunAsync(new EngineJob
        {
            JobId = "i", Kind = JobKind.Inpainting, Seed = 11, Steps = 8, SourceImage = Source, FeatherPixels = 2,
            MaskRectangles = [new MaskRectangle { X = 6, Y = 4, Width = 12, Height = 9 }],
        });

        var mask = PixelMask.FromRectangles(32, 32, [new PixelRect(6, 4, 12, 9)]);
        var before = Compositor.Composite(ImageReader.Read(Source), emoji.Decode(result.Tokens), mask, featherPixels: 2);
        Assert.Equal(PngWriter.Encode(before), result.Png);
        Assert.Equal(GoldenInpaintingTokens, Sha(result.Tokens));
        Assert.Equal(GoldenInpaintingPng, Convert.ToHexString(SHA256.HashData(result.Png)));
        Assert.Equal((32, 32), (result.Metadata.ImageWidth, result.Metadata.ImageHeight));
        Assert.Equal("32×32 used as is", result.Metadata.SourceFit);
    }

    [Fact]
    public async Task Variation_ModelSizeSource_SameTokensAndPngAsBefore()
    {
        await using var emoji = new EmojiPack();

        var result = await emoji.Engine.RunAsync(new EngineJob { JobId = "v", Kind = JobKind.Variation, Seed = 12, Steps = 8, Strength = 0.4f, SourceImage = Source });

        Assert.Equal(PngWriter.Encode(PlanarPixels.FromPlanar(emoji.Decode(result.Tokens), 32, 32)), result.Png);
        Assert.Equal(GoldenVariationTokens, Sha(result.Tokens));
        Assert.Equal(GoldenVariationPng, Convert.ToHexString(SHA256.HashData(result.Png)));
        Assert.Equal((32, 32), (result.Metadata.ImageWidth, result.Metadata.ImageHeight));
    }

    // SHA-256 of the tokens (little-endian int64) and of the PNG the engine gave for these jobs before results came back
    // at the source's resolution (commit 3755d60), on this machine's CPU (ONNX Runtime, CPU provider). Should a CPU
    // with other float kernels ever disagree, the comparisons with the model-size path above still pin the PNG.
    private const string GoldenInpaintingTokens = "BF4749A844372895FF23EF9AEB4A56CEA4E9BF386AD9033FF894F9AD2A26DB2F";
    private const string GoldenInpaintingPng = "8977495FDC90D1198FEBCC28A2ECCA0F4F49787BA955FFED9123161837DF253F";
    private const string GoldenVariationTokens = "1513839E9BF2AA15B97E35507199DE0FCFF4CFACDF0D282D9B294011970C302C";
    private const string GoldenVariationPng = "E0A2BDFCA44AEB2786219CDDB7329016085B2FB33EEEEAF88ED0DF5C13CD0DB7";

    private static string Sha(long[] tokens)
    {
        var bytes = new byte[tokens.Length * sizeof(long)];
        Buffer.BlockCopy(tokens, 0, bytes, 0, bytes.Length);
        return Convert.ToHexString(SHA256.HashData(bytes));
    }
}
