using System.Text.Json;
using System.Text.Json.Serialization;
using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Sharding;

/// <summary>An item of a shard that produced no record, and why.</summary>
public sealed record ShardItemFailure([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("reason")] string Reason);

/// <summary>
/// OUT/shards/&lt;name&gt;/manifest.json, the shard's commit marker: written last, after every other file of the
/// shard is in place under its final name. It names what the shard was made from (input checksum, configuration hash,
/// models) and what it holds (counts, failures with reasons, every file's SHA-256). A shard is finished exactly when
/// its manifest validates (<see cref="Check"/>); anything else in its folder is a leftover to wipe.
/// </summary>
public sealed record ShardManifest
{
    public const int CurrentSchema = 1;
    public const string FileName = "manifest.json";

    [JsonPropertyName("schema")] public int Schema { get; init; } = CurrentSchema;
    [JsonPropertyName("shard")] public required string Shard { get; init; }
    [JsonPropertyName("input")] public required ShardInput Input { get; init; }
    [JsonPropertyName("input_checksum")] public required string InputChecksum { get; init; }
    [JsonPropertyName("config_hash")] public required string ConfigHash { get; init; }
    [JsonPropertyName("models")] public required SortedDictionary<string, string> Models { get; init; }
    [JsonPropertyName("items")] public required int Items { get; init; }
    [JsonPropertyName("succeeded")] public required int Succeeded { get; init; }
    [JsonPropertyName("qa")] public required int Qa { get; init; }
    [JsonPropertyName("failed")] public required IReadOnlyList<ShardItemFailure> Failed { get; init; }
    /// <summary>Every file of the shard but this manifest: path relative to the shard folder ('/'-separated) → SHA-256.</summary>
    [JsonPropertyName("files")] public required SortedDictionary<string, string> Files { get; init; }

    public static string PathIn(string shardDir) => Path.Combine(shardDir, FileName);

    public void Write(string shardDir) => AtomicFile.WriteAllText(PathIn(shardDir), JsonSerializer.Serialize(this, ShardPlan.Json) + "\n");

    /// <summary>The manifest in <paramref name="shardDir"/>, or null with the reason it cannot be read.</summary>
    public static (ShardManifest? Manifest, string? Problem) Read(string shardDir)
    {
        var path = PathIn(shardDir);
        if (!File.Exists(path)) return (null, Directory.Exists(shardDir) ? "no manifest (unfinished)" : "not run");
        try
        {
            var m = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), ShardPlan.Json);
            return m is null ? (null, "manifest is empty") : (m, null);
        }
        catch (JsonException e) { return (null, $"manifest unreadable ({e.Message.Split('\n')[0]})"); }
    }

    /// <summary>
    /// Null when the shard in <paramref name="shardDir"/> is finished for <paramref name="spec"/> under a plan of
    /// configuration <paramref name="configHash"/>: its manifest reads, names this shard, input and configuration, and
    /// every file it lists is there with its checksum. Otherwise the reason it is not.
    /// </summary>
    public static string? Check(string shardDir, ShardSpec spec, string configHash, out ShardManifest? manifest)
    {
        (manifest, var problem) = Read(shardDir);
        if (manifest is null) return problem;
        if (manifest.Schema != CurrentSchema) return $"manifest schema {manifest.Schema}, expected {CurrentSchema}";
        if (manifest.Shard != spec.Name) return $"manifest is of shard '{Printable.Clip(manifest.Shard, 60)}'";
        if (manifest.ConfigHash != configHash) return $"made under another configuration ({manifest.ConfigHash[..Math.Min(12, manifest.ConfigHash.Length)]}, plan {configHash[..12]})";
        if (manifest.InputChecksum != spec.InputChecksum) return "made from other input (input checksum differs from the plan's)";
        if (!manifest.Files.ContainsKey("dataset.jsonl")) return "manifest lists no dataset.jsonl";
        foreach (var (rel, sum) in manifest.Files)
        {
            var path = Path.Combine(shardDir, rel);
            if (rel.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(rel)) return $"manifest lists a path outside the shard ({Printable.Clip(rel, 60)})";
            if (!File.Exists(path)) return $"{rel} is missing";
            if (ShardPlanner.FileChecksum(path) != sum) return $"{rel} does not match its checksum";
        }
        return null;
    }

    /// <summary>Every file under <paramref name="shardDir"/> except the manifest and hidden (temporary, lock) files, with its SHA-256.</summary>
    public static SortedDictionary<string, string> Checksums(string shardDir)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(shardDir, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(shardDir, path).Replace('\\', '/');
            if (rel == FileName || Path.GetFileName(rel).StartsWith('.')) continue;
            files[rel] = ShardPlanner.FileChecksum(path);
        }
        return files;
    }
}
