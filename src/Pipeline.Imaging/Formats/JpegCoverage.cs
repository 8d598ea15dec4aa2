namespace Pipeline.Imaging.Formats;

/// <summary>
/// Which coefficients of which components the scans so far have sent. A sequential JPEG sends each component in
/// one scan; a progressive one sends coefficient bands, then refines them bit by bit (Ah → Al = Ah − 1). A file is
/// complete when every component's DC and all 63 AC coefficients were sent at least once: libjpeg allows a
/// scan script to stop refining early, so later refinement scans are not required, but a file holding only its
/// first scans (a cut-off download with an end marker appended) is a blur of 8×8 blocks, not the image.
/// </summary>
internal sealed class JpegCoverage(JpegFrame frame)
{
    // Per component, per coefficient: the bit position reached so far, -1 while never sent.
    private readonly sbyte[][] _bits = [.. frame.Components.Select(_ => Enumerable.Repeat((sbyte)-1, 64).ToArray())];

    public int Scans { get; private set; }

    public void Add(JpegScan scan, CheckContext context)
    {
        Scans++;
        foreach (var component in scan.Components)
        {
            var bits = _bits[Array.IndexOf(frame.Components, component)];
            if (!frame.Progressive)
            {
                if (bits[0] >= 0)
                {
                    throw context.Inconsistent($"component {component.Id} is sent by two sequential scans");
                }

                Array.Fill(bits, (sbyte)0);
                continue;
            }

            for (var k = scan.Ss; k <= scan.Se; k++)
            {
                if (bits[k] != (scan.Ah == 0 ? -1 : scan.Ah))
                {
                    throw context.Inconsistent(
                        $"scan {Scans} sends coefficient {k} of component {component.Id} out of order (already sent, or refined without its previous scan)");
                }

                bits[k] = (sbyte)scan.Al;
            }
        }
    }

    /// <summary>Null when every coefficient was sent; otherwise what is missing, in words.</summary>
    public string? Missing()
    {
        for (var i = 0; i < _bits.Length; i++)
        {
            var unsent = _bits[i].Count(b => b < 0);
            if (unsent > 0)
            {
                return frame.Progressive
                    ? $"its {Scans} progressive scans never send {unsent} of the 64 coefficients of component {frame.Components[i].Id}, so only a blocky preview of the image is there"
                    : $"component {frame.Components[i].Id} has no scan";
            }
        }

        return null;
    }
}
