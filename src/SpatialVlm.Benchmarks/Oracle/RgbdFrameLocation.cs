using SpatialVlm.Synthesis.Sources;

namespace SpatialVlm.Benchmarks;

/// <summary>
/// A benchmark image that is the colour file of an RGB-D folder (INTERFACES.md "Input folders"): the folder's root and
/// the frame's id (the colour file's stem, which also names its depth file and its record in a dataset).
/// </summary>
public sealed record RgbdFrameLocation(string Root, string Frame)
{
    /// <summary>ROOT/color/STEM.ext where ROOT also holds depth/ and intrinsics.json; otherwise null.</summary>
    public static RgbdFrameLocation? Of(string imagePath)
    {
        var colorDir = Path.GetDirectoryName(Path.GetFullPath(imagePath));
        if (colorDir is null || Path.GetFileName(colorDir) != "color") return null;
        var root = Path.GetDirectoryName(colorDir);
        if (root is null || !RgbdFolderSource.Matches(root) || !File.Exists(Path.Combine(root, "intrinsics.json"))) return null;
        return new RgbdFrameLocation(root, Path.GetFileNameWithoutExtension(imagePath));
    }
}
