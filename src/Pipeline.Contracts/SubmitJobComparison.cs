namespace Pipeline.Contracts;

/// <summary>
/// Whether two requests for one job id ask for the same job, as payment APIs judge a reused idempotency key: the id
/// names one request forever, so a second submission with the same body gets the existing job, and one with a different
/// body is refused naming the fields that differ. Compared: everything that changes what the job computes or where it
/// is reported (kind, batch, pack, seed, priority, steps, order, temperature, top-k, strength, inputs, mask, feather,
/// callback). Not compared: the id itself and <see cref="SubmitJob.SubmittedAt"/> (when, not what). Values that mean
/// the same compare equal: an omitted priority and <c>standard</c>, no mask rectangles and an empty list, an omitted
/// string and an empty one, two spellings of one absolute URL. Defaults that depend on a worker's configuration (the default pack, the class's steps) are
/// not filled in: leaving a value out and naming today's default are different requests.
/// </summary>
public static class SubmitJobComparison
{
    /// <summary>
    /// The camelCase names (as in <c>schemas/submit-job.schema.json</c>) of the fields in which <paramref name="requested"/>
    /// differs from <paramref name="recorded"/>, in schema order; empty when they ask for the same job.
    /// </summary>
    public static IReadOnlyList<string> DifferingFields(SubmitJob recorded, SubmitJob requested)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(requested);
        var fields = new List<string>();
        Compare(fields, "kind", Text(recorded.Kind), Text(requested.Kind));
        Compare(fields, "batchId", Text(recorded.BatchId), Text(requested.BatchId));
        Compare(fields, "modelPack", Text(recorded.ModelPack), Text(requested.ModelPack));
        Compare(fields, "seed", recorded.Seed, requested.Seed);
        Compare(fields, "priority", Priority(recorded.Priority), Priority(requested.Priority));
        Compare(fields, "steps", recorded.Steps, requested.Steps);
        Compare(fields, "order", Text(recorded.Order), Text(requested.Order));
        Compare(fields, "temperature", recorded.Temperature, requested.Temperature);
        Compare(fields, "topK", recorded.TopK, requested.TopK);
        Compare(fields, "strength", recorded.Strength, requested.Strength);
        Compare(fields, "sourceImageKey", Text(recorded.SourceImageKey), Text(requested.SourceImageKey));
        Compare(fields, "maskImageKey", Text(recorded.MaskImageKey), Text(requested.MaskImageKey));
        if (!(recorded.MaskRectangles ?? []).SequenceEqual(requested.MaskRectangles ?? []))
        {
            fields.Add("maskRectangles");
        }

        Compare(fields, "featherPixels", recorded.FeatherPixels, requested.FeatherPixels);
        Compare(fields, "width", recorded.Width, requested.Width);
        Compare(fields, "height", recorded.Height, requested.Height);
        Compare(fields, "stride", recorded.Stride, requested.Stride);
        Compare(fields, "extend", recorded.Extend, requested.Extend);
        Compare(fields, "secondImageKey", Text(recorded.SecondImageKey), Text(requested.SecondImageKey));
        Compare(fields, "joinPixels", recorded.JoinPixels, requested.JoinPixels);
        Compare(fields, "vertical", recorded.Vertical ?? false, requested.Vertical ?? false);
        if (!SameUrl(recorded.CallbackUrl, requested.CallbackUrl))
        {
            fields.Add("callbackUrl");
        }

        return fields;
    }

    /// <summary>True when both are null or name the same URL (absolute URLs compared in their normal form: <c>http://a</c> = <c>http://a/</c>).</summary>
    public static bool SameUrl(Uri? a, Uri? b) => Normal(a) == Normal(b);

    private static string? Normal(Uri? url) => url is null ? null : url.IsAbsoluteUri ? url.AbsoluteUri : url.OriginalString;

    private static void Compare<T>(List<string> fields, string name, T recorded, T requested)
    {
        if (!EqualityComparer<T>.Default.Equals(recorded, requested))
        {
            fields.Add(name);
        }
    }

    private static string? Text(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Priority(string? value) => string.IsNullOrEmpty(value) ? JobPriorities.Standard : value;
}
