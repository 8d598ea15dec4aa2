namespace Pipeline.Api.Validation;

/// <summary>Reads an upload into memory, never more than a limit past which it is refused anyway.</summary>
internal static class BoundedBody
{
    /// <summary>The bytes of <paramref name="body"/>; null when it holds more than <paramref name="maxBytes"/> (reading stops there).</summary>
    public static async Task<byte[]?> ReadAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
