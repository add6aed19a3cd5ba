using System.Buffers.Binary;
using System.Text.Json.Nodes;
using SpatialVlm.Imaging;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>
/// `synth --input DIR` on an RGB-D folder, end to end through SynthesisRun: two real frames with a box-only COCO file,
/// a 1×1 frame, and bad colour files (truncated, corrupt, a 30000×30000 header), each with a valid depth file. The bad
/// ones are skipped with their reasons counted in the manifest; the rest become dataset records.
/// </summary>
public sealed class RgbdRunTests : IDisposable
{
    private readonly RgbdTestFolder folder = new RgbdTestFolder()
        .AddShared("00000", "color/00000.jpg", "depth/00000.png")
        .AddShared("00002", "color/00002.jpg", "depth/00002.png");
    private readonly string outDir = Directory.CreateTempSubdirectory("rgbd-run-").FullName;

    public RgbdRunTests()
    {
        var jpeg = File.ReadAllBytes(folder.ColorPath("00000.jpg"));
        var depth = File.ReadAllBytes(folder.DepthPath("00000.png"));
        File.WriteAllBytes(folder.ColorPath("truncated.jpg"), jpeg[..(jpeg.Length / 2)]);
        var noise = new byte[4096];
        new Random(1).NextBytes(noise);
        File.WriteAllBytes(folder.ColorPath("corrupt.jpg"), noise);
        File.WriteAllBytes(folder.ColorPath("huge.png"), HugePngHeader());
        foreach (var stem in new[] { "truncated", "corrupt", "huge" }) File.WriteAllBytes(folder.DepthPath(stem + ".png"), depth);
        File.WriteAllBytes(folder.ColorPath("tiny.png"), ColorImageCodec.EncodePng(new Core.RgbImage(1, 1, [9, 9, 9])));
        File.WriteAllBytes(folder.DepthPath("tiny.png"), Png16.Encode(new ushort[] { 1500 }, 1, 1));
        var chair = ("chair", RgbdTestFolder.Box(335, 105, 280, 280));
        var curtain = ("curtain", RgbdTestFolder.Box(172, 0, 100, 362));
        folder.WriteAnnotations(
            ("00000.jpg", [chair, curtain]), ("00002.jpg", [chair, curtain]),
            ("truncated.jpg", [chair]), ("corrupt.jpg", [chair]), ("huge.png", [chair]),
            ("tiny.png", [("dot", RgbdTestFolder.Box(0, 0, 1, 1))]));
    }

    public void Dispose()
    {
        folder.Dispose();
        try { Directory.Delete(outDir, recursive: true); } catch (IOException) { }
    }

    // Signature and an IHDR claiming 30000×30000 RGB; nothing else is needed to be refused.
    private static byte[] HugePngHeader()
    {
        var bytes = new byte[33];
        new byte[] { 137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), 30000);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), 30000);
        bytes[24] = 8; bytes[25] = 2;
        return bytes;
    }

    private RunSummary Run() =>
        new SynthesisRun(new SynthesisPipeline(new SynthesisOptions()), new SynthesisRunOptions { OutDir = outDir, Seed = 5, Workers = 2 })
            .Execute(new RgbdFolderSource(folder.Root));

    [Fact]
    public void BadFilesAreCountedAndTheRunGoesOn()
    {
        var summary = Run();
        Assert.Equal(6, summary.Images);
        Assert.Equal(4, summary.Failed);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!;
        var reasons = manifest["failed"]!.AsArray().ToDictionary(f => (string)f!["id"]!, f => (string)f!["reason"]!);
        Assert.Contains("truncated", reasons["truncated"]);
        Assert.Contains("not an image", reasons["corrupt"]);
        Assert.Contains("30000x30000", reasons["huge"]);
        // A 1×1 frame decodes, but the folder's 640×480 intrinsics put its principal point off the frame.
        Assert.Contains("principal point (319.5, 239.5) lies outside the 1x1 frame", reasons["tiny"]);
        Assert.Equal(2, (int)manifest["succeeded"]!);

        var records = File.ReadLines(Path.Combine(outDir, "dataset.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToDictionary(r => (string)r["id"]!);
        Assert.Equal(["00000", "00002"], records.Keys.Order());
        foreach (var id in new[] { "00000", "00002" })
        {
            var r = records[id];
            Assert.True((bool)r["canonicalized"]!);
            Assert.Equal(["chair", "curtain"], r["objects"]!.AsArray().Select(o => (string)o!["caption"]!).Order());
            Assert.True(r["qa"]!.AsArray().Count >= 10, $"{id}: {r["qa"]!.AsArray().Count} QA");
            Assert.True(File.Exists(Path.Combine(outDir, (string)r["image"]!)));
            Assert.EndsWith(".jpg", (string)r["image"]!);
        }

        var again = Run();
        Assert.Equal(2, again.Resumed);
        Assert.Equal(4, again.Failed);
    }
}
