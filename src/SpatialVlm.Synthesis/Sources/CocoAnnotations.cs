using System.Text.Json;
using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>A COCO segmentation: polygons (x1,y1,x2,y2,… in pixels) or a run-length mask (column-major counts).</summary>
public abstract record CocoSegmentation;
public sealed record CocoPolygons(IReadOnlyList<double[]> Polygons) : CocoSegmentation;
public sealed record CocoRle(int Height, int Width, uint[] Counts) : CocoSegmentation;

/// <summary>One annotated object: its category's name is the caption; a box, a segmentation, or both.</summary>
public sealed record CocoObject(int Id, string Category, PixelBox? Box, CocoSegmentation? Segmentation);

/// <summary>
/// The parts of a COCO annotation file the RGB-D source uses: objects grouped by the colour file name
/// (images[].file_name), captions from categories[].name. Reading errors are one-line SpatialVlmExceptions.
/// </summary>
public sealed class CocoAnnotations
{
    private readonly Dictionary<string, List<CocoObject>> byFile;

    private CocoAnnotations(Dictionary<string, List<CocoObject>> byFile) => this.byFile = byFile;

    /// <summary>The objects annotated on the image with this file name (compared by file name only), or none.</summary>
    public IReadOnlyList<CocoObject> For(string fileName) =>
        byFile.TryGetValue(Path.GetFileName(fileName), out var list) ? list : [];

    public bool HasImage(string fileName) => byFile.ContainsKey(Path.GetFileName(fileName));

    public static CocoAnnotations Load(string path)
    {
        if (!File.Exists(path)) throw new SpatialVlmException($"{path}: no such file");
        try
        {
            using var doc = JsonDocument.Parse(RegularFile.ReadAllBytes(path));
            return Parse(doc.RootElement);
        }
        catch (SpatialVlmException e)
        {
            throw new SpatialVlmException($"{path}: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new SpatialVlmException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})", e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new SpatialVlmException($"{path}: not a COCO annotation file ({e.Message.Split('\n')[0]})", e);
        }
    }

    public static CocoAnnotations Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("images", out var images) || !root.TryGetProperty("annotations", out var annotations))
            throw new SpatialVlmException("COCO file needs \"images\" and \"annotations\" arrays");
        var categories = new Dictionary<long, string>();
        if (root.TryGetProperty("categories", out var cats))
            foreach (var c in cats.EnumerateArray())
                categories[c.GetProperty("id").GetInt64()] = c.GetProperty("name").GetString() ?? "";
        var fileOf = new Dictionary<long, string>();
        foreach (var im in images.EnumerateArray())
            fileOf[im.GetProperty("id").GetInt64()] = Path.GetFileName(im.GetProperty("file_name").GetString() ?? "");
        var byFile = fileOf.Values.Distinct().ToDictionary(f => f, _ => new List<CocoObject>());
        int index = 0;
        foreach (var a in annotations.EnumerateArray())
        {
            index++;
            var imageId = a.GetProperty("image_id").GetInt64();
            if (!fileOf.TryGetValue(imageId, out var file))
                throw new SpatialVlmException($"COCO annotation {index} refers to image_id {imageId}, which is not in \"images\"");
            var categoryId = a.GetProperty("category_id").GetInt64();
            if (!categories.TryGetValue(categoryId, out var name) || string.IsNullOrWhiteSpace(name))
                throw new SpatialVlmException($"COCO annotation {index} has category_id {categoryId}, which has no name in \"categories\"");
            var id = a.TryGetProperty("id", out var idEl) ? (int)idEl.GetInt64() : index;
            PixelBox? box = null;
            if (a.TryGetProperty("bbox", out var b) && b.ValueKind == JsonValueKind.Array)
            {
                var v = b.EnumerateArray().Select(e => e.GetDouble()).ToArray();
                if (v.Length != 4 || !(v[2] > 0 && v[3] > 0) || v.Any(x => !double.IsFinite(x)))
                    throw new SpatialVlmException($"COCO annotation {index}: bbox must be [x, y, width, height] with positive size");
                box = new PixelBox(v[0], v[1], v[2], v[3]);
            }
            var seg = a.TryGetProperty("segmentation", out var s) ? ParseSegmentation(s, index) : null;
            if (box is null && seg is null)
                throw new SpatialVlmException($"COCO annotation {index} has neither a bbox nor a segmentation");
            byFile[file].Add(new CocoObject(id, name.Trim(), box, seg));
        }
        return new CocoAnnotations(byFile);
    }

    private static CocoSegmentation? ParseSegmentation(JsonElement s, int index)
    {
        switch (s.ValueKind)
        {
            case JsonValueKind.Array:
                var polygons = s.EnumerateArray().Select(p => p.EnumerateArray().Select(e => e.GetDouble()).ToArray()).Where(p => p.Length > 0).ToList();
                if (polygons.Count == 0) return null;
                if (polygons.Any(p => p.Length < 6 || p.Length % 2 != 0))
                    throw new SpatialVlmException($"COCO annotation {index}: a polygon needs at least three x,y pairs");
                return new CocoPolygons(polygons);
            case JsonValueKind.Object:
                var size = s.GetProperty("size").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                if (size.Length != 2 || size[0] <= 0 || size[1] <= 0)
                    throw new SpatialVlmException($"COCO annotation {index}: RLE size must be [height, width]");
                var counts = s.GetProperty("counts");
                var runs = counts.ValueKind == JsonValueKind.String
                    ? CocoMasks.DecodeRleString(counts.GetString() ?? "", $"COCO annotation {index}")
                    : counts.EnumerateArray().Select(e => checked((uint)e.GetInt64())).ToArray();
                return new CocoRle(size[0], size[1], runs);
            case JsonValueKind.Null:
                return null;
            default:
                throw new SpatialVlmException($"COCO annotation {index}: segmentation must be polygons or an RLE object");
        }
    }
}
