namespace Pipeline.Imaging.Tests;

public class DistanceTransformTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Compute_RandomMask_EqualsBruteForce(int seed)
    {
        var random = new Random(seed);
        var (w, h) = (random.Next(1, 40), random.Next(1, 40));
        var values = Enumerable.Range(0, w * h).Select(_ => random.NextDouble() < 0.05).ToArray();
        values[random.Next(w * h)] = true;
        var mask = new PixelMask(w, h, values);

        var distance = DistanceTransform.Compute(mask);

        for (var i = 0; i < w * h; i++)
        {
            var best = double.MaxValue;
            for (var j = 0; j < w * h; j++)
            {
                if (values[j])
                {
                    best = Math.Min(best, Math.Sqrt(Math.Pow((i % w) - (j % w), 2) + Math.Pow((i / w) - (j / w), 2)));
                }
            }

            Assert.Equal(best, distance[i], 9);
        }
    }
}
