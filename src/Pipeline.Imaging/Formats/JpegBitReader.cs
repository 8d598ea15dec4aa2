using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// Reads a JPEG scan's entropy-coded bits (0xFF 0x00 unstuffed). At a marker or the end of the file it supplies
/// zero bits, as decoders do, but counts them: consuming one means the scan needed data the file does not have,
/// which is how a cut-short scan is told from a whole one.
/// </summary>
internal sealed class JpegBitReader(byte[] data, int start, CheckContext context, int scan)
{
    private int _pos = start;
    private ulong _bits;
    private int _count;
    private int _padding;
    private bool _atMarker;

    /// <summary>The next 16 bits, without consuming them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Peek16()
    {
        if (_count < 16)
        {
            Fill();
        }

        return (int)(_bits >> 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int n)
    {
        _bits <<= n;
        _count -= n;
        if (_count < _padding)
        {
            ThrowPastEnd();
        }
    }

    /// <summary>The next <paramref name="n"/> bits (0–16) as an unsigned number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadBits(int n)
    {
        if (_count < n)
        {
            Fill();
        }

        // Two shifts, so that n = 0 gives 0 (a shift by 64 would shift by nothing).
        var value = (int)((_bits >> 1) >> (63 - n));
        Skip(n);
        return value;
    }

    /// <summary>Bits that match no Huffman code: corrupt data, or a scan cut inside a code.</summary>
    public ImageInputException BadCode() => _padding > 0
        ? context.Truncated($"the compressed data of scan {scan} ends before its last block")
        : context.Inconsistent($"the compressed data of scan {scan} is corrupt (an invalid Huffman code)");

    /// <summary>
    /// Drops the bits left in the buffer (padding to a byte boundary) and finds the next marker, skipping any stray
    /// bytes before it as decoders do. Returns its code with the reader positioned on its 0xFF, or -1 at end of file.
    /// </summary>
    public int SkipToMarker(out int position)
    {
        _bits = 0;
        _count = 0;
        _padding = 0;
        _atMarker = false;
        while (_pos + 1 < data.Length)
        {
            if (data[_pos] == 0xFF && data[_pos + 1] is not (0x00 or 0xFF))
            {
                position = _pos;
                return data[_pos + 1];
            }

            _pos++;
        }

        position = data.Length;
        return -1;
    }

    /// <summary>
    /// At a restart boundary (after <paramref name="done"/> of <paramref name="total"/> MCUs) the next marker must be
    /// RSTn; any other means the scan's data stopped early.
    /// </summary>
    public void Restart(long done, long total)
    {
        var marker = SkipToMarker(out _);
        if (marker is < 0xD0 or > 0xD7)
        {
            throw context.Truncated($"scan {scan} stops after {done} of its {total} MCUs");
        }

        _pos += 2;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowPastEnd() => throw context.Truncated($"the compressed data of scan {scan} ends before its last block");

    private void Fill()
    {
        // Fast path: while no 0xFF is near, take whole bytes without looking at each for stuffing or markers.
        var room = (64 - _count) >> 3;
        if (room > 0 && !_atMarker && _pos + 8 <= data.Length && data.AsSpan(_pos, room).IndexOf((byte)0xFF) < 0)
        {
            var next = BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(_pos)) >> (64 - (room * 8));
            _bits |= next << (64 - _count - (room * 8));
            _count += room * 8;
            _pos += room;
            return;
        }

        while (_count <= 56)
        {
            int b;
            if (!_atMarker && _pos < data.Length && (data[_pos] != 0xFF || (_pos + 1 < data.Length && data[_pos + 1] == 0)))
            {
                b = data[_pos];
                _pos += b == 0xFF ? 2 : 1;
            }
            else
            {
                _atMarker = true;
                b = 0;
                _padding += 8;
            }

            _bits |= (ulong)b << (56 - _count);
            _count += 8;
        }
    }
}
