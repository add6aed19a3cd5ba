using SpatialVlm.Core;

namespace SpatialVlm.Cli;

/// <summary>Parses "WxH" image sizes.</summary>
public static class SizeOption
{
    public static (int Width, int Height) Parse(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], out var w) && int.TryParse(parts[1], out var h) && w >= 16 && h >= 16 && w <= 8192 && h <= 8192)
            return (w, h);
        throw new SpatialVlmException($"size '{text}' must be WxH with each side in 16..8192, e.g. 640x480");
    }
}
