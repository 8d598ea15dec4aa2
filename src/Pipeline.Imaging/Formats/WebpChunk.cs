namespace Pipeline.Imaging.Formats;

/// <summary>One RIFF chunk of a WebP file: its four-letter type and where its payload lies.</summary>
internal readonly record struct WebpChunk(string Type, int Offset, int Length)
{
    public ReadOnlySpan<byte> Payload(byte[] data) => data.AsSpan(Offset, Length);
}
