using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.TestSupport.Corpus;

/// <summary>
/// Writes the JPEGs ImageSharp 2 cannot: progressive (DC and AC bands, each refined twice, as libjpeg's scripts do)
/// and four-component CMYK (Adobe marker), besides baseline, with optional restart intervals. Real DCT and
/// quantization, all components sampled 1×1, fixed Huffman tables holding every symbol (4-bit DC, 8/9-bit AC
/// codes). Follows libjpeg's jcphuff.c for the progressive scans. Tests decode its output with ImageSharp and
/// compare against the source, so a wrong bit here shows up as wrong pixels, not as a validator that agrees
/// with a broken writer.
/// </summary>
public static class TestJpegEncoder
{
    private const int Quant = 3;

    private static readonly int[] ZigZag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
        28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
        54, 47, 55, 62, 63,
    ];

    // DC: symbols 0..11 as 4-bit codes. AC: symbols 0..253 as 8-bit codes, 254 and 255 as 9-bit ones.
    private static readonly byte[] DcCounts = [0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] AcCounts = [0, 0, 0, 0, 0, 0, 0, 254, 2, 0, 0, 0, 0, 0, 0, 0];

    public enum Kind
    {
        Gray,
        YCbCr,
        Cmyk,
    }

    /// <summary>Encodes <paramref name="image"/> (for CMYK its R, G, B, A are stored as the four channels).</summary>
    /// <param name="script">Progressive only: the scans (components, Ss, Se, Ah, Al), instead of the default script.</param>
    public static byte[] Encode(Image<Rgba32> image, Kind kind, bool progressive, int restartInterval = 0,
        IEnumerable<(int[] Components, int Ss, int Se, int Ah, int Al)>? script = null)
    {
        var planes = Planes(image, kind);
        int blocksWide = (image.Width + 7) / 8, blocksHigh = (image.Height + 7) / 8;
        var coefficients = planes.Select(p => Transform(p, image.Width, image.Height, blocksWide, blocksHigh)).ToArray();
        using var output = new MemoryStream();
        Marker(output, 0xD8);
        if (kind == Kind.Cmyk)
        {
            Segment(output, 0xEE, [.. "Adobe"u8, 0, 100, 0, 0, 0, 0, 0]);
        }

        Segment(output, 0xDB, [0, .. Enumerable.Repeat((byte)Quant, 64)]);
        var frame = new List<byte> { 8, (byte)(image.Height >> 8), (byte)image.Height, (byte)(image.Width >> 8), (byte)image.Width, (byte)planes.Length };
        for (var c = 0; c < planes.Length; c++)
        {
            frame.AddRange([(byte)(c + 1), 0x11, 0]);
        }

        Segment(output, progressive ? 0xC2 : 0xC0, [.. frame]);
        Segment(output, 0xC4, [0x00, .. DcCounts, .. Enumerable.Range(0, 12).Select(i => (byte)i), 0x10, .. AcCounts, .. Enumerable.Range(0, 256).Select(i => (byte)i)]);
        if (restartInterval > 0)
        {
            Segment(output, 0xDD, [(byte)(restartInterval >> 8), (byte)restartInterval]);
        }

        var all = Enumerable.Range(0, planes.Length).ToArray();
        foreach (var (components, ss, se, ah, al) in progressive ? script ?? Script(planes.Length) : [(all, 0, 63, 0, 0)])
        {
            var header = new List<byte> { (byte)components.Length };
            foreach (var c in components)
            {
                header.AddRange([(byte)(c + 1), 0x00]);
            }

            header.AddRange([(byte)ss, (byte)se, (byte)((ah << 4) | al)]);
            Segment(output, 0xDA, [.. header]);
            new ScanWriter(output, coefficients, components, ss, se, ah, al, progressive, restartInterval).Write(blocksWide * blocksHigh);
        }

        Marker(output, 0xD9);
        return output.ToArray();
    }

    /// <summary>DC first (Al 1), AC bands 1–5 and 6–63 (Al 2), AC refined to 1, DC refined, AC refined to 0.</summary>
    private static IEnumerable<(int[] Components, int Ss, int Se, int Ah, int Al)> Script(int count)
    {
        var all = Enumerable.Range(0, count).ToArray();
        yield return (all, 0, 0, 0, 1);
        foreach (var c in all)
        {
            yield return ([c], 1, 5, 0, 2);
            yield return ([c], 6, 63, 0, 2);
        }

        foreach (var c in all)
        {
            yield return ([c], 1, 63, 2, 1);
        }

        yield return (all, 0, 0, 1, 0);
        foreach (var c in all)
        {
            yield return ([c], 1, 63, 1, 0);
        }
    }

    private static float[][] Planes(Image<Rgba32> image, Kind kind)
    {
        var count = kind switch { Kind.Gray => 1, Kind.YCbCr => 3, _ => 4 };
        var planes = Enumerable.Range(0, count).Select(_ => new float[image.Width * image.Height]).ToArray();
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var p = image[x, y];
                var i = (y * image.Width) + x;
                float r = p.R, g = p.G, b = p.B;
                switch (kind)
                {
                    case Kind.Gray:
                        planes[0][i] = (0.299f * r) + (0.587f * g) + (0.114f * b);
                        break;
                    case Kind.YCbCr:
                        planes[0][i] = (0.299f * r) + (0.587f * g) + (0.114f * b);
                        planes[1][i] = 128 - (0.168736f * r) - (0.331264f * g) + (0.5f * b);
                        planes[2][i] = 128 + (0.5f * r) - (0.418688f * g) - (0.081312f * b);
                        break;
                    default:
                        (planes[0][i], planes[1][i], planes[2][i], planes[3][i]) = (r, g, b, p.A);
                        break;
                }
            }
        }

        return planes;
    }

    /// <summary>Per block, 64 quantized DCT coefficients in natural order; edges repeat the last row and column.</summary>
    private static short[][] Transform(float[] plane, int width, int height, int blocksWide, int blocksHigh)
    {
        var blocks = new short[blocksWide * blocksHigh][];
        var samples = new float[64];
        for (var by = 0; by < blocksHigh; by++)
        {
            for (var bx = 0; bx < blocksWide; bx++)
            {
                for (var i = 0; i < 64; i++)
                {
                    int x = Math.Min((bx * 8) + (i % 8), width - 1), y = Math.Min((by * 8) + (i / 8), height - 1);
                    samples[i] = plane[(y * width) + x] - 128;
                }

                var block = new short[64];
                for (var v = 0; v < 8; v++)
                {
                    for (var u = 0; u < 8; u++)
                    {
                        double sum = 0;
                        for (var i = 0; i < 64; i++)
                        {
                            sum += samples[i] * Math.Cos(((2 * (i % 8)) + 1) * u * Math.PI / 16) * Math.Cos(((2 * (i / 8)) + 1) * v * Math.PI / 16);
                        }

                        var scale = (u == 0 ? Math.Sqrt(0.5) : 1) * (v == 0 ? Math.Sqrt(0.5) : 1) / 4;
                        block[(v * 8) + u] = (short)Math.Round(sum * scale / Quant);
                    }
                }

                blocks[(by * blocksWide) + bx] = block;
            }
        }

        return blocks;
    }

    private static void Marker(Stream output, int marker)
    {
        output.WriteByte(0xFF);
        output.WriteByte((byte)marker);
    }

    private static void Segment(Stream output, int marker, byte[] body)
    {
        Marker(output, marker);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)(body.Length + 2));
        output.Write(length);
        output.Write(body);
    }

    /// <summary>One scan's entropy-coded data.</summary>
    private sealed class ScanWriter(Stream output, short[][][] coefficients, int[] components, int ss, int se, int ah, int al, bool progressive, int restartInterval)
    {
        private const int MaxCorrectionBits = 1000;
        private readonly JpegBitWriter _bits = new(output);
        private readonly int[] _lastDc = new int[4];
        private readonly List<int> _pendingCorrections = [];
        private int _eobRun;

        public void Write(int blocks)
        {
            for (var block = 0; block < blocks; block++)
            {
                if (restartInterval > 0 && block > 0 && block % restartInterval == 0)
                {
                    FlushEobRun();
                    _bits.Pad();
                    output.WriteByte(0xFF);
                    output.WriteByte((byte)(0xD0 + ((block / restartInterval) - 1) % 8));
                    Array.Clear(_lastDc);
                }

                foreach (var c in components)
                {
                    var coefficient = coefficients[c][block];
                    if (!progressive)
                    {
                        Dc(c, coefficient[0]);
                        Sequential(coefficient);
                    }
                    else if (ss == 0)
                    {
                        if (ah == 0)
                        {
                            Dc(c, coefficient[0] >> al);
                        }
                        else
                        {
                            _bits.Write((coefficient[0] >> al) & 1, 1);
                        }
                    }
                    else if (ah == 0)
                    {
                        AcFirst(coefficient);
                    }
                    else
                    {
                        AcRefine(coefficient);
                    }
                }
            }

            FlushEobRun();
            _bits.Pad();
        }

        private void Dc(int component, int value)
        {
            var diff = value - _lastDc[component];
            _lastDc[component] = value;
            var size = Category(diff);
            _bits.Write(size, 4);
            _bits.Write(Magnitude(diff, size), size);
        }

        private void Sequential(short[] block)
        {
            var run = 0;
            for (var k = 1; k < 64; k++)
            {
                int value = block[ZigZag[k]];
                if (value == 0)
                {
                    run++;
                    continue;
                }

                for (; run > 15; run -= 16)
                {
                    Ac(0xF0);
                }

                var size = Category(value);
                Ac((run << 4) | size);
                _bits.Write(Magnitude(value, size), size);
                run = 0;
            }

            if (run > 0)
            {
                Ac(0x00);
            }
        }

        private void AcFirst(short[] block)
        {
            var run = 0;
            for (var k = ss; k <= se; k++)
            {
                int value = block[ZigZag[k]];
                var magnitude = Math.Abs(value) >> al;
                if (magnitude == 0)
                {
                    run++;
                    continue;
                }

                FlushEobRun();
                for (; run > 15; run -= 16)
                {
                    Ac(0xF0);
                }

                var size = Category(magnitude);
                Ac((run << 4) | size);
                _bits.Write(value < 0 ? ~magnitude : magnitude, size);
                run = 0;
            }

            if (run > 0 && ++_eobRun == 0x7FFF)
            {
                FlushEobRun();
            }
        }

        private void AcRefine(short[] block)
        {
            var magnitudes = new int[64];
            var lastNew = 0;
            for (var k = ss; k <= se; k++)
            {
                magnitudes[k] = Math.Abs((int)block[ZigZag[k]]) >> al;
                if (magnitudes[k] == 1)
                {
                    lastNew = k;
                }
            }

            var run = 0;
            var corrections = new List<int>();
            for (var k = ss; k <= se; k++)
            {
                var magnitude = magnitudes[k];
                if (magnitude == 0)
                {
                    run++;
                    continue;
                }

                for (; run > 15 && k <= lastNew; run -= 16)
                {
                    FlushEobRun();
                    Ac(0xF0);
                    corrections.ForEach(b => _bits.Write(b, 1));
                    corrections.Clear();
                }

                if (magnitude > 1)
                {
                    corrections.Add(magnitude & 1);
                    continue;
                }

                FlushEobRun();
                Ac((run << 4) | 1);
                _bits.Write(block[ZigZag[k]] < 0 ? 0 : 1, 1);
                corrections.ForEach(b => _bits.Write(b, 1));
                corrections.Clear();
                run = 0;
            }

            if (run > 0 || corrections.Count > 0)
            {
                _eobRun++;
                _pendingCorrections.AddRange(corrections);
                if (_eobRun == 0x7FFF || _pendingCorrections.Count > MaxCorrectionBits - 64 + 1)
                {
                    FlushEobRun();
                }
            }
        }

        private void FlushEobRun()
        {
            if (_eobRun == 0)
            {
                return;
            }

            var bits = 31 - int.LeadingZeroCount(_eobRun);
            Ac(bits << 4);
            _bits.Write(_eobRun, bits);
            _eobRun = 0;
            _pendingCorrections.ForEach(b => _bits.Write(b, 1));
            _pendingCorrections.Clear();
        }

        // The AC table's canonical codes: symbols below 254 are their own 8-bit code, 254 and 255 are 508 and 509 in 9 bits.
        private void Ac(int symbol)
        {
            if (symbol < 254)
            {
                _bits.Write(symbol, 8);
            }
            else
            {
                _bits.Write(symbol + 254, 9);
            }
        }

        private static int Category(int value) => value == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(value));

        private static int Magnitude(int value, int size) => value >= 0 ? value : value + (1 << size) - 1;
    }
}
