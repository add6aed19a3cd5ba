using Parquet;
using Parquet.Schema;
using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>
/// Parquet files with an image-bytes column: a struct {bytes, path} (how Hugging Face datasets stores its Image
/// feature) or a plain binary column. The column is named, or found: a column called image/img/jpg/png… first, then
/// the first struct with a bytes field, then the first binary column. A string column caption/text is kept as the
/// caption. Only the footer is read up front; an item reads its row group's image column, and the last few row groups
/// read are cached so neighbouring items do not re-read them.
/// </summary>
public sealed class ParquetPhotos
{
    private static readonly string[] PreferredNames = ["image", "img", "jpg", "jpeg", "png", "webp", "image_bytes", "bytes"];
    private static readonly string[] CaptionNames = ["caption", "text"];
    private const int CachedRowGroups = 3;

    private readonly string path;
    private readonly string[] imagePath;
    private readonly string[]? captionPath;
    private readonly LinkedList<(int RowGroup, byte[]?[] Images, string?[]? Captions)> cache = new();
    private readonly Lock gate = new();

    public IReadOnlyList<(int RowGroup, int Row)> Rows { get; }
    public string ImageColumn { get; }

    public ParquetPhotos(string path, string? column = null)
    {
        this.path = path;
        try
        {
            (ImageColumn, imagePath, captionPath, Rows) = IndexAsync(path, column).GetAwaiter().GetResult();
        }
        catch (Exception e) when (IsCorruptData(e))
        {
            throw new SpatialVlmException($"{path}: cannot read Parquet ({e.Message.Split('\n')[0]})", e);
        }
    }

    private static async Task<(string, string[], string[]?, IReadOnlyList<(int, int)>)> IndexAsync(string path, string? column)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var fields = reader.Schema.GetDataFields();
        var (name, leaf) = FindImageColumn(fields, column, path);
        var caption = fields.Where(f => IsText(f) && f.Path.Length == 1 && CaptionNames.Contains(f.Name.ToLowerInvariant()))
            .Select(f => f.Path.ToList().ToArray()).FirstOrDefault();
        var rows = new List<(int, int)>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rg = reader.OpenRowGroupReader(g);
            for (int r = 0; r < rg.RowCount; r++) rows.Add((g, r));
        }
        return (name, leaf, caption, rows);
    }

    /// <summary>One entry per row, keyed "&lt;file without extension&gt;/row-000042".</summary>
    public static IEnumerable<PhotoEntry> Entries(string root, string path, string? column)
    {
        var photos = new ParquetPhotos(path, column);
        var fileKey = Path.GetRelativePath(root, path).Replace('\\', '/');
        fileKey = fileKey[..^Path.GetExtension(fileKey).Length];
        for (int i = 0; i < photos.Rows.Count; i++)
        {
            var (g, r) = photos.Rows[i];
            int row = i; // the read runs later: it must see this row's index, not the loop variable's last value
            yield return new PhotoEntry($"{fileKey}/row-{row:D6}", $"{path}:row {row}", () => photos.Read(g, r, row));
        }
    }

    private static (string Name, string[] Path) FindImageColumn(DataField[] fields, string? wanted, string file)
    {
        // (top-level column name, leaf path) of every byte[] leaf that is a column or a struct's "bytes" field.
        var candidates = fields.Where(IsBinary).Select(f => f.Path.ToList().ToArray())
            .Where(p => p.Length == 1 || (p.Length == 2 && p[1] == "bytes"))
            .Select(p => (Name: p[0], Path: p, Struct: p.Length == 2)).ToList();
        if (wanted is not null)
        {
            var hit = candidates.FirstOrDefault(c => c.Name == wanted);
            return hit.Path is null
                ? throw new SpatialVlmException($"{file}: no image-bytes column '{wanted}' (binary or struct {{bytes, path}}); candidates: {Names(candidates.Select(c => c.Name))}")
                : (hit.Name, hit.Path);
        }
        var pick = PreferredNames.Select(n => candidates.FirstOrDefault(c => c.Name.Equals(n, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(c => c.Path is not null);
        if (pick.Path is null) pick = candidates.FirstOrDefault(c => c.Struct);
        if (pick.Path is null) pick = candidates.FirstOrDefault();
        return pick.Path is null
            ? throw new SpatialVlmException($"{file}: no image-bytes column (binary, or struct {{bytes, path}}); columns: {Names(fields.Select(f => string.Join('.', f.Path.ToList())))}")
            : (pick.Name, pick.Path);
    }

    /// <summary>A BYTE_ARRAY leaf without a text annotation (Parquet.Net reads both as bytes, so the schema element decides).</summary>
    private static bool IsBinary(DataField f) =>
        f.SchemaElement is { Type: Parquet.Meta.Type.BYTE_ARRAY } && !IsText(f);

    private static bool IsText(DataField f) =>
        f.ClrType == typeof(string) || f.SchemaElement is { } e && (e.ConvertedType == Parquet.Meta.ConvertedType.UTF8 || e.LogicalType?.STRING is not null);

    private static string Names(IEnumerable<string> names) { var list = names.ToList(); return list.Count == 0 ? "none" : string.Join(", ", list); }

    private PhotoPayload Read(int rowGroup, int row, int index)
    {
        var (images, captions) = RowGroup(rowGroup);
        var bytes = images[row];
        if (bytes is null || bytes.Length == 0) throw new SpatialVlmException($"{path}: row {index} has no image bytes in '{ImageColumn}'");
        return new PhotoPayload(bytes, captions?[row]);
    }

    private (byte[]?[] Images, string?[]? Captions) RowGroup(int rowGroup)
    {
        lock (gate)
        {
            for (var node = cache.First; node != null; node = node.Next)
                if (node.Value.RowGroup == rowGroup)
                {
                    cache.Remove(node);
                    cache.AddFirst(node);
                    return (node.Value.Images, node.Value.Captions);
                }
            var loaded = Load(rowGroup);
            cache.AddFirst((rowGroup, loaded.Images, loaded.Captions));
            while (cache.Count > CachedRowGroups) cache.RemoveLast();
            return loaded;
        }
    }

    private (byte[]?[] Images, string?[]? Captions) Load(int rowGroup)
    {
        try
        {
            return LoadAsync(rowGroup).GetAwaiter().GetResult();
        }
        catch (Exception e) when (IsCorruptData(e))
        {
            throw new SpatialVlmException($"{path}: cannot read row group {rowGroup} ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>
    /// Parquet.Net reports damaged files with many exception types (its own Thrift protocol errors among them, besides
    /// IO, format, range and decompression errors); any of them from reading the file is that file's corruption.
    /// </summary>
    private static bool IsCorruptData(Exception e) => e is not (SpatialVlmException or OutOfMemoryException or OperationCanceledException);

    private async Task<(byte[]?[] Images, string?[]? Captions)> LoadAsync(int rowGroup)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        using var rg = reader.OpenRowGroupReader(rowGroup);
        var fields = reader.Schema.GetDataFields();
        var images = new byte[]?[rg.RowCount];
        await rg.ReadAsync(Field(fields, imagePath), images.AsMemory()!);
        string?[]? captions = null;
        if (captionPath is not null)
        {
            captions = new string?[rg.RowCount];
            await rg.ReadAsync(Field(fields, captionPath), captions.AsMemory()!);
        }
        return (images, captions);
    }

    private static DataField Field(DataField[] fields, string[] leafPath) => fields.First(f => f.Path.ToList().SequenceEqual(leafPath));
}
