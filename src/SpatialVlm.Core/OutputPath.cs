namespace SpatialVlm.Core;

/// <summary>Checks an output path given on the command line before any work is done, in words a user can act on.</summary>
public static class OutputPath
{
    /// <summary>An output folder: not empty, not an existing file, not under a file, and creatable.</summary>
    public static string Folder(string? path, string flag = "--out")
    {
        var full = Common(path, flag);
        if (System.IO.File.Exists(full)) throw new SpatialVlmException($"{flag} {path}: is an existing file, not a folder");
        return full;
    }

    /// <summary>An output file: not empty, not an existing folder, not under a file.</summary>
    public static string File(string? path, string flag = "--out")
    {
        var full = Common(path, flag);
        if (Directory.Exists(full)) throw new SpatialVlmException($"{flag} {path}: is an existing folder; give a file name");
        return full;
    }

    private static string Common(string? path, string flag)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new SpatialVlmException($"{flag} is empty: give a path");
        if (path.Contains('\0')) throw new SpatialVlmException($"{flag}: the path holds a NUL character");
        var full = Path.GetFullPath(path);
        for (var dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
            if (System.IO.File.Exists(dir)) throw new SpatialVlmException($"{flag} {path}: {dir} is a file, so nothing can be written under it");
        return full;
    }
}
