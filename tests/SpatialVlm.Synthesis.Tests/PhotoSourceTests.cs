using System.Formats.Tar;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Parquet.Serialization;
using SkiaSharp;
using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>
/// Photo inputs (image folders, WebDataset shards, Parquet image columns) through PhotoSource and SynthesisRun. The
/// perception is an in-test stand-in that returns a rendered scene's depth and masks with the decoded pixels, so these
/// tests are about the containers, decoding and failure accounting, not the models.
/// </summary>
public sealed class PhotoSourceTests : IDisposable
{
    private static readonly RenderedScene Scene = new SceneGenerator(new SceneOptions { Width = 160, Height = 120, MinObjects = 3 }).Generate(11);
    private readonly string root = Directory.CreateTempSubdirectory("photos-in-").FullName;
    private readonly string outDir = Directory.CreateTempSubdirectory("photos-out-").FullName;

    public void Dispose()
    {
        foreach (var d in new[] { root, outDir }) try { Directory.Delete(d, recursive: true); } catch (IOException) { }
    }

    /// <summary>Returns the scene's observation with the decoded pixels; counts calls and rejects images of another size.</summary>
    private sealed class ScenePerception : IPhotoPerception
    {
        public int Calls;
        public string Description => "scene stand-in";
        public Observation Perceive(string id, RgbImage image, CameraIntrinsics? intrinsics = null)
        {
            Interlocked.Increment(ref Calls);
            if (image.Width != Scene.Width || image.Height != Scene.Height) throw new SpatialVlmException($"{id}: unexpected size {image.Width}x{image.Height}");
            return Scene.ToObservation() with { Id = id, Image = image, KnownWorldFromCamera = null, Perception = new PerceptionNotes { Depth = new DepthNote("stand-in", "given", 1, 1, 90) } };
        }
    }

    private static byte[] Png() => ColorImageCodec.EncodePng(Scene.Image);

    private static byte[] Encode(SKEncodedImageFormat format)
    {
        using var bitmap = ColorImageCodec.ToBitmap(Scene.Image);
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    private string Write(string rel, byte[] bytes)
    {
        var path = Path.Combine(root, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private (RunSummary Summary, List<JsonObject> Records, JsonObject Manifest) Run(PhotoSource source)
    {
        var run = new SynthesisRun(new SynthesisPipeline(new SynthesisOptions()), new SynthesisRunOptions { OutDir = outDir, Formats = Dataset.DatasetFormat.Jsonl, Workers = 2 });
        var summary = run.Execute(source);
        var records = File.ReadLines(Path.Combine(outDir, "dataset.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!.AsObject();
        return (summary, records, manifest);
    }

    private static string Reason(JsonObject manifest, string idPart) =>
        (string)manifest["failed"]!.AsArray().Single(f => ((string)f!["id"]!).Contains(idPart))!["reason"]!;

    [Fact]
    public void FolderIsSearchedRecursivelyAndIdsAreSafeAndUnique()
    {
        Write("a/x.png", Png());
        Write("a/x.jpg", Encode(SKEncodedImageFormat.Jpeg));
        Write("A/X.png", Png());
        Write("deep/er/img one.webp", Encode(SKEncodedImageFormat.Webp));
        Write(".hidden/skip.png", Png());
        Write("notes.txt", "not a photo"u8.ToArray());
        var source = PhotoSource.FromFolder(root, new ScenePerception());
        var ids = source.Items.Select(i => i.Id).ToList();
        Assert.Equal(4, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9_-][A-Za-z0-9._-]*$", id));
        Assert.Contains("deep_er_img_one", ids);
        Assert.Equal(["A_X", "a_x-2", "a_x-3"], ids.Where(i => i.StartsWith("a_x", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal));
        // Every format decodes to the scene's size and becomes a record.
        var (summary, records, _) = Run(source);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.Equal("stand-in", (string)r["perception"]!["depth"]!["model"]!));
        Assert.Contains(records, r => ((string)r["perception"]!["source"]!["origin"]!).EndsWith("img one.webp"));
    }

    [Fact]
    public void LongAndStrangeKeysBecomeBoundedIds()
    {
        var ids = PhotoIds.Assign([new string('x', 300), "../évil/..name", new string('x', 300) + "y"]);
        Assert.All(ids, id => Assert.True(id.Length <= PhotoIds.MaxLength && !id.StartsWith('.'), id));
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal("__vil_..name", ids[1]);
    }

    [Fact]
    public void TruncatedAndCorruptImagesFailWithReasonsAndTheRunGoesOn()
    {
        var png = Png();
        Write("good.png", png);
        Write("sub/good2.jpg", Encode(SKEncodedImageFormat.Jpeg));
        Write("truncated.png", png[..(png.Length / 2)]);
        var noise = new byte[2048];
        new Random(3).NextBytes(noise);
        Write("corrupt.jpg", noise);
        var perception = new ScenePerception();
        var (summary, records, manifest) = Run(PhotoSource.FromFolder(root, perception));
        Assert.Equal(4, summary.Images);
        Assert.Equal(2, summary.Failed);
        Assert.Equal(2, records.Count);
        Assert.Equal(2, perception.Calls); // bad files never reach the models
        Assert.Contains("truncated", Reason(manifest, "truncated"));
        Assert.Contains("corrupt.jpg", Reason(manifest, "corrupt"));
        // Stored images are the original bytes when they need no rotation.
        Assert.Equal(png, File.ReadAllBytes(Path.Combine(outDir, (string)records.Single(r => (string)r["id"]! == "good")["image"]!)));
    }

    [Fact]
    public void TarShardGroupsMembersByKeyKeepsCaptionsAndCountsACorruptMember()
    {
        var noise = new byte[1000];
        new Random(5).NextBytes(noise);
        WriteTar("shards/shard-000.tar",
            ("0001.png", Png()), ("0001.json", """{"caption": "a kitchen counter", "id": 1}"""u8.ToArray()),
            ("dir/0002.seg.jpg", Encode(SKEncodedImageFormat.Jpeg)), ("dir/0002.txt", "two mugs\n"u8.ToArray()),
            ("0003.png", noise), ("0004.cls", "7"u8.ToArray()));
        var (summary, records, manifest) = Run(PhotoSource.FromFolder(root, new ScenePerception()));
        Assert.Equal(3, summary.Images); // 0004 has no image member
        Assert.Equal(1, summary.Failed);
        Assert.Contains("0003.png", Reason(manifest, "0003"));
        var captions = records.ToDictionary(r => (string)r["id"]!, r => (string?)r["perception"]!["source"]!["caption"]);
        Assert.Equal("a kitchen counter", captions["shards_shard-000_0001"]);
        Assert.Equal("two mugs", captions["shards_shard-000_dir_0002"]);
    }

    [Fact]
    public void TruncatedShardKeepsTheMembersBeforeTheCut()
    {
        var path = WriteTar("cut.tar", ("a.png", Png()), ("b.png", Png()));
        var bytes = File.ReadAllBytes(path);
        // Cut inside b.png's data: a's header+data (512 + padded PNG) and b's header survive.
        int aBlocks = 1 + (Png().Length + 511) / 512;
        File.WriteAllBytes(path, bytes[..((aBlocks + 1) * 512 + 100)]);
        var (summary, records, manifest) = Run(PhotoSource.FromFolder(root, new ScenePerception()));
        Assert.Single(records);
        Assert.Equal("cut_a", (string)records[0]["id"]!);
        Assert.Equal(1, summary.Failed);
        var reason = (string)manifest["failed"]![0]!["reason"]!;
        Assert.Contains("cut.tar", reason);
    }

    [Fact]
    public void ShardWithAGarbledHeaderKeepsEarlierMembersAndCountsTheRest()
    {
        var path = WriteTar("garbled.tar", ("a.png", Png()));
        int aBlocks = 1 + (Png().Length + 511) / 512;
        var garbage = Enumerable.Repeat((byte)'A', 512).Concat(new byte[1024]);
        File.WriteAllBytes(path, [.. File.ReadAllBytes(path)[..(aBlocks * 512)], .. garbage]);
        var (summary, records, manifest) = Run(PhotoSource.FromFolder(root, new ScenePerception()));
        Assert.Equal(["garbled_a"], records.Select(r => (string)r["id"]!));
        Assert.Equal(1, summary.Failed);
        Assert.Contains("corrupt tar after 1 members", Reason(manifest, "garbled"));
    }

    private string WriteTar(string rel, params (string Name, byte[] Data)[] members)
    {
        var path = Path.Combine(root, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var stream = File.Create(path))
        using (var writer = new TarWriter(stream, TarEntryFormat.Ustar))
            foreach (var (name, data) in members)
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        return path;
    }

    public sealed class HfRow
    {
        [JsonPropertyName("image")] public Dataset.ParquetDatasetWriter.ImageCell Image { get; set; } = new();
        [JsonPropertyName("text")] public string Text { get; set; } = "";
    }

    public sealed class BinaryRow
    {
        [JsonPropertyName("label")] public int Label { get; set; }
        [JsonPropertyName("jpg")] public byte[] Jpg { get; set; } = [];
        [JsonPropertyName("thumb")] public byte[] Thumb { get; set; } = [];
    }

    private void WriteParquet<T>(string rel, List<T> rows, int rowGroupSize)
    {
        var path = Path.Combine(root, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var s = File.Create(path);
        ParquetSerializer.SerializeAsync(rows, s, new Parquet.ParquetOptions { RowGroupSize = rowGroupSize }).GetAwaiter().GetResult();
    }

    [Fact]
    public void ParquetStructColumnAsHuggingFaceWritesIt()
    {
        var png = Png();
        WriteParquet("data/train-00000.parquet", [
            new HfRow { Image = new() { Bytes = png, Path = "a.png" }, Text = "a room" },
            new HfRow { Image = new() { Bytes = png[..200], Path = "b.png" }, Text = "cut" },
            new HfRow { Image = new() { Bytes = Encode(SKEncodedImageFormat.Jpeg), Path = "c.jpg" }, Text = "a desk" },
        ], rowGroupSize: 2);
        var found = PhotoInputs.Find(root);
        Assert.Equal(3, found.Entries.Count);
        Assert.Equal("image", new ParquetPhotos(Path.Combine(root, "data/train-00000.parquet")).ImageColumn);
        var (summary, records, manifest) = Run(PhotoSource.FromFolder(root, new ScenePerception()));
        Assert.Equal(1, summary.Failed);
        Assert.Contains("truncated", Reason(manifest, "row-000001"));
        Assert.Equal(["a room", "a desk"], records.Select(r => (string)r["perception"]!["source"]!["caption"]!));
        Assert.Equal(["data_train-00000_row-000000", "data_train-00000_row-000002"], records.Select(r => (string)r["id"]!));
    }

    [Fact]
    public void ParquetBinaryColumnFoundByNameOrChosen()
    {
        var jpg = Encode(SKEncodedImageFormat.Jpeg);
        WriteParquet("b.parquet", Enumerable.Range(0, 3).Select(i => new BinaryRow { Label = i, Jpg = jpg, Thumb = [1, 2, 3] }).ToList(), rowGroupSize: 10);
        var path = Path.Combine(root, "b.parquet");
        Assert.Equal("jpg", new ParquetPhotos(path).ImageColumn);
        Assert.Equal("thumb", new ParquetPhotos(path, "thumb").ImageColumn);
        var missing = Assert.Throws<SpatialVlmException>(() => new ParquetPhotos(path, "picture"));
        Assert.Contains("jpg, thumb", missing.Message);
        var source = PhotoSource.FromFolder(root, new ScenePerception());
        Assert.Equal(3, source.Items.Count);
        var obs = source.Load(source.Items[1]);
        Assert.Equal(Scene.Width, obs.Image.Width);
        Assert.Equal(".jpg", source.ImageFile(source.Items[1], obs).Extension);
        // The wrong column fails each item at decode time, with the file and row in the reason.
        var thumbs = new PhotoSource([.. ParquetPhotos.Entries(root, path, "thumb")], new ScenePerception(), "thumbs");
        var e = Assert.Throws<SpatialVlmException>(() => thumbs.Load(thumbs.Items[0]));
        Assert.Contains("b.parquet:row 0", e.Message);
    }

    [Fact]
    public void AFolderWithoutPhotosIsAOneLineError()
    {
        Write("readme.md", "x"u8.ToArray());
        Assert.False(PhotoInputs.Matches(root));
        var e = Assert.Throws<SpatialVlmException>(() => PhotoInputs.Find(root));
        Assert.DoesNotContain('\n', e.Message);
    }
}
