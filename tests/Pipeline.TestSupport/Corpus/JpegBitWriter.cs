namespace Pipeline.TestSupport.Corpus;

/// <summary>Entropy-coded bits, most significant first, with 0xFF stuffed as 0xFF 0x00 and 1-bit padding.</summary>
public sealed class JpegBitWriter(Stream output)
{
    private int _byte;
    private int _count;

    public void Write(int bits, int length)
    {
        for (var i = length - 1; i >= 0; i--)
        {
            _byte = (_byte << 1) | ((bits >> i) & 1);
            if (++_count == 8)
            {
                output.WriteByte((byte)_byte);
                if (_byte == 0xFF)
                {
                    output.WriteByte(0);
                }

                _byte = 0;
                _count = 0;
            }
        }
    }

    /// <summary>Fills the last byte with 1 bits, as the end of a scan or restart interval needs.</summary>
    public void Pad()
    {
        while (_count != 0)
        {
            Write(1, 1);
        }
    }
}
