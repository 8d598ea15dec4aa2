namespace Pipeline.Imaging;

/// <summary>
/// Exact Euclidean distance from every pixel to the nearest set pixel of a mask, in O(pixels).
/// Felzenszwalb &amp; Huttenlocher, "Distance Transforms of Sampled Functions", Theory of Computing 8 (2012):
/// the squared distance transform is separable, D(x, y) = min over (x', y') of (x − x')² + (y − y')² + f(x', y'),
/// so a 1-D transform along the columns then along the rows gives the 2-D one; each 1-D pass is the lower
/// envelope of the parabolas (q − p)² + f(p).
/// </summary>
internal static class DistanceTransform
{
    // Stands in for +∞ (the paper's choice): large enough to lose every min, small enough that differences stay finite.
    private const double Far = 1e20;

    /// <summary>Euclidean distance of each pixel to the nearest set pixel (0 on set pixels); ≥ 1e10 when none is set.</summary>
    public static double[] Compute(PixelMask mask)
    {
        int w = mask.Width, h = mask.Height, n = Math.Max(w, h);
        var d = new double[w * h];
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = mask.Values[i] ? 0 : Far;
        }

        var f = new double[n];
        var result = new double[n];
        var v = new int[n];
        var z = new double[n + 1];
        for (var x = 0; x < w; x++)
        {
            for (var y = 0; y < h; y++)
            {
                f[y] = d[(y * w) + x];
            }

            Transform1D(f, h, result, v, z);
            for (var y = 0; y < h; y++)
            {
                d[(y * w) + x] = result[y];
            }
        }

        for (var y = 0; y < h; y++)
        {
            Array.Copy(d, y * w, f, 0, w);
            Transform1D(f, w, result, v, z);
            Array.Copy(result, 0, d, y * w, w);
        }

        for (var i = 0; i < d.Length; i++)
        {
            d[i] = Math.Sqrt(d[i]);
        }

        return d;
    }

    // Lower envelope of the parabolas rooted at (p, f(p)): v holds their roots, z the boundaries between them.
    private static void Transform1D(double[] f, int n, double[] d, int[] v, double[] z)
    {
        var k = 0;
        v[0] = 0;
        z[0] = double.NegativeInfinity;
        z[1] = double.PositiveInfinity;
        for (var q = 1; q < n; q++)
        {
            var s = Intersection(f, q, v[k]);
            while (s <= z[k])
            {
                k--;
                s = Intersection(f, q, v[k]);
            }

            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = double.PositiveInfinity;
        }

        k = 0;
        for (var q = 0; q < n; q++)
        {
            while (z[k + 1] < q)
            {
                k++;
            }

            d[q] = ((double)(q - v[k]) * (q - v[k])) + f[v[k]];
        }
    }

    private static double Intersection(double[] f, int q, int p) => ((f[q] + ((double)q * q)) - (f[p] + ((double)p * p))) / (2.0 * (q - p));
}
