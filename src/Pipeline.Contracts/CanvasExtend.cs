namespace Pipeline.Contracts;

/// <summary>Outpainting: pixels added to each side of the source image; the new area is generated. Each 0 or more, not all 0.</summary>
public sealed record CanvasExtend
{
    /// <summary>Pixels added on the left, 0 or more.</summary>
    public int Left { get; init; }
    /// <summary>Pixels added on the top, 0 or more.</summary>
    public int Top { get; init; }
    /// <summary>Pixels added on the right, 0 or more.</summary>
    public int Right { get; init; }
    /// <summary>Pixels added on the bottom, 0 or more.</summary>
    public int Bottom { get; init; }

    /// <summary>Parses <c>left=16,right=16</c> (sides in any order, each once; missing sides are 0); null when it does not parse.</summary>
    public static CanvasExtend? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var extend = new CanvasExtend();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !int.TryParse(pair[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var px)
                || !seen.Add(pair[0]))
            {
                return null;
            }

            extend = pair[0] switch
            {
                "left" => extend with { Left = px },
                "top" => extend with { Top = px },
                "right" => extend with { Right = px },
                "bottom" => extend with { Bottom = px },
                _ => null!,
            };
            if (extend is null)
            {
                return null;
            }
        }

        return extend;
    }
}
