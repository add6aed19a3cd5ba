namespace SpatialVlm.Synthesis.Sources;

/// <summary>One photo's encoded bytes as stored, and a caption the container carried (WebDataset json/txt member, Parquet text column).</summary>
public sealed record PhotoPayload(byte[] Bytes, string? Caption);

/// <summary>
/// One photo in an image folder, tar shard or Parquet file: a key (relative path without extension, unique within
/// the input before it is made safe), where it comes from (for messages), and how to read it. Reading happens per
/// item, so no container is held in memory up front.
/// </summary>
public sealed record PhotoEntry(string Key, string Origin, Func<PhotoPayload> Read);

/// <summary>The image extensions photo inputs accept (lower case, with the dot).</summary>
public static class PhotoExtensions
{
    public static IReadOnlyList<string> Image { get; } = [".jpg", ".jpeg", ".png", ".webp"];

    public static bool IsImage(string extension) => Image.Contains(extension.ToLowerInvariant());
}
