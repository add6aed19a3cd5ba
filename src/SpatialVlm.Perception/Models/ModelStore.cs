using SpatialVlm.Core;

namespace SpatialVlm.Perception.Models;

/// <summary>
/// The local model cache: SPATIALVLM_HOME/models/&lt;name&gt;/&lt;file path&gt;. SPATIALVLM_HOME defaults to
/// ~/.cache/spatialvlm (XDG_CACHE_HOME/spatialvlm when that is set).
/// </summary>
public sealed class ModelStore(string home, IReadOnlyList<ModelEntry> entries)
{
    public string Home { get; } = Path.GetFullPath(home);
    public IReadOnlyList<ModelEntry> Entries { get; } = entries;

    /// <summary>The store at the environment's SPATIALVLM_HOME over the default catalog. Read once at the top of the CLI and passed down, not inside commands.</summary>
    public static ModelStore FromEnvironment() => new(ResolveHome(Environment.GetEnvironmentVariable), ModelCatalog.Default);

    public static string ResolveHome(Func<string, string?> env)
    {
        var home = env("SPATIALVLM_HOME");
        if (!string.IsNullOrWhiteSpace(home)) return home;
        var cache = env("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(cache)) cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "spatialvlm");
    }

    public ModelEntry Find(string name) =>
        Entries.FirstOrDefault(e => e.Name == name)
        ?? throw new SpatialVlmException($"unknown model '{name}'; known: {string.Join(", ", Entries.Select(e => e.Name))}");

    /// <summary>The catalog entry, or a one-line error when the name is unknown or the model has another role.</summary>
    public ModelEntry Find(string name, ModelRole role)
    {
        var entry = Find(name);
        return entry.Role == role ? entry : throw new SpatialVlmException($"model '{name}' is a {entry.Role} model, not {role}");
    }

    public string ModelFolder(ModelEntry entry) => Path.Combine(Home, "models", entry.Name);

    public string FilePath(ModelEntry entry, ModelFile file) => Path.Combine(ModelFolder(entry), file.Path.Replace('/', Path.DirectorySeparatorChar));

    public bool IsCached(ModelEntry entry) => entry.Files.All(f => File.Exists(FilePath(entry, f)));

    /// <summary>The model's folder, or a one-line error naming the pull command when any file is missing.</summary>
    public string Require(string name, ModelRole? role = null)
    {
        var entry = role is { } r ? Find(name, r) : Find(name);
        var missing = entry.Files.FirstOrDefault(f => !File.Exists(FilePath(entry, f)));
        if (missing != null)
            throw new SpatialVlmException($"model '{name}' is not downloaded ({FilePath(entry, missing)} is missing): run `spatialvlm models pull {name}`");
        return ModelFolder(entry);
    }
}
