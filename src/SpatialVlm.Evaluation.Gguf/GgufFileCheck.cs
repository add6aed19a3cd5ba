using System.Buffers.Binary;
using SpatialVlm.Core;

namespace SpatialVlm.Evaluation.Gguf;

/// <summary>
/// Checks a file before llama.cpp sees it: it exists, starts with the 'GGUF' magic and a known version, and its
/// header counts are plausible. llama.cpp aborts the process on some malformed files, so this is the one-line error.
/// </summary>
public static class GgufFileCheck
{
    /// <summary>The four bytes every GGUF file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>GGUF versions llama.cpp reads (1 is long gone).</summary>
    public const uint MinVersion = 2, MaxVersion = 3;

    /// <summary>Throws <see cref="SpatialVlmException"/> naming <paramref name="role"/> ("model", "projector") when the file is not a readable GGUF.</summary>
    public static void Require(string path, string role)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new SpatialVlmException($"gguf {role}: no file given");
        if (Directory.Exists(path)) throw new SpatialVlmException($"gguf {role} {path}: is a folder, not a .gguf file");
        if (!File.Exists(path)) throw new SpatialVlmException($"gguf {role} {path}: no such file");
        Span<byte> header = stackalloc byte[24];
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpatialVlmException($"gguf {role} {path}: cannot read ({e.Message.Split('\n')[0]})", e);
        }
        if (read < 4 || !header[..4].SequenceEqual(Magic))
            throw new SpatialVlmException($"gguf {role} {path}: not a GGUF file (it does not start with 'GGUF')");
        if (read < header.Length) throw new SpatialVlmException($"gguf {role} {path}: truncated GGUF header ({read} bytes)");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (version is < MinVersion or > MaxVersion)
            throw new SpatialVlmException($"gguf {role} {path}: GGUF version {version} is not supported (expected {MinVersion}..{MaxVersion})");
        var tensors = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        var keys = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        // Each tensor info and key takes at least 8 bytes of the file; more than that cannot be a real file.
        var length = (ulong)new FileInfo(path).Length;
        if (tensors > length / 8 || keys > length / 8)
            throw new SpatialVlmException($"gguf {role} {path}: corrupt GGUF header ({tensors} tensors, {keys} keys in {length} bytes)");
    }
}
