namespace SpatialVlm.Core;

/// <summary>
/// Paths read from data files (a benchmark's image, a scene.json's image, a COCO file_name, a plan's shard) must stay
/// inside the folder they belong to: absolute paths and ".." that leave it are refused, so a crafted file cannot make
/// the program read (and send to a server) a file elsewhere. Symbolic links are resolved before the check.
/// </summary>
public static class ContainedPath
{
    /// <summary>The full path of <paramref name="relative"/> under <paramref name="root"/>, or a one-line error naming <paramref name="what"/>.</summary>
    public static string Resolve(string root, string relative, string what)
    {
        RequireUsable(relative, what);
        if (Path.IsPathRooted(relative)) throw new SpatialVlmException($"{what}: '{Printable.Clip(relative)}' is an absolute path; paths in data files are relative to their folder");
        var fullRoot = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(fullRoot, relative));
        if (!Contains(fullRoot, full))
            throw new SpatialVlmException($"{what}: '{Printable.Clip(relative)}' leaves its folder {fullRoot}");
        return full;
    }

    /// <summary>
    /// <paramref name="path"/> (relative to <paramref name="baseDir"/>, or absolute) when it lies inside
    /// <paramref name="baseDir"/> or one of <paramref name="roots"/> (folders the user named on the command line).
    /// </summary>
    public static string ResolveUnder(string baseDir, string path, IReadOnlyList<string> roots, string what)
    {
        RequireUsable(path, what);
        var full = Path.GetFullPath(Path.Combine(Path.GetFullPath(baseDir), path));
        foreach (var root in roots.Prepend(baseDir).Select(Path.GetFullPath))
            if (Contains(root, full)) return full;
        throw new SpatialVlmException($"{what}: '{Printable.Clip(path)}' leaves its folder {Path.GetFullPath(baseDir)}" +
                                      (roots.Count > 0 ? " and the given image roots" : " (name the folder that holds the images with --image-root)"));
    }

    private static void RequireUsable(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new SpatialVlmException($"{what}: empty path");
        if (path.Contains('\0')) throw new SpatialVlmException($"{what}: the path holds a NUL character");
    }

    /// <summary>True when the full path lies inside the full root both as written and with symbolic links resolved.</summary>
    private static bool Contains(string fullRoot, string full) => IsInside(fullRoot, full) && IsInside(RealPath(fullRoot), RealPath(full));

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or lies below it (both full paths).</summary>
    public static bool IsInside(string root, string path)
    {
        var r = Path.TrimEndingDirectorySeparator(root);
        return path == r || path.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>The path with every symbolic link on it resolved (as far as the path exists).</summary>
    private static string RealPath(string full)
    {
        var existing = full;
        var rest = new Stack<string>();
        while (!File.Exists(existing) && !Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null) return full;
            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
        var info = Directory.Exists(existing) ? (FileSystemInfo)new DirectoryInfo(existing) : new FileInfo(existing);
        var resolved = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? existing;
        // Links in the parents count too.
        var parentDir = Path.GetDirectoryName(resolved);
        if (parentDir is not null && parentDir != resolved) resolved = Path.Combine(RealPath(parentDir), Path.GetFileName(resolved));
        while (rest.Count > 0) resolved = Path.Combine(resolved, rest.Pop());
        return resolved;
    }
}

/// <summary>Text from files made safe for one line of a terminal: control characters shown as \xNN, long text clipped.</summary>
public static class Printable
{
    public static string Clip(string text, int max = 160)
    {
        var sb = new System.Text.StringBuilder(Math.Min(text.Length, max + 8));
        foreach (var ch in text)
        {
            if (sb.Length >= max) { sb.Append('…'); break; }
            if (char.IsControl(ch)) sb.Append($"\\x{(int)ch:x2}");
            else sb.Append(ch);
        }
        return sb.ToString();
    }
}
