namespace SpatialVlm.Core;

/// <summary>Writes files so a reader never sees a half-written one: write a temporary sibling, then rename.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Readable too, so writers that append by reading back what they wrote (Parquet row groups) can use it.
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: false);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>
    /// True when a temporary file of <see cref="Write"/> (".NAME.PID.GUID.tmp") belongs to a process that no longer runs,
    /// so it is a leftover of a killed writer and may be deleted; false for a live writer's file or a name of another form.
    /// </summary>
    public static bool WriterIsGone(string tmpPath)
    {
        var parts = Path.GetFileName(tmpPath).Split('.');
        if (parts.Length < 5 || parts[^1] != "tmp" || !int.TryParse(parts[^3], out var pid)) return false;
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException) { return true; } // no such process
        catch (InvalidOperationException) { return true; }
    }

    /// <summary>True for a write that failed because the file system is full (ENOSPC) or the quota is used up (EDQUOT).</summary>
    public static bool IsDiskFull(Exception e) => e is IOException { HResult: NoSpaceErrno or QuotaErrno } ||
                                                 e is IOException io && io.Message.Contains("No space left on device", StringComparison.Ordinal);

    private const int NoSpaceErrno = 28, QuotaErrno = 122;

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });
}
