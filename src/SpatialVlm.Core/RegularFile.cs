using System.Runtime.InteropServices;

namespace SpatialVlm.Core;

/// <summary>
/// Refuses what is not a regular file before it is opened: a FIFO would block a reader forever, a device could be read
/// without end. Linux stat(2) through libc (the build is linux-x64 only).
/// </summary>
public static unsafe partial class RegularFile
{
    private const uint TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000, Fifo = 0x1000, CharDevice = 0x2000, BlockDevice = 0x6000, Socket = 0xC000;

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, byte* buffer);

    /// <summary>Throws a one-line error unless <paramref name="path"/> names an existing regular file (links followed).</summary>
    public static void Check(string path, string what)
    {
        var kind = Kind(path);
        if (kind != "regular file")
            throw new SpatialVlmException(kind is null ? $"{what}: no such file" : $"{what}: is a {kind}, not a regular file");
    }

    /// <summary>A file's bytes, refusing anything but a regular file (a FIFO would block forever).</summary>
    public static byte[] ReadAllBytes(string path)
    {
        Check(path, path);
        return File.ReadAllBytes(path);
    }

    public static string ReadAllText(string path)
    {
        Check(path, path);
        return File.ReadAllText(path);
    }

    public static FileStream OpenRead(string path)
    {
        Check(path, path);
        return File.OpenRead(path);
    }

    /// <summary>What the path is ("regular file", "FIFO", "directory", ...), or null when it does not exist.</summary>
    public static string? Kind(string path)
    {
        byte* buffer = stackalloc byte[256]; // struct stat is 144 bytes on x86-64
        if (Stat(path, buffer) != 0) return null;
        var mode = *(uint*)(buffer + 24) & TypeMask; // st_mode follows st_dev, st_ino and st_nlink (8 bytes each)
        return mode switch
        {
            Regular => "regular file",
            Directory => "directory",
            Fifo => "FIFO (named pipe)",
            CharDevice => "character device",
            BlockDevice => "block device",
            Socket => "socket",
            _ => "special file",
        };
    }
}
