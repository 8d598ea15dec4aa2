namespace Pipeline.Engine;

public enum JobKind
{
    Generation,
    Variation,
    Inpainting,
}
