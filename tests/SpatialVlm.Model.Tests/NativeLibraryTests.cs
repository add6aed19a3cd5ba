using System.Buffers.Binary;
using System.Text;
using TorchSharp;

namespace SpatialVlm.Model.Tests;

public class NativeLibraryTests
{
    private const string Version = "GLIBCXX_3.4.32";

    /// <summary>The vna_flags of every version need named Version in an ELF64 little-endian file's .gnu.version_r.</summary>
    private static List<ushort> NeedFlags(byte[] elf, string version)
    {
        var flags = new List<ushort>();
        var shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3A)), shnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3C));
        (uint Type, long Offset, uint Link, uint Info) Section(int i)
        {
            var h = elf.AsSpan(shoff + i * shentsize);
            return (BinaryPrimitives.ReadUInt32LittleEndian(h[4..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[40..]), BinaryPrimitives.ReadUInt32LittleEndian(h[44..]));
        }
        for (var i = 0; i < shnum; i++)
        {
            var section = Section(i);
            if (section.Type != 0x6FFFFFFE) continue;   // SHT_GNU_verneed
            var strings = Section((int)section.Link).Offset;
            var need = (int)section.Offset;
            for (var n = 0; n < section.Info; n++)
            {
                int count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(need + 2));
                var aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 8));
                for (var a = 0; a < count; a++)
                {
                    var nameAt = (int)(strings + BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 8)));
                    var name = Encoding.ASCII.GetString(elf, nameAt, Array.IndexOf(elf, (byte)0, nameAt) - nameAt);
                    if (name == version) flags.Add(BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(aux + 4)));
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 12));
                }
                need += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 12));
            }
        }
        return flags;
    }

    [Fact]
    public void The_output_copy_of_LibTorchSharp_needs_the_new_libstdcxx_version_only_weakly_where_the_system_lacks_it()
    {
        var library = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(library), $"{library} is missing");
        var flags = NeedFlags(File.ReadAllBytes(library), Version);
        Assert.NotEmpty(flags);   // the packaged library does ask for it
        var systemLibrary = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        var systemHasVersion = systemLibrary is not null && Encoding.ASCII.GetString(File.ReadAllBytes(systemLibrary)).Contains(Version + "\0");
        if (!systemHasVersion) Assert.All(flags, f => Assert.True((f & 0x2) != 0, $"{Version} need is not weak"));
        // Either way the library loads: torch works.
        using var sum = torch.tensor(new float[] { 1, 2 }) + torch.tensor(new float[] { 3, 4 });
        Assert.Equal(new float[] { 4, 6 }, sum.data<float>().ToArray());
    }
}
