using System.Text.Json.Nodes;
using SpatialVlm.Core;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis.Dataset;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Tests;

public sealed class SynthesisRunTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("synth-run-").FullName;
    private static readonly SceneOptions Small = new() { Width = 320, Height = 240 };

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private RunSummary Run(string outDir, IObservationSource source, long seed = 3, SynthesisOptions? options = null) =>
        new SynthesisRun(new SynthesisPipeline(options ?? new SynthesisOptions()), new SynthesisRunOptions { OutDir = outDir, Seed = seed, Workers = 2 })
            .Execute(source);

    private static string[] OutputFiles(string dir) =>
        ["dataset.jsonl", "dataset.parquet", "llava.json", "README.md", "manifest.json"];

    [Fact]
    public void SameSeedGivesIdenticalFilesAndOtherSeedsDiffer()
    {
        var a = Path.Combine(root, "a"); var b = Path.Combine(root, "b"); var c = Path.Combine(root, "c");
        Run(a, new ProceduralSource(Small, 10, 6));
        Run(b, new ProceduralSource(Small, 10, 6));
        Run(c, new ProceduralSource(Small, 10, 6), seed: 4);
        foreach (var f in OutputFiles(a))
            Assert.True(File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))), $"{f} differs between identical runs");
        Assert.NotEqual(File.ReadAllText(Path.Combine(a, "dataset.jsonl")), File.ReadAllText(Path.Combine(c, "dataset.jsonl")));
    }

    [Fact]
    public void RerunResumesAndCleansAHalfWrittenRun()
    {
        var fresh = Path.Combine(root, "fresh");
        Run(fresh, new ProceduralSource(Small, 20, 5));
        var resumed = Path.Combine(root, "resumed");
        Run(resumed, new ProceduralSource(Small, 20, 5));
        // Simulate a killed run: one record missing, a temporary file left behind, a torn record.
        File.Delete(Path.Combine(resumed, "records", "scene-000021.json"));
        File.WriteAllText(Path.Combine(resumed, "records", ".scene-000022.json.2147483000.abc.tmp"), "{\"id\":"); // no such process
        File.WriteAllText(Path.Combine(resumed, "records", "scene-000023.json"), "{\"id\": \"scene-0000");
        var summary = Run(resumed, new ProceduralSource(Small, 20, 5));
        Assert.Equal(2, summary.Images - summary.Resumed);
        Assert.Empty(Directory.GetFiles(Path.Combine(resumed, "records"), "*.tmp"));
        Assert.Equal(File.ReadAllText(Path.Combine(fresh, "dataset.jsonl")), File.ReadAllText(Path.Combine(resumed, "dataset.jsonl")));
        Assert.Equal(5, File.ReadLines(Path.Combine(resumed, "dataset.jsonl")).Count());
    }

    [Fact]
    public async Task RecordsFollowTheInterfaceShape()
    {
        var outDir = Path.Combine(root, "shape");
        Run(outDir, new ProceduralSource(Small, 30, 3));
        var line = File.ReadLines(Path.Combine(outDir, "dataset.jsonl")).First();
        var r = JsonNode.Parse(line)!.AsObject();
        foreach (var key in new[] { "id", "image", "width", "height", "canonicalized", "objects", "qa", "messages" })
            Assert.True(r.ContainsKey(key), $"missing {key}");
        Assert.True(File.Exists(Path.Combine(outDir, (string)r["image"]!)));
        var ids = r["objects"]!.AsArray().Select(o => (int)o!["id"]!).ToHashSet();
        foreach (var qa in r["qa"]!.AsArray())
        {
            Assert.Contains((int)qa!["a"]!, ids);
            if (qa["b"] is JsonValue b) Assert.Contains((int)b, ids);
            foreach (var key in new[] { "type", "question", "answer", "value", "uncertain" }) Assert.True(qa.AsObject().ContainsKey(key));
        }
        var llava = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "llava.json")))!.AsArray();
        Assert.Equal(3, llava.Count);
        Assert.StartsWith("<image>\n", (string)llava[0]!["conversations"]![0]!["value"]!);
        var rows = await ParquetDatasetWriter.ReadAsync(Path.Combine(outDir, "dataset.parquet"));
        Assert.Equal(3, rows.Count);
        Assert.Equal((string)r["id"]!, rows[0].Id);
        Assert.Equal(File.ReadAllBytes(Path.Combine(outDir, (string)r["image"]!)), rows[0].Image.Bytes);
        Assert.Equal(r["messages"]!.AsArray().Count, rows[0].Messages.Count);
        Assert.Equal("image", rows[0].Messages[0].Content[0].Type);
    }

    /// <summary>A source of hand-made observations, for bad input.</summary>
    private sealed class FixedSource(params Observation[] observations) : IObservationSource
    {
        public string Description => "fixed";
        public IReadOnlyList<SourceItem> Items { get; } = observations.Select((o, i) => new SourceItem(o.Id, i)).ToList();
        public Observation Load(SourceItem item) => observations.Single(o => o.Id == item.Id);
        public (byte[] Bytes, string Extension) ImageFile(SourceItem item, Observation loaded) => (Imaging.ColorImageCodec.EncodePng(loaded.Image), ".png");
    }

    /// <summary>Procedural scenes, except that the listed items fail with exceptions nobody foresaw (a backend bug, a wrapped parallel failure).</summary>
    private sealed class FlakySource(ProceduralSource inner, Dictionary<string, Exception> failures) : IObservationSource, IFingerprinted
    {
        public string Description => "flaky";
        public string Fingerprint => inner.Fingerprint;
        public IReadOnlyList<SourceItem> Items => inner.Items;
        public Observation Load(SourceItem item) => failures.TryGetValue(item.Id, out var e) ? throw e : inner.Load(item);
        public (byte[] Bytes, string Extension) ImageFile(SourceItem item, Observation loaded) => inner.ImageFile(item, loaded);
    }

    [Fact]
    public void AnUnforeseenFailureFailsOnlyItsItemWithALabelledReason()
    {
        var inner = new ProceduralSource(Small, 60, 3);
        var source = new FlakySource(inner, new()
        {
            ["scene-000060"] = new InvalidOperationException("backend state broken\nsecond line"),
            ["scene-000061"] = new AggregateException(new SpatialVlmException("wrapped by a parallel loop")),
        });
        var outDir = Path.Combine(root, "flaky");
        var summary = Run(outDir, source);
        Assert.Equal(2, summary.Failed);
        var failures = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!.ToJsonString();
        Assert.Contains("unexpected InvalidOperationException: backend state broken", failures);
        Assert.DoesNotContain("second line", failures);
        Assert.Contains("wrapped by a parallel loop", failures);
        Assert.DoesNotContain("AggregateException", failures);
        Assert.Single(File.ReadAllLines(Path.Combine(outDir, "dataset.jsonl")));
    }

    private static Observation FromScene(long seed, Func<Observation, Observation> change) =>
        change(new SceneGenerator(Small).Generate(seed).ToObservation());

    [Fact]
    public void BadInputIsSkippedWithReasonsAndCounted()
    {
        var nanDepth = FromScene(40, o => o with { Id = "nan-depth", Depth = new DepthMap(o.Depth.Width, o.Depth.Height, Enumerable.Repeat(float.NaN, o.Depth.Meters.Length).ToArray()) });
        var empty = FromScene(41, o => o with { Id = "no-objects", Objects = [] });
        var tiny = FromScene(42, o => o with { Id = "tiny-object", Objects = [.. o.Objects, new ObjectMask(99, "speck", "speck", [o.Depth.Width * 10 + 10])] });
        var outDir = Path.Combine(root, "bad");
        var summary = Run(outDir, new FixedSource(nanDepth, empty, tiny));
        Assert.Equal(1, summary.Failed);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!;
        Assert.Contains("no valid values", (string)manifest["failed"]![0]!["reason"]!);
        var records = File.ReadLines(Path.Combine(outDir, "dataset.jsonl")).Select(l => JsonNode.Parse(l)!).ToDictionary(r => (string)r["id"]!);
        Assert.Empty(records["no-objects"]["qa"]!.AsArray());
        Assert.Contains(records["tiny-object"]["skipped"]!.AsArray(), s => ((string)s!["reason"]!).Contains("too few points"));
        var card = File.ReadAllText(Path.Combine(outDir, "README.md"));
        Assert.Contains("| images that failed | 1 |", card);
        Assert.Contains("object: too few points with valid depth", card);
    }

    [Fact]
    public void UnwritableOutputIsOneClearError()
    {
        var file = Path.Combine(root, "a-file");
        File.WriteAllText(file, "x");
        var e = Assert.Throws<SpatialVlmException>(() => Run(Path.Combine(file, "out"), new ProceduralSource(Small, 1, 1)));
        Assert.Contains("not writable", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void WithoutGravityOrPlaneOnlyCameraFrameQuestionsAreAsked()
    {
        // Keep only object pixels: no support plane to find, no known gravity.
        var obs = FromScene(50, o =>
        {
            var keep = new bool[o.Depth.Meters.Length];
            foreach (var m in o.Objects) foreach (var p in m.Pixels) keep[p] = true;
            var depth = o.Depth.Meters.Select((d, i) => keep[i] ? d : 0f).ToArray();
            return o with { Id = "no-plane", KnownWorldFromCamera = null, SupportPixels = null, Depth = new DepthMap(o.Depth.Width, o.Depth.Height, depth) };
        });
        var options = new SynthesisOptions { Canonicalization = new CanonicalizationOptions { MinPlaneInliers = 100_000 } };
        var result = new SynthesisPipeline(options).Run(obs, 1);
        Assert.False(result.Frame.Canonicalized);
        Assert.NotEmpty(result.Questions.Items);
        Assert.All(result.Questions.Items, q => Assert.False(q.Type.NeedsCanonicalization, q.Type.Id));
    }

    [Fact]
    public void RecordsRoundTripByteForByteThroughTheTypedRecord()
    {
        var outDir = Path.Combine(root, "roundtrip");
        var source = new ProceduralSource(Small, 30, 4);
        Run(outDir, source);
        var lines = File.ReadAllLines(Path.Combine(outDir, "dataset.jsonl"));
        Assert.Equal(4, lines.Length);
        foreach (var line in lines)
            Assert.Equal(line, Contracts.Dataset.DatasetRecordJson.Serialize(Contracts.Dataset.DatasetRecordJson.Deserialize(line, "dataset.jsonl")));
        var records = new Contracts.Dataset.DatasetFolder(outDir).Records().ToList();
        // Each object's stored mask is exactly the instance mask the scene rendered.
        foreach (var r in records)
        {
            var observed = source.Load(source.Items.Single(i => i.Id == r.Id));
            Assert.All(r.Objects, o => Assert.Equal(observed.Objects.Single(m => m.Id == o.Id).Pixels, o.Mask!.ToPixels()));
        }
        Assert.All(records, r => Assert.All(r.Qa, q => Assert.NotNull(r.Object(q.A)?.Name)));
    }

    [Fact]
    public void ResumeUnderAnotherConfigurationIsRefusedNamingTheDifference()
    {
        var outDir = Path.Combine(root, "identity");
        Run(outDir, new ProceduralSource(Small, 30, 2));
        var fewer = new SynthesisOptions();
        fewer = fewer with { Questions = fewer.Questions with { QaPerImage = 5 } };
        var e = Assert.Throws<SpatialVlmException>(() => Run(outDir, new ProceduralSource(Small, 30, 2), options: fewer));
        Assert.Contains("config.Questions.QaPerImage: 30 → 5", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        var seed = Assert.Throws<SpatialVlmException>(() => Run(outDir, new ProceduralSource(Small, 30, 2), seed: 99));
        Assert.Contains("seed: 3 → 99", seed.Message);
        var input = Assert.Throws<SpatialVlmException>(() => Run(outDir, new ProceduralSource(Small, 31, 2)));
        Assert.Contains("input:", input.Message);
        var size = Assert.Throws<SpatialVlmException>(() => Run(outDir, new ProceduralSource(new SceneOptions { Width = 160, Height = 120 }, 30, 2)));
        Assert.Contains("input:", size.Message);
        // The same configuration resumes.
        Assert.Equal(2, Run(outDir, new ProceduralSource(Small, 30, 2)).Resumed);
    }

    [Fact]
    public void AFolderOfRecordsWithoutARunIdentityIsRefused()
    {
        var outDir = Path.Combine(root, "legacy");
        Run(outDir, new ProceduralSource(Small, 30, 1));
        File.Delete(Path.Combine(outDir, RunIdentity.FileName));
        var e = Assert.Throws<SpatialVlmException>(() => Run(outDir, new ProceduralSource(Small, 30, 1)));
        Assert.Contains("without a run identity", e.Message);
    }

    [Fact]
    public void AFailedItemIsRetriedByTheRerunAndCountedAsRecovered()
    {
        var inner = new ProceduralSource(Small, 70, 3);
        var outDir = Path.Combine(root, "recover");
        var first = Run(outDir, new FlakySource(inner, new() { ["scene-000071"] = new IOException("disk full") }));
        Assert.Equal(1, first.Failed);
        Assert.True(File.Exists(Path.Combine(outDir, "records", "scene-000071.failed.json")));
        var second = Run(outDir, new FlakySource(inner, []));
        Assert.Equal(0, second.Failed);
        Assert.Equal(1, second.Recovered);
        Assert.Equal(2, second.Resumed);
        Assert.False(File.Exists(Path.Combine(outDir, "records", "scene-000071.failed.json")));
        var fresh = Path.Combine(root, "recover-fresh");
        Run(fresh, inner);
        Assert.Equal(File.ReadAllText(Path.Combine(fresh, "dataset.jsonl")), File.ReadAllText(Path.Combine(outDir, "dataset.jsonl")));
    }

    [Fact]
    public void TemporaryFilesOfALiveWriterAreLeftAlone()
    {
        var outDir = Path.Combine(root, "live");
        Directory.CreateDirectory(Path.Combine(outDir, "records"));
        using var other = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var live = Path.Combine(outDir, "records", $".scene-000001.json.{other.Id}.abc.tmp");
        var dead = Path.Combine(outDir, "records", ".scene-000002.json.2147483000.abc.tmp");
        File.WriteAllText(live, "{");
        File.WriteAllText(dead, "{");
        try
        {
            Run(outDir, new ProceduralSource(Small, 80, 1));
            Assert.True(File.Exists(live), "a live process's temporary file was deleted");
            Assert.False(File.Exists(dead), "a dead process's temporary file was left behind");
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public void FullRunsWriteEachObjectsPointsInsideItsBox()
    {
        var outDir = Path.Combine(root, "full");
        new SynthesisRun(new SynthesisPipeline(new SynthesisOptions()), new SynthesisRunOptions { OutDir = outDir, Seed = 3, WritePoints = true, Formats = DatasetFormat.Jsonl })
            .Execute(new ProceduralSource(Small, 90, 2));
        var records = new Contracts.Dataset.DatasetFolder(outDir).Records().ToList();
        int checkedObjects = 0;
        foreach (var o in records.SelectMany(r => r.Objects))
        {
            Assert.NotNull(o.PointsFile);
            using var s = File.OpenRead(Path.Combine(outDir, o.PointsFile!));
            var cloud = Geometry.PlyWriter.Read(s);
            Assert.True(cloud.Count >= 4);
            // The box was fitted to these points (completed at the back, snapped to the floor), so nearly all lie in it.
            int inside = 0;
            for (int i = 0; i < cloud.Count; i++)
                if (o.Box.DistanceOutside(new Point3(cloud.X[i], cloud.Y[i], cloud.Z[i])) < 0.01) inside++;
            Assert.True(inside >= 0.95 * cloud.Count, $"{o.Caption}: {inside}/{cloud.Count} points inside its box");
            checkedObjects++;
        }
        Assert.True(checkedObjects >= 4, $"only {checkedObjects} objects");
    }
}
