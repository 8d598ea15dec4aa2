namespace Pipeline.Api.Validation;

/// <summary>What an uploaded image is for, which decides how it is checked.</summary>
public enum ImageRole
{
    /// <summary><c>POST /v1/inputs</c>: not known yet; decoded as an image.</summary>
    Upload,

    /// <summary>A job's <c>sourceImage</c>: decoded as an image, its size kept for the mask check.</summary>
    Source,

    /// <summary>A job's <c>maskImage</c>: decoded as a mask, which must mark at least one pixel.</summary>
    Mask,
}
