using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>Finds the photos of a folder: image files, WebDataset .tar shards and .parquet files, recursively.</summary>
public static class PhotoInputs
{
    /// <summary>True when the folder (recursively) holds any image, .tar or .parquet file.</summary>
    public static bool Matches(string dir) => Directory.Exists(dir) && Files(dir).Any(IsPhotoInput);

    /// <summary>Every photo entry under the folder, in ordinal path order, and a one-line description of what was found.</summary>
    public static (IReadOnlyList<PhotoEntry> Entries, string Description) Find(string dir, string? parquetImageColumn = null)
    {
        if (!Directory.Exists(dir)) throw new SpatialVlmException($"{dir}: no such folder");
        var files = Files(dir).Where(IsPhotoInput).Order(StringComparer.Ordinal).ToList();
        var images = files.Where(f => PhotoExtensions.IsImage(Path.GetExtension(f))).ToList();
        var shards = files.Where(f => Is(f, ".tar")).ToList();
        var parquet = files.Where(f => Is(f, ".parquet")).ToList();
        var entries = ImageFolderPhotos.Entries(dir, images)
            .Concat(shards.SelectMany(s => TarShardPhotos.Entries(dir, s)))
            .Concat(parquet.SelectMany(p => ParquetPhotos.Entries(dir, p, parquetImageColumn)))
            .ToList();
        if (entries.Count == 0) throw new SpatialVlmException($"{dir}: no photos (jpg, png, webp, WebDataset .tar, Parquet with an image column) found");
        return (entries, $"{entries.Count} photos in {dir} ({images.Count} image files, {shards.Count} tar shards, {parquet.Count} Parquet files)");
    }

    private static IEnumerable<string> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden });

    private static bool IsPhotoInput(string f) => PhotoExtensions.IsImage(Path.GetExtension(f)) || Is(f, ".tar") || Is(f, ".parquet");

    private static bool Is(string f, string ext) => Path.GetExtension(f).Equals(ext, StringComparison.OrdinalIgnoreCase);
}
