using SpatialVlm.Core;
using SpatialVlm.Scenes;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>A folder of scene folders (each with scene.json), e.g. the output of `spatialvlm scenes`.</summary>
public sealed class SceneFolderSource : IObservationSource
{
    private readonly string root;

    public SceneFolderSource(string root)
    {
        if (!Directory.Exists(root)) throw new SpatialVlmException($"{root}: no such folder");
        this.root = root;
        var dirs = Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "scene.json")))
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        if (File.Exists(Path.Combine(root, "scene.json"))) dirs = [""];
        Items = dirs.Select(d => new SourceItem(d == "" ? Path.GetFileName(Path.GetFullPath(root).TrimEnd('/')) : d, StableSeed(d))).ToList();
    }

    /// <summary>Only the named scene folders under <paramref name="root"/> (a shard's slice); ids and seeds as for the whole folder.</summary>
    public SceneFolderSource(string root, IEnumerable<string> folderNames)
    {
        if (!Directory.Exists(root)) throw new SpatialVlmException($"{root}: no such folder");
        this.root = root;
        Items = folderNames.Order(StringComparer.Ordinal).Select(d => new SourceItem(d, StableSeed(d))).ToList();
    }

    /// <summary>The names of the scene folders under <paramref name="root"/>, in ordinal order.</summary>
    public static IReadOnlyList<string> FolderNames(string root) =>
        Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "scene.json")))
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    public static bool Matches(string dir) =>
        File.Exists(Path.Combine(dir, "scene.json")) ||
        (Directory.Exists(dir) && Directory.GetDirectories(dir).Any(d => File.Exists(Path.Combine(d, "scene.json"))));

    public string Description => $"{Items.Count} scene folders in {root}";
    public IReadOnlyList<SourceItem> Items { get; }

    private string Dir(SourceItem item) => Items.Count == 1 && File.Exists(Path.Combine(root, "scene.json")) ? root : Path.Combine(root, item.Id);

    public Observation Load(SourceItem item) => SceneFolder.Read(Dir(item)).ToObservation() with { Id = item.Id };

    public (byte[] Bytes, string Extension) ImageFile(SourceItem item, Observation loaded)
    {
        var scene = SceneDescription.Load(Path.Combine(Dir(item), "scene.json"));
        var path = Path.Combine(Dir(item), scene.Image);
        return (RegularFile.ReadAllBytes(path), Path.GetExtension(path));
    }

    /// <summary>FNV-1a of the id: a seed that does not change when other folders are added.</summary>
    public static long StableSeed(string id) => Seeds.FromId(id);
}
