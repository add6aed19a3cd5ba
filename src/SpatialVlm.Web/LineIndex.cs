using System.Buffers;

namespace SpatialVlm.Web;

/// <summary>
/// Byte offsets of the non-empty lines of a JSON-lines file, found once by streaming it; a page is then read by seeking
/// to its lines, so no request reads the whole file.
/// </summary>
public sealed class LineIndex
{
    private readonly long[] starts;
    private readonly int[] lengths;

    private long bytesRead;

    public string Path { get; }
    public int Count => starts.Length;

    /// <summary>Bytes read by <see cref="Read"/> since the index was built (what requests cost; the build pass is not counted).</summary>
    public long BytesRead => Interlocked.Read(ref bytesRead);

    private LineIndex(string path, long[] starts, int[] lengths)
    {
        Path = path;
        this.starts = starts;
        this.lengths = lengths;
    }

    /// <summary>Streams the file once; <paramref name="eachLine"/> gets every non-empty line (0-based index, UTF-8 bytes without the newline).</summary>
    public static LineIndex Build(string path, Action<int, ReadOnlySpan<byte>>? eachLine = null)
    {
        var starts = new List<long>();
        var lengths = new List<int>();
        var pending = new ArrayBufferWriter<byte>();
        var buffer = new byte[1 << 20];
        long position = 0, lineStart = 0;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        void EndLine(ReadOnlySpan<byte> line)
        {
            var trimmed = line.TrimEnd((byte)'\r');
            if (trimmed.Trim(" \t"u8).Length == 0) return;
            eachLine?.Invoke(starts.Count, trimmed);
            starts.Add(lineStart);
            lengths.Add(trimmed.Length);
        }
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            int from = 0;
            while (true)
            {
                int nl = chunk[from..].IndexOf((byte)'\n');
                if (nl < 0) { pending.Write(chunk[from..]); break; }
                var piece = chunk.Slice(from, nl);
                if (pending.WrittenCount > 0)
                {
                    pending.Write(piece);
                    EndLine(pending.WrittenSpan);
                    pending.Clear();
                }
                else EndLine(piece);
                from += nl + 1;
                lineStart = position + from;
            }
            position += read;
        }
        if (pending.WrittenCount > 0) EndLine(pending.WrittenSpan);
        return new LineIndex(path, [.. starts], [.. lengths]);
    }

    /// <summary>The text of line <paramref name="index"/> (0-based among non-empty lines), read by seeking.</summary>
    public string Read(int index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"line {index} is not in {Path} ({Count} lines)");
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        stream.Seek(starts[index], SeekOrigin.Begin);
        var bytes = new byte[lengths[index]];
        stream.ReadExactly(bytes);
        Interlocked.Add(ref bytesRead, bytes.Length);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}
