using System.Formats.Tar;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>
/// WebDataset .tar shards. Members are indexed once (name, data offset, length) without reading their data; each
/// item then reads its own bytes from the shard. Members are grouped by key = the member path up to the first dot of
/// its file name ("dir/0001.seg.jpg" → "dir/0001"), as WebDataset does; a key's image member (jpg, jpeg, png, webp)
/// becomes an item, and a json or txt member beside it is kept as the caption. A shard whose headers break part way
/// keeps the members before the break and adds one failing item that records why (unless the
/// cut falls inside a member, whose own item then fails).
/// </summary>
public static class TarShardPhotos
{
    private sealed record Member(string Name, long Offset, long Length);

    public static IEnumerable<PhotoEntry> Entries(string root, string shardPath)
    {
        var shardKey = Path.GetRelativePath(root, shardPath).Replace('\\', '/');
        shardKey = shardKey[..^Path.GetExtension(shardKey).Length];
        var (members, error) = Index(shardPath);
        var byKey = members.GroupBy(m => SplitKey(m.Name).Key, StringComparer.Ordinal);
        foreach (var group in byKey.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var image = group.FirstOrDefault(m => PhotoExtensions.IsImage(LastExtension(m.Name)));
            if (image is null) continue;
            var caption = group.FirstOrDefault(m => SplitKey(m.Name).Ext is "json" or "txt" or "caption");
            yield return new PhotoEntry($"{shardKey}/{group.Key}", $"{shardPath}:{image.Name}", () => new PhotoPayload(
                ReadMember(shardPath, image), caption is null ? null : Caption(shardPath, caption)));
        }
        // A shard cut inside a member's data already fails that member's item; another failure would count the cut twice.
        long shardLength = new FileInfo(shardPath).Length;
        if (error is not null && !members.Any(m => m.Offset + m.Length > shardLength))
            yield return new PhotoEntry($"{shardKey}/unreadable-rest", shardPath, () => throw new SpatialVlmException($"{shardPath}: {error}"));
    }

    /// <summary>(key, extension after the first dot of the file name, lower case).</summary>
    private static (string Key, string Ext) SplitKey(string name)
    {
        int slash = name.LastIndexOf('/');
        int dot = name.IndexOf('.', slash + 1);
        return dot < 0 ? (name, "") : (name[..dot], name[(dot + 1)..].ToLowerInvariant());
    }

    private static string LastExtension(string name) => Path.GetExtension(name).ToLowerInvariant();

    private static (List<Member> Members, string? Error) Index(string shardPath)
    {
        var members = new List<Member>();
        try
        {
            using var stream = RegularFile.OpenRead(shardPath);
            using var reader = new TarReader(stream);
            while (reader.GetNextEntry(copyData: false) is { } entry)
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataOffset >= 0)
                    members.Add(new Member(entry.Name.TrimStart('.', '/'), entry.DataOffset, entry.Length));
            return (members, null);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            return (members, $"corrupt tar after {members.Count} members ({e.Message.Split('\n')[0]})");
        }
    }

    private static byte[] ReadMember(string shardPath, Member m)
    {
        using var stream = RegularFile.OpenRead(shardPath);
        if (m.Offset + m.Length > stream.Length)
            throw new SpatialVlmException($"{shardPath}:{m.Name}: member runs past the end of the shard (truncated tar)");
        stream.Position = m.Offset;
        var bytes = new byte[m.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>A txt member's text, or a json member's "caption"/"text"/"txt" string (else the whole JSON).</summary>
    private static string? Caption(string shardPath, Member m)
    {
        var text = System.Text.Encoding.UTF8.GetString(ReadMember(shardPath, m)).Trim();
        if (SplitKey(m.Name).Ext != "json") return text.Length == 0 ? null : text;
        try
        {
            var node = JsonNode.Parse(text);
            if (node is JsonObject o)
                foreach (var field in new[] { "caption", "text", "txt" })
                    if (o[field] is JsonValue v && v.TryGetValue<string>(out var s)) return s;
            return node?.ToJsonString();
        }
        catch (JsonException) { return null; } // an unreadable caption does not fail the image
    }
}
