using System.Text.Json.Serialization;
using Parquet.Serialization;
using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Dataset;

/// <summary>
/// Parquet in the layout Hugging Face `datasets` loads: `image` is a struct {bytes, path} (the Image
/// feature's storage), `messages` a list of {role, content: list of {type, text}}; qa and objects ride
/// along as JSON strings.
/// </summary>
public static class ParquetDatasetWriter
{
    public sealed class Row
    {
        [JsonPropertyName("id")] public string Id { get; set; } = "";
        [JsonPropertyName("image")] public ImageCell Image { get; set; } = new();
        [JsonPropertyName("width")] public int Width { get; set; }
        [JsonPropertyName("height")] public int Height { get; set; }
        [JsonPropertyName("canonicalized")] public bool Canonicalized { get; set; }
        [JsonPropertyName("messages")] public List<Message> Messages { get; set; } = [];
        [JsonPropertyName("qa")] public string Qa { get; set; } = "[]";
        [JsonPropertyName("objects")] public string Objects { get; set; } = "[]";
    }

    public sealed class ImageCell
    {
        [JsonPropertyName("bytes")] public byte[] Bytes { get; set; } = [];
        [JsonPropertyName("path")] public string Path { get; set; } = "";
    }

    public sealed class Message
    {
        [JsonPropertyName("role")] public string Role { get; set; } = "";
        [JsonPropertyName("content")] public List<Content> Content { get; set; } = [];
    }

    public sealed class Content
    {
        [JsonPropertyName("type")] public string Type { get; set; } = "";
        [JsonPropertyName("text")] public string? Text { get; set; }
    }

    public static void Write(string path, IEnumerable<DatasetRecord> records, string root)
    {
        var rows = records.Select(r => ToRow(r, root)).ToList();
        AtomicFile.Write(path, s => ParquetSerializer.SerializeAsync(rows, s).GetAwaiter().GetResult());
    }

    /// <summary>
    /// One Parquet file of the records in order, streamed in row groups of at most <paramref name="rowGroupRows"/> rows
    /// or about <paramref name="rowGroupBytes"/> bytes of images and text (whichever comes first), so neither the writer
    /// nor a reader holds more than a row group. <paramref name="rootOf"/> gives the folder a record's image path is under.
    /// Returns the number of rows written.
    /// </summary>
    public static int WriteRowGroups(string path, IEnumerable<DatasetRecord> records, Func<DatasetRecord, string> rootOf, int rowGroupRows, long rowGroupBytes)
    {
        int rows = 0;
        AtomicFile.Write(path, s =>
        {
            var group = new List<Row>();
            long bytes = 0;
            void Flush()
            {
                if (group.Count == 0 && s.Length > 0) return;
                // The first group writes the file; each later one is appended as a new row group (read back from the footer).
                ParquetSerializer.SerializeAsync(group, s, new Parquet.ParquetOptions { Append = s.Length > 0, RowGroupSize = Math.Max(1, group.Count) }).GetAwaiter().GetResult();
                rows += group.Count;
                group.Clear();
                bytes = 0;
            }
            foreach (var r in records)
            {
                var row = ToRow(r, rootOf(r));
                group.Add(row);
                bytes += row.Image.Bytes.Length + row.Qa.Length + row.Objects.Length;
                if (group.Count >= rowGroupRows || bytes >= rowGroupBytes) Flush();
            }
            Flush();
        });
        return rows;
    }

    public static Row ToRow(DatasetRecord r, string root) => new()
    {
        Id = r.Id,
        Image = new ImageCell { Bytes = File.ReadAllBytes(Path.Combine(root, r.Image)), Path = r.Image },
        Width = r.Width,
        Height = r.Height,
        Canonicalized = r.Canonicalized,
        Messages = ChatMessages.Of(r.Qa).Select(m => new Message
        {
            Role = m.Role,
            Content = (m.WithImage ? new List<Content> { new() { Type = "image" } } : new List<Content>())
                .Append(new Content { Type = "text", Text = m.Text }).ToList(),
        }).ToList(),
        Qa = DatasetRecordJson.QaArray(r.Qa),
        Objects = DatasetRecordJson.ObjectsArray(r.Objects),
    };

    public static async Task<IList<Row>> ReadAsync(string path)
    {
        await using var s = File.OpenRead(path);
        var result = await ParquetSerializer.DeserializeAsync<Row>(s);
        return result.Data;
    }
}
