using SpatialVlm.Core;

namespace SpatialVlm.Web;

/// <summary>Resolves a path a request names against the viewed folder, and refuses any that leaves it (.., absolute paths, symlinks out).</summary>
public sealed class FolderPaths
{
    public string Root { get; }

    public FolderPaths(string root) => Root = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(root));

    /// <summary>The full path of <paramref name="relative"/> inside the root, or null when it would leave the root.</summary>
    public string? Resolve(string relative)
    {
        if (string.IsNullOrEmpty(relative) || relative.Contains('\0') || System.IO.Path.IsPathRooted(relative)) return null;
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, relative));
        if (!IsInside(full)) return null;
        // A symlink inside the folder may point out of it: check where it really goes.
        var info = new FileInfo(full);
        if (info.Exists && info.ResolveLinkTarget(returnFinalTarget: true) is { } target && !IsInside(System.IO.Path.GetFullPath(target.FullName))) return null;
        return full;
    }

    private bool IsInside(string full) =>
        full.StartsWith(Root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);

    public string ResolveOrThrow(string relative) =>
        Resolve(relative) ?? throw new SpatialVlmException($"{relative}: outside the viewed folder");
}
