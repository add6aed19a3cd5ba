using System.Text.Json;
using System.Text.Json.Serialization;
using SpatialVlm.Core;
using SpatialVlm.Scenes;

namespace SpatialVlm.Synthesis.Sharding;

/// <summary>What one shard reads.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShardInputKind>))]
public enum ShardInputKind
{
    /// <summary>Procedural scenes: seeds FirstSeed … FirstSeed+Count−1.</summary>
    [JsonStringEnumMemberName("procedural")] Procedural,
    /// <summary>A slice of a folder of scene folders: Files are the scene folders' names under Root.</summary>
    [JsonStringEnumMemberName("scene-folders")] SceneFolders,
    /// <summary>A slice of a folder of photos: Files are image files relative to Root.</summary>
    [JsonStringEnumMemberName("image-files")] ImageFiles,
    /// <summary>One WebDataset .tar shard: Files holds its path relative to Root.</summary>
    [JsonStringEnumMemberName("tar")] Tar,
    /// <summary>One Parquet file with an image column: Files holds its path relative to Root.</summary>
    [JsonStringEnumMemberName("parquet")] Parquet,
}

/// <summary>
/// One shard's input. Procedural shards name their seed range; the others a root folder and the files under it
/// (relative, '/'-separated). Item ids and seeds come from the item's global identity (the scene seed, the path
/// relative to the root), never from its place in the shard, so sharding does not change a record.
/// </summary>
public sealed record ShardInput
{
    [JsonPropertyName("kind")] public required ShardInputKind Kind { get; init; }
    [JsonPropertyName("first_seed")] public long? FirstSeed { get; init; }
    [JsonPropertyName("count")] public int? Count { get; init; }
    [JsonPropertyName("root")] public string? Root { get; init; }
    [JsonPropertyName("files")] public IReadOnlyList<string>? Files { get; init; }

    public string Describe() => Kind == ShardInputKind.Procedural
        ? $"{Count} procedural scenes from seed {FirstSeed}"
        : $"{Files?.Count ?? 0} {Kind switch { ShardInputKind.SceneFolders => "scene folders", ShardInputKind.ImageFiles => "image files", ShardInputKind.Tar => "tar shard", _ => "Parquet file" }} under {Root}";
}

/// <summary>One unit of work: a name (its folder under OUT/shards/), its input, and the input's checksum at planning time.</summary>
public sealed record ShardSpec
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("input")] public required ShardInput Input { get; init; }
    [JsonPropertyName("input_checksum")] public required string InputChecksum { get; init; }
    /// <summary>Images the shard holds (known at planning time), for progress.</summary>
    [JsonPropertyName("items")] public required int Items { get; init; }
}

/// <summary>
/// The settings every shard of a plan runs with. The flattened configuration (and its hash) follows from them alone,
/// so a plan, a shard's manifest and `synth` agree on what "the same configuration" means.
/// </summary>
public sealed record ShardSettings
{
    [JsonPropertyName("seed")] public long Seed { get; init; }
    [JsonPropertyName("qa_per_image")] public int QaPerImage { get; init; } = 30;
    [JsonPropertyName("width")] public int Width { get; init; } = 640;
    [JsonPropertyName("height")] public int Height { get; init; } = 480;
    /// <summary>Perception models used (name → checksum or choice), empty when no shard needs them.</summary>
    [JsonPropertyName("models")] public SortedDictionary<string, string> Models { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The pipeline options: the engine's defaults with these settings (one geometry thread: a shard worker is one process per core).</summary>
    public SynthesisOptions Pipeline()
    {
        var options = new SynthesisOptions();
        return options with { Questions = options.Questions with { QaPerImage = QaPerImage }, GeometryThreads = 1 };
    }

    public SceneOptions Scenes() => new() { Width = Width, Height = Height };

    /// <summary>The configuration, flattened as run.json flattens it (without the input, which is per shard), plus the scene options.</summary>
    public SortedDictionary<string, string> ConfigFields()
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in RunIdentity.Of(Pipeline(), "", Models, Seed, writesPoints: false).Fields) fields[k] = v;
        fields.Remove("input");
        foreach (var (k, v) in Core.ConfigFields.Flatten(Scenes(), "scenes")) fields[k] = v;
        return fields;
    }

    public string ConfigHash() => Core.ConfigFields.Hash(ConfigFields());
}

/// <summary>OUT/plan.json: the settings, the flattened configuration and its hash, and the shard list in merge order.</summary>
public sealed record ShardPlan
{
    public const int CurrentSchema = 1;
    public const string FileName = "plan.json";

    [JsonPropertyName("schema")] public int Schema { get; init; } = CurrentSchema;
    [JsonPropertyName("settings")] public required ShardSettings Settings { get; init; }
    [JsonPropertyName("config_hash")] public required string ConfigHash { get; init; }
    [JsonPropertyName("config")] public required SortedDictionary<string, string> Config { get; init; }
    [JsonPropertyName("shards")] public required IReadOnlyList<ShardSpec> Shards { get; init; }

    public static ShardPlan Of(ShardSettings settings, IReadOnlyList<ShardSpec> shards) =>
        new() { Settings = settings, ConfigHash = settings.ConfigHash(), Config = settings.ConfigFields(), Shards = shards };

    /// <summary>The folder the plan lives in: shards go to its shards/, the merge to its merged/.</summary>
    public static string OutDirOf(string planPath) => Path.GetDirectoryName(Path.GetFullPath(planPath))!;

    public static string ShardDir(string outDir, string name) => Path.Combine(outDir, "shards", name);

    public ShardSpec Shard(string name) =>
        Shards.FirstOrDefault(s => s.Name == name) ?? throw new SpatialVlmException($"the plan has no shard '{Printable.Clip(name, 60)}'");

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Reads and checks a plan: its schema, unique shard names, and that its configuration follows from its settings under this build.</summary>
    public static ShardPlan Read(string path)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, FileName);
        if (!File.Exists(path)) throw new SpatialVlmException($"{path}: no such plan (make one with `spatialvlm plan`)");
        ShardPlan? plan;
        try { plan = JsonSerializer.Deserialize<ShardPlan>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new SpatialVlmException($"{path}: not a readable plan ({e.Message.Split('\n')[0]})"); }
        if (plan is null) throw new SpatialVlmException($"{path}: not a readable plan (null)");
        if (plan.Schema != CurrentSchema) throw new SpatialVlmException($"{path}: plan schema {plan.Schema}, this build reads {CurrentSchema}; plan again");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in plan.Shards)
            if (!ShardNames.IsValid(s.Name) || !names.Add(s.Name)) throw new SpatialVlmException($"{path}: shard name '{Printable.Clip(s.Name, 60)}' is invalid or repeated");
        if (plan.Settings.ConfigHash() != plan.ConfigHash)
            throw new SpatialVlmException($"{path}: its configuration does not follow from its settings under this build (edited, or made by another version); plan again");
        return plan;
    }
}

/// <summary>Shard names: shard-00000, shard-00001, … in plan order (the merge order).</summary>
public static class ShardNames
{
    public static string Of(int index) => $"shard-{index:D5}";

    public static bool IsValid(string name) => name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && name[0] != '-';
}
