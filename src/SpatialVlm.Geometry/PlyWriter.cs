using System.Text;

namespace SpatialVlm.Geometry;

/// <summary>Binary little-endian PLY of a cloud's points (float x, y, z), the format Open3D, MeshLab and three.js read.</summary>
public static class PlyWriter
{
    public static void Write(Stream stream, PointCloud cloud)
    {
        var header = $"ply\nformat binary_little_endian 1.0\nelement vertex {cloud.Count}\nproperty float x\nproperty float y\nproperty float z\nend_header\n";
        stream.Write(Encoding.ASCII.GetBytes(header));
        var buffer = new byte[cloud.Count * 12];
        var span = buffer.AsSpan();
        for (int i = 0; i < cloud.Count; i++)
        {
            BitConverter.TryWriteBytes(span[(i * 12)..], cloud.X[i]);
            BitConverter.TryWriteBytes(span[(i * 12 + 4)..], cloud.Y[i]);
            BitConverter.TryWriteBytes(span[(i * 12 + 8)..], cloud.Z[i]);
        }
        stream.Write(buffer);
    }

    /// <summary>Reads what <see cref="Write"/> wrote (binary little-endian float x, y, z only).</summary>
    public static PointCloud Read(Stream stream)
    {
        int count = -1;
        var line = new StringBuilder();
        while (true)
        {
            int b = stream.ReadByte();
            if (b < 0) throw new InvalidDataException("PLY header ends early");
            if (b != '\n') { line.Append((char)b); continue; }
            var text = line.ToString();
            line.Clear();
            if (text.StartsWith("element vertex ", StringComparison.Ordinal)) count = int.Parse(text[15..], System.Globalization.CultureInfo.InvariantCulture);
            else if (text == "format ascii 1.0" || text.StartsWith("format binary_big_endian", StringComparison.Ordinal)) throw new InvalidDataException("only binary little-endian PLY is read");
            if (text == "end_header") break;
        }
        if (count < 0) throw new InvalidDataException("PLY has no vertex element");
        var data = new byte[count * 12];
        stream.ReadExactly(data);
        var x = new float[count]; var y = new float[count]; var z = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = BitConverter.ToSingle(data, i * 12);
            y[i] = BitConverter.ToSingle(data, i * 12 + 4);
            z[i] = BitConverter.ToSingle(data, i * 12 + 8);
        }
        return new PointCloud(x, y, z, count);
    }
}
