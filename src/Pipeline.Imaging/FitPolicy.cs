namespace Pipeline.Imaging;

/// <summary>How a source image of any size becomes the model's fixed size.</summary>
public enum FitPolicy
{
    /// <summary>Crop the largest centred region with the model's aspect ratio, then resize (default: no distortion, no borders).</summary>
    CenterCrop = 0,

    /// <summary>Resize to fit inside the model size keeping the aspect ratio, then pad with white.</summary>
    Pad = 1,

    /// <summary>Resize the whole image to the model size, distorting the aspect ratio.</summary>
    Stretch = 2,
}
