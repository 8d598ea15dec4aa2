using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// One JPEG scan (SOS): which components and coefficients it carries, and a walk of its entropy-coded data that
/// decodes every block's Huffman symbols (no pixels) to prove the data holds every block the header promises.
/// Follows libjpeg's decoders (jdhuff.c, jdphuff.c) for sequential, DC first/refine and AC first/refine scans.
/// </summary>
internal sealed class JpegScan
{
    private readonly JpegComponent[] _components;
    private readonly JpegHuffmanTable?[] _dc;
    private readonly JpegHuffmanTable?[] _ac;
    private readonly JpegFrame _frame;
    private readonly int _ss;
    private readonly int _se;
    private readonly int _ah;
    private readonly int _al;

    private JpegScan(JpegFrame frame, JpegComponent[] components, JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac, int ss, int se, int ah, int al)
    {
        _frame = frame;
        _components = components;
        _dc = dc;
        _ac = ac;
        _ss = ss;
        _se = se;
        _ah = ah;
        _al = al;
    }

    public IReadOnlyList<JpegComponent> Components => _components;

    /// <summary>First coefficient (spectral selection start).</summary>
    public int Ss => _ss;

    /// <summary>Last coefficient.</summary>
    public int Se => _se;

    /// <summary>Successive approximation: bit position of the previous scan of these coefficients (0: first scan).</summary>
    public int Ah => _ah;

    /// <summary>Successive approximation: bit position this scan brings them to.</summary>
    public int Al => _al;

    /// <summary>Parses an SOS header and picks its tables (which must be defined by now).</summary>
    public static JpegScan Parse(ReadOnlySpan<byte> body, JpegFrame frame, JpegHuffmanTable?[] dcTables, JpegHuffmanTable?[] acTables,
        bool[] quantTables, CheckContext context)
    {
        int count = body.Length > 0 ? body[0] : 0;
        if (count is 0 or > 4 || body.Length != 4 + (2 * count))
        {
            throw context.Inconsistent("a scan header (SOS) has a bad length");
        }

        var components = new JpegComponent[count];
        var dc = new JpegHuffmanTable?[count];
        var ac = new JpegHuffmanTable?[count];
        for (var i = 0; i < count; i++)
        {
            var id = body[1 + (2 * i)];
            var component = frame.Components.FirstOrDefault(c => c.Id == id);
            if (component is null || components.Contains(component))
            {
                throw context.Inconsistent($"a scan names component {id}, which the frame does not have or the scan repeats");
            }

            if (!quantTables[component.QuantTable])
            {
                throw context.Inconsistent($"component {id} uses quantization table {component.QuantTable}, which is never defined");
            }

            components[i] = component;
            int tables = body[2 + (2 * i)];
            dc[i] = dcTables[(tables >> 4) & 3];
            ac[i] = acTables[tables & 3];
        }

        var spectral = body[^3..];
        var scan = new JpegScan(frame, components, dc, ac, spectral[0], spectral[1], spectral[2] >> 4, spectral[2] & 15);
        scan.CheckFields(context);
        return scan;
    }

    /// <summary>Walks the entropy-coded data from <paramref name="reader"/>'s start to the scan's last block.</summary>
    public void Walk(JpegBitReader reader, int restartInterval)
    {
        var single = _components.Length == 1;
        var mcus = single ? (long)_components[0].BlocksWide * _components[0].BlocksHigh : (long)_frame.McusX * _frame.McusY;
        var eobRun = 0;
        for (long mcu = 0; mcu < mcus; mcu++)
        {
            if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0)
            {
                reader.Restart(mcu, mcus);
                eobRun = 0;
            }

            if (single)
            {
                Block(reader, 0, mcu, ref eobRun);
                continue;
            }

            for (var i = 0; i < _components.Length; i++)
            {
                for (var b = _components[i].H * _components[i].V; b > 0; b--)
                {
                    Block(reader, i, -1, ref eobRun);
                }
            }
        }
    }

    private void CheckFields(CheckContext context)
    {
        var needsDc = _ss == 0 && (!_frame.Progressive || _ah == 0);
        var needsAc = !_frame.Progressive || _ss > 0;
        for (var i = 0; i < _components.Length; i++)
        {
            if ((needsDc && _dc[i] is null) || (needsAc && _ac[i] is null))
            {
                throw context.Inconsistent($"a scan uses a Huffman table that is never defined");
            }
        }

        if (_components.Length > 1 && _components.Sum(c => c.H * c.V) > 10)
        {
            throw context.Inconsistent("an interleaved scan has more than 10 blocks per MCU");
        }

        if (!_frame.Progressive)
        {
            return;
        }

        var valid = _ss == 0
            ? _se == 0
            : _components.Length == 1 && _ss <= _se && _se <= 63;
        if (!valid || _al > 13 || (_ah != 0 && _al != _ah - 1))
        {
            throw context.Inconsistent($"a progressive scan has invalid parameters (Ss={_ss}, Se={_se}, Ah={_ah}, Al={_al})");
        }

        if (_ss > 0)
        {
            var c = _components[0];
            c.NonZero ??= new ulong[(long)c.BlocksWide * c.BlocksHigh];
        }
    }

    private void Block(JpegBitReader reader, int i, long block, ref int eobRun)
    {
        if (!_frame.Progressive)
        {
            Sequential(reader, _dc[i]!, _ac[i]!);
        }
        else if (_ss == 0)
        {
            reader.ReadBits(_ah == 0 ? Symbol(reader, _dc[i]!) : 1);
        }
        else if (_ah == 0)
        {
            AcFirst(reader, _ac[i]!, ref _components[i].NonZero![block], ref eobRun);
        }
        else
        {
            AcRefine(reader, _ac[i]!, ref _components[i].NonZero![block], ref eobRun);
        }
    }

    private static void Sequential(JpegBitReader reader, JpegHuffmanTable dc, JpegHuffmanTable ac)
    {
        reader.ReadBits(Symbol(reader, dc));
        for (var k = 1; k < 64; k++)
        {
            var rs = Symbol(reader, ac);
            int r = rs >> 4, s = rs & 15;
            if (s == 0)
            {
                if (r != 15)
                {
                    return;
                }

                k += 15;
                continue;
            }

            k += r;
            reader.ReadBits(s);
        }
    }

    private void AcFirst(JpegBitReader reader, JpegHuffmanTable ac, ref ulong nonZero, ref int eobRun)
    {
        if (eobRun > 0)
        {
            eobRun--;
            return;
        }

        for (var k = _ss; k <= _se; k++)
        {
            var rs = Symbol(reader, ac);
            int r = rs >> 4, s = rs & 15;
            if (s != 0)
            {
                k += r;
                reader.ReadBits(s);
                if (k <= _se)
                {
                    nonZero |= 1UL << k;
                }
            }
            else if (r == 15)
            {
                k += 15;
            }
            else
            {
                eobRun = (1 << r) - 1 + reader.ReadBits(r);
                return;
            }
        }
    }

    private void AcRefine(JpegBitReader reader, JpegHuffmanTable ac, ref ulong nonZero, ref int eobRun)
    {
        var k = _ss;
        if (eobRun == 0)
        {
            for (; k <= _se; k++)
            {
                var rs = Symbol(reader, ac);
                int r = rs >> 4, s = rs & 15;
                if (s != 0)
                {
                    if (s != 1)
                    {
                        ThrowBadCode(reader);
                    }

                    reader.ReadBits(1);
                }
                else if (r != 15)
                {
                    eobRun = (1 << r) + reader.ReadBits(r);
                    break;
                }

                // Pass r zero-history coefficients (the new one lands on the next), with a correction bit for each
                // coefficient already non-zero on the way.
                do
                {
                    if (((nonZero >> k) & 1) != 0)
                    {
                        reader.ReadBits(1);
                    }
                    else if (--r < 0)
                    {
                        break;
                    }

                    k++;
                }
                while (k <= _se);

                if (s != 0 && k <= _se)
                {
                    nonZero |= 1UL << k;
                }
            }
        }

        if (eobRun > 0)
        {
            for (; k <= _se; k++)
            {
                if (((nonZero >> k) & 1) != 0)
                {
                    reader.ReadBits(1);
                }
            }

            eobRun--;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Symbol(JpegBitReader reader, JpegHuffmanTable table)
    {
        var symbol = table.Decode(reader);
        if (symbol < 0)
        {
            ThrowBadCode(reader);
        }

        return symbol;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadCode(JpegBitReader reader) => throw reader.BadCode();
}
