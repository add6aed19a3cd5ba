using SpatialVlm.Core;
namespace SpatialVlm.Synthesis.Sources;

/// <summary>Plain image files (jpg, png, webp) anywhere under a folder; the key is the relative path without extension.</summary>
public static class ImageFolderPhotos
{
    public static IEnumerable<PhotoEntry> Entries(string root, IEnumerable<string> files) =>
        files.Where(f => PhotoExtensions.IsImage(Path.GetExtension(f))).Select(path =>
        {
            var rel = Path.GetRelativePath(root, path).Replace('\\', '/');
            var ext = Path.GetExtension(path).ToLowerInvariant();
            return new PhotoEntry(rel[..^ext.Length], rel, () => new PhotoPayload(ReadFile(path), null));
        });

    private static byte[] ReadFile(string path)
    {
        try { return RegularFile.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Core.SpatialVlmException($"{path}: cannot read ({e.Message.Split('\n')[0]})", e);
        }
    }
}
