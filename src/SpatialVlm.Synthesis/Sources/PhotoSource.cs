using SkiaSharp;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>Knobs of <see cref="PhotoSource"/>.</summary>
public sealed record PhotoSourceOptions
{
    /// <summary>Checked decoding: EXIF orientation applied (photos are shown upright), pixel limit 64 MP.</summary>
    public ColorDecodeOptions Decode { get; init; } = new();
}

/// <summary>
/// Plain photos (image folders, WebDataset shards, Parquet image columns) through an <see cref="IPhotoPerception"/>
/// chain: each item's bytes are read when it is loaded, decoded on the checked path (a truncated or corrupt file fails
/// that item with its reason, and the run goes on), and perceived. The observation's perception notes gain the item's
/// origin and any caption the container carried.
/// </summary>
public sealed class PhotoSource : IObservationSource
{
    private readonly Dictionary<string, PhotoEntry> entries;
    private readonly IPhotoPerception perception;
    private readonly PhotoSourceOptions options;
    private readonly string description;

    public PhotoSource(IReadOnlyList<PhotoEntry> photos, IPhotoPerception perception, string description, PhotoSourceOptions? options = null)
    {
        this.perception = perception;
        this.options = options ?? new PhotoSourceOptions();
        this.description = description;
        var ids = PhotoIds.Assign(photos.Select(p => p.Key).ToList());
        entries = new Dictionary<string, PhotoEntry>(StringComparer.Ordinal);
        for (int i = 0; i < photos.Count; i++) entries[ids[i]] = photos[i];
        Items = ids.Order(StringComparer.Ordinal).Select(id => new SourceItem(id, SceneFolderSource.StableSeed(id))).ToList();
    }

    /// <summary>All photos under a folder (<see cref="PhotoInputs"/>).</summary>
    public static PhotoSource FromFolder(string dir, IPhotoPerception perception, PhotoSourceOptions? options = null, string? parquetImageColumn = null)
    {
        var (found, what) = PhotoInputs.Find(dir, parquetImageColumn);
        return new PhotoSource(found, perception, what, options);
    }

    public string Description => $"{description}; perception: {perception.Description}";
    public IReadOnlyList<SourceItem> Items { get; }

    /// <summary>Where an item comes from (file, or shard/Parquet file and member).</summary>
    public string Origin(SourceItem item) => entries[item.Id].Origin;

    public Observation Load(SourceItem item)
    {
        var entry = entries[item.Id];
        var payload = entry.Read();
        var image = ColorImageFile.Decode(payload.Bytes, entry.Origin, options.Decode);
        var observation = perception.Perceive(item.Id, image);
        var notes = (observation.Perception ?? new PerceptionNotes()) with { Source = new PhotoOriginNote(entry.Origin, payload.Caption) };
        return observation with { Id = item.Id, Perception = notes };
    }

    /// <summary>
    /// The original bytes when they are JPEG, PNG or WebP with no EXIF rotation (viewers and dataset loaders then show
    /// the same pixels the questions were asked about); otherwise the decoded, upright pixels as PNG.
    /// </summary>
    public (byte[] Bytes, string Extension) ImageFile(SourceItem item, Observation loaded)
    {
        var bytes = entries[item.Id].Read().Bytes;
        var ext = Sniff(bytes);
        if (ext is not null && StoredUpright(bytes, loaded.Image)) return (bytes, ext);
        return (ColorImageCodec.EncodePng(loaded.Image), ".png");
    }

    /// <summary>Extension from the file's magic bytes: .jpg, .png, .webp, or null.</summary>
    public static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ".jpg";
        if (b.Length >= 8 && b[..8].SequenceEqual((ReadOnlySpan<byte>)[137, 80, 78, 71, 13, 10, 26, 10])) return ".png";
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return ".webp";
        return null;
    }

    private static bool StoredUpright(byte[] bytes, RgbImage decoded)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        return codec is not null && codec.EncodedOrigin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default
            && codec.Info.Width == decoded.Width && codec.Info.Height == decoded.Height;
    }
}
