using System.Text;

namespace SpatialVlm.Tests.Gguf;

/// <summary>
/// Writes GGUF v3 files (magic, version, tensor count, key count, metadata, tensor infos, 32-byte aligned data)
/// with f32 tensors, so tests can build real llama.cpp models of a few kilobytes.
/// </summary>
internal sealed class GgufWriter
{
    private const uint Alignment = 32;
    private enum ValueType : uint { UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7, String = 8, Array = 9 }

    private readonly List<(string Key, Action<BinaryWriter> Write)> metadata = [];
    private readonly List<(string Name, long[] Dims, float[] Data)> tensors = [];

    public GgufWriter Add(string key, string value) => Put(key, w => { w.Write((uint)ValueType.String); WriteString(w, value); });
    public GgufWriter Add(string key, uint value) => Put(key, w => { w.Write((uint)ValueType.UInt32); w.Write(value); });
    public GgufWriter Add(string key, int value) => Put(key, w => { w.Write((uint)ValueType.Int32); w.Write(value); });
    public GgufWriter Add(string key, float value) => Put(key, w => { w.Write((uint)ValueType.Float32); w.Write(value); });
    public GgufWriter Add(string key, bool value) => Put(key, w => { w.Write((uint)ValueType.Bool); w.Write((byte)(value ? 1 : 0)); });

    public GgufWriter Add(string key, IReadOnlyList<string> values) => PutArray(key, ValueType.String, values.Count, w => { foreach (var v in values) WriteString(w, v); });
    public GgufWriter Add(string key, IReadOnlyList<float> values) => PutArray(key, ValueType.Float32, values.Count, w => { foreach (var v in values) w.Write(v); });
    public GgufWriter Add(string key, IReadOnlyList<int> values) => PutArray(key, ValueType.Int32, values.Count, w => { foreach (var v in values) w.Write(v); });

    /// <summary>An f32 tensor; <paramref name="dims"/> in ggml order (ne0, the contiguous one, first).</summary>
    public GgufWriter Tensor(string name, float[] data, params long[] dims)
    {
        if (data.Length != dims.Aggregate(1L, (a, b) => a * b)) throw new ArgumentException($"{name}: {data.Length} values for dims [{string.Join(",", dims)}]");
        tensors.Add((name, dims, data));
        return this;
    }

    public void Save(string path) => File.WriteAllBytes(path, ToBytes());

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write("GGUF"u8);
        w.Write(3u);
        w.Write((ulong)tensors.Count);
        w.Write((ulong)metadata.Count);
        foreach (var (key, write) in metadata) { WriteString(w, key); write(w); }
        ulong offset = 0;
        var offsets = new List<ulong>();
        foreach (var (name, dims, data) in tensors)
        {
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (var d in dims) w.Write((ulong)d);
            w.Write(0u); // GGML_TYPE_F32
            w.Write(offset);
            offsets.Add(offset);
            offset = Align(offset + (ulong)data.Length * 4);
        }
        Pad(w, stream);
        var dataStart = (ulong)stream.Position;
        for (int i = 0; i < tensors.Count; i++)
        {
            while ((ulong)stream.Position < dataStart + offsets[i]) w.Write((byte)0);
            foreach (var v in tensors[i].Data) w.Write(v);
        }
        Pad(w, stream);
        w.Flush();
        return stream.ToArray();
    }

    private GgufWriter Put(string key, Action<BinaryWriter> write)
    {
        metadata.Add((key, write));
        return this;
    }

    private GgufWriter PutArray(string key, ValueType element, int count, Action<BinaryWriter> writeItems) =>
        Put(key, w => { w.Write((uint)ValueType.Array); w.Write((uint)element); w.Write((ulong)count); writeItems(w); });

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static ulong Align(ulong x) => (x + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter w, Stream s)
    {
        while (s.Position % Alignment != 0) w.Write((byte)0);
    }
}
