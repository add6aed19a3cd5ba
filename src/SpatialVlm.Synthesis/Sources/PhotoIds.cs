using System.Text;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>
/// Record ids from photo keys (relative paths): safe as file names everywhere (letters, digits, '-', '_', '.'; path
/// separators become '_'; no leading dot, since the run treats dot files as temporary), at most MaxLength characters
/// (longer keys keep a prefix and a hash of the whole key), and unique ignoring case (later duplicates in key order get
/// "-2", "-3"…), so two inputs never share an output file even on case-insensitive file systems.
/// </summary>
public static class PhotoIds
{
    public const int MaxLength = 100;

    /// <summary>One safe id per key, in the keys' order.</summary>
    public static IReadOnlyList<string> Assign(IReadOnlyList<string> keys)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var ids = new string[keys.Count];
        // Assigned in ordinal key order so an id does not depend on the order files were listed in.
        foreach (var i in Enumerable.Range(0, keys.Count).OrderBy(i => keys[i], StringComparer.Ordinal))
        {
            var id = Safe(keys[i]);
            for (int n = 2; !taken.Add(id); n++) id = $"{Safe(keys[i])}-{n}";
            ids[i] = id;
        }
        return ids;
    }

    /// <summary>The key with unsafe characters replaced and its length bounded.</summary>
    public static string Safe(string key)
    {
        var sb = new StringBuilder(key.Length);
        foreach (var ch in key)
            sb.Append(ch is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' ? ch : '_');
        var id = sb.ToString().TrimStart('.');
        if (id.Length == 0) id = "photo";
        if (id.Length <= MaxLength) return id;
        return $"{id[..(MaxLength - 17)]}-{SceneFolderSource.StableSeed(key):x16}";
    }
}
