using System.Buffers.Binary;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// Walks a JPEG's markers before it is decoded: every segment whole, one Huffman-coded frame header (baseline,
/// extended or progressive), tables defined before use, every scan's entropy-coded data holding all its blocks
/// (<see cref="JpegScan"/>), the scans covering the whole image (<see cref="JpegCoverage"/>) and an end-of-image
/// marker. Bytes after EOI are ignored: the decoder gets the file up to EOI. Only the EXIF APP1 block is kept (for
/// the orientation); the decoder skips ICC, XMP and Photoshop segments, which it would otherwise concatenate.
/// </summary>
internal sealed class JpegCheck
{
    private const int MaxScans = 256;

    private readonly byte[] _data;
    private readonly CheckContext _context;
    private readonly JpegHuffmanTable?[] _dc = new JpegHuffmanTable?[4];
    private readonly JpegHuffmanTable?[] _ac = new JpegHuffmanTable?[4];
    private readonly bool[] _quant = new bool[4];
    private readonly List<byte[]> _exif = [];
    private JpegFrame? _frame;
    private JpegCoverage? _coverage;
    private int _restartInterval;

    private JpegCheck(byte[] data, CheckContext context)
    {
        _data = data;
        _context = context;
    }

    public static CheckedImage Check(byte[] data, CheckContext context) => new JpegCheck(data, context).Walk();

    private CheckedImage Walk()
    {
        var pos = 2;
        while (true)
        {
            var marker = NextMarker(ref pos);
            switch (marker)
            {
                case 0xD9:
                    return Finish(pos);
                case 0x01 or (>= 0xD0 and <= 0xD7):
                    continue;
                case 0xD8:
                    throw _context.Inconsistent("it has a second start-of-image marker");
            }

            if (pos + 2 > _data.Length)
            {
                throw _context.Truncated("it ends inside a segment header");
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(_data.AsSpan(pos));
            if (length < 2)
            {
                throw _context.Inconsistent($"a segment (marker 0x{marker:X2}) has the impossible length {length}");
            }

            if (pos + length > _data.Length)
            {
                throw _context.Truncated($"a segment (marker 0x{marker:X2}) needs {length} bytes but the file ends first");
            }

            var body = _data.AsSpan(pos + 2, length - 2);
            pos += length;
            switch (marker)
            {
                case 0xC0 or 0xC1 or 0xC2:
                    Frame(body, progressive: marker == 0xC2);
                    break;
                case 0xC3 or (>= 0xC5 and <= 0xC7) or (>= 0xC9 and <= 0xCB) or (>= 0xCD and <= 0xCF) or 0xCC:
                    throw _context.Unsupported("it uses lossless, hierarchical or arithmetic coding");
                case 0xC4:
                    HuffmanTables(body);
                    break;
                case 0xDB:
                    QuantTables(body);
                    break;
                case 0xDD:
                    _restartInterval = body.Length == 2
                        ? BinaryPrimitives.ReadUInt16BigEndian(body)
                        : throw _context.Inconsistent("its restart interval (DRI) segment has a bad length");
                    break;
                case 0xDA:
                    pos = Scan(body, pos);
                    break;
                case 0xE1:
                    Exif(body);
                    break;
            }
        }
    }

    /// <summary>The next marker's code, with <paramref name="pos"/> just past it; stray and fill bytes before it are skipped, as decoders do.</summary>
    private int NextMarker(ref int pos)
    {
        while (pos + 1 < _data.Length)
        {
            if (_data[pos] == 0xFF && _data[pos + 1] is not (0x00 or 0xFF))
            {
                pos += 2;
                return _data[pos - 1];
            }

            pos++;
        }

        throw _context.Truncated("it ends before its end-of-image marker (EOI)");
    }

    private void Frame(ReadOnlySpan<byte> body, bool progressive)
    {
        if (_frame is not null)
        {
            throw _context.Inconsistent("it has two frame headers (SOF)");
        }

        _frame = JpegFrame.Parse(body, progressive, _context);
        _context.CheckSize(_frame.Width, _frame.Height);
        _coverage = new JpegCoverage(_frame);
    }

    private int Scan(ReadOnlySpan<byte> body, int entropyStart)
    {
        if (_frame is null || _coverage is null)
        {
            throw _context.Inconsistent("its image data (SOS) comes before its frame header (SOF)");
        }

        if (_coverage.Scans == MaxScans)
        {
            // Each scan walks every block, so thousands of tiny scans would make a small file cost seconds
            // (libjpeg-turbo limits scans for the same reason); real encoders write a few dozen at most.
            throw _context.Unsupported($"it has more than {MaxScans} scans");
        }

        var scan = JpegScan.Parse(body, _frame, _dc, _ac, _quant, _context);
        _coverage.Add(scan, _context);
        var reader = new JpegBitReader(_data, entropyStart, _context, _coverage.Scans);
        scan.Walk(reader, _restartInterval);
        reader.SkipToMarker(out var next);
        return next;
    }

    private void HuffmanTables(ReadOnlySpan<byte> body)
    {
        while (!body.IsEmpty)
        {
            var total = 0;
            if (body.Length >= 17)
            {
                foreach (var count in body[1..17])
                {
                    total += count;
                }
            }

            int tableClass = body[0] >> 4, id = body[0] & 15;
            if (body.Length < 17 + total || tableClass > 1 || id > 3 || total > 256)
            {
                throw _context.Inconsistent("a Huffman table (DHT) is invalid");
            }

            var symbols = body.Slice(17, total);
            var table = (tableClass == 1 || !symbols.ContainsAnyInRange((byte)16, (byte)255)
                    ? JpegHuffmanTable.Create(body[1..17], symbols)
                    : null)
                ?? throw _context.Inconsistent("a Huffman table (DHT) has more codes than fit, or DC symbols over 15");
            (tableClass == 0 ? _dc : _ac)[id] = table;
            body = body[(17 + total)..];
        }
    }

    private void QuantTables(ReadOnlySpan<byte> body)
    {
        while (!body.IsEmpty)
        {
            int precision = body[0] >> 4, id = body[0] & 15;
            var size = 1 + (64 * (precision + 1));
            if (precision > 1 || id > 3 || body.Length < size)
            {
                throw _context.Inconsistent("a quantization table (DQT) is invalid");
            }

            _quant[id] = true;
            body = body[size..];
        }
    }

    private void Exif(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith("Exif\0\0"u8))
        {
            return;
        }

        // EXIF over 64 KiB is split across APP1 segments, which the EXIF reader wants joined.
        _exif.Add(body[6..].ToArray());
        _context.CheckExifSize(_exif.Sum(e => (long)e.Length));
    }

    private CheckedImage Finish(int end)
    {
        if (_frame is null || _coverage is null)
        {
            throw _context.Inconsistent("it has no frame header (SOF)");
        }

        if (_coverage.Scans == 0)
        {
            throw _context.Truncated("it has no image data (no scan before its end marker)");
        }

        if (_coverage.Missing() is { } missing)
        {
            throw _context.Truncated(missing);
        }

        byte[]? exif = _exif.Count == 0 ? null : [.. _exif.SelectMany(e => e)];
        return new CheckedImage(ImageFormatKind.Jpeg, _frame.Width, _frame.Height, _data.AsMemory(0, end), exif);
    }
}
