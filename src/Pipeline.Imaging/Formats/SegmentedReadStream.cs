namespace Pipeline.Imaging.Formats;

/// <summary>A forward-only read of several slices of one array as one stream (a PNG's IDAT payloads, without copying).</summary>
internal sealed class SegmentedReadStream(byte[] data, IReadOnlyList<(int Offset, int Length)> segments) : Stream
{
    private int _segment;
    private int _used;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_segment < segments.Count)
        {
            var (start, length) = segments[_segment];
            var left = length - _used;
            if (left > 0)
            {
                var n = Math.Min(left, buffer.Length);
                data.AsSpan(start + _used, n).CopyTo(buffer);
                _used += n;
                return n;
            }

            _segment++;
            _used = 0;
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
