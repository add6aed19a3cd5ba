using Parquet;
using SpatialVlm.Core;
using SpatialVlm.Synthesis.Dataset;
using SpatialVlm.Synthesis.Sharding;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Tests.Sharding;

/// <summary>One shard in process: the manifest as commit marker, skipping, redoing, refusing changed input; and the merge.</summary>
public sealed class ShardRunnerTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("shards-").FullName;
    private static readonly ShardSettings Small = new() { Seed = 5, Width = 160, Height = 120, QaPerImage = 12 };

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private static ShardPlan Procedural(int scenes, int shardSize, ShardSettings? settings = null) =>
        ShardPlan.Of(settings ?? Small, ShardPlanner.Procedural(scenes, 5, shardSize));

    private static ShardRunner Runner(ShardPlan plan, string outDir) =>
        new(plan, outDir, () => throw new InvalidOperationException("no photos here"), TimeSpan.Zero);

    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.'))
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    private static void AssertSameFiles(Dictionary<string, byte[]> expected, Dictionary<string, byte[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"{name} differs");
    }

    [Fact]
    public void AnInterruptedShardHasNoManifestAndIsRedoneFromScratch()
    {
        var plan = Procedural(3, 3);
        var shard = plan.Shards[0];
        var reference = Path.Combine(root, "reference");
        Runner(plan, reference).Run(shard);

        var outDir = Path.Combine(root, "interrupted");
        using var cancel = new CancellationTokenSource();
        // Cancelled once the first image's record is written: the run stops part way, as a killed worker would.
        Assert.ThrowsAny<OperationCanceledException>(() => Runner(plan, outDir).Run(shard,
            new Callback(p => { if (p.Done >= 1) cancel.Cancel(); }), cancel.Token));
        var dir = ShardPlan.ShardDir(outDir, shard.Name);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "records"), "*.json"));
        Assert.False(File.Exists(ShardManifest.PathIn(dir)), "a shard stopped part way must have no manifest");
        Assert.Equal("no manifest (unfinished)", ShardManifest.Check(dir, shard, plan.ConfigHash, out _));
        File.WriteAllText(Path.Combine(dir, "stray-from-the-killed-run.txt"), "x");

        var outcome = Runner(plan, outDir).Run(shard);
        Assert.False(outcome.Skipped);
        Assert.Equal(3, outcome.Succeeded);
        AssertSameFiles(Files(ShardPlan.ShardDir(reference, shard.Name)), Files(dir));
    }

    [Fact]
    public void TheManifestIsWrittenLastAndPinsEveryFile()
    {
        var plan = Procedural(2, 2);
        var outDir = Path.Combine(root, "out");
        Runner(plan, outDir).Run(plan.Shards[0]);
        var dir = ShardPlan.ShardDir(outDir, plan.Shards[0].Name);
        var manifestTime = File.GetLastWriteTimeUtc(ShardManifest.PathIn(dir));
        foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ShardManifest.FileName))
            Assert.True(File.GetLastWriteTimeUtc(f) <= manifestTime, $"{f} was written after the manifest");
        var (manifest, problem) = ShardManifest.Read(dir);
        Assert.Null(problem);
        Assert.Equal(ShardManifest.Checksums(dir), manifest!.Files);
        Assert.Contains("dataset.jsonl", manifest.Files.Keys);
        Assert.Contains("images/scene-000005.png", manifest.Files.Keys);
        Assert.Equal(2, manifest.Items);
        Assert.Equal(24, manifest.Qa);
    }

    [Theory]
    [InlineData("garbage manifest")]
    [InlineData("changed image")]
    [InlineData("manifest of another configuration")]
    public void AFinishedShardIsSkippedButACorruptOneIsRedone(string damage)
    {
        var plan = Procedural(2, 2);
        var shard = plan.Shards[0];
        var outDir = Path.Combine(root, "out");
        Runner(plan, outDir).Run(shard);
        var dir = ShardPlan.ShardDir(outDir, shard.Name);
        var finished = Files(dir);
        Assert.True(Runner(plan, outDir).Run(shard).Skipped, "a shard whose manifest validates is skipped");

        switch (damage)
        {
            case "garbage manifest": File.WriteAllText(ShardManifest.PathIn(dir), "{\"schema\": 1, \"shard\": "); break;
            case "changed image":
                var png = Path.Combine(dir, "images", "scene-000005.png");
                var bytes = File.ReadAllBytes(png);
                bytes[^20] ^= 0xFF;
                File.WriteAllBytes(png, bytes);
                break;
            default:
                var text = File.ReadAllText(ShardManifest.PathIn(dir)).Replace(plan.ConfigHash, new string('0', 64));
                File.WriteAllText(ShardManifest.PathIn(dir), text);
                break;
        }
        Assert.NotNull(ShardManifest.Check(dir, shard, plan.ConfigHash, out _));
        var redo = Runner(plan, outDir).Run(shard);
        Assert.False(redo.Skipped, $"{damage}: the shard must be redone");
        Assert.Null(ShardManifest.Check(dir, shard, plan.ConfigHash, out _));
        AssertSameFiles(finished, Files(dir));
    }

    [Fact]
    public void AChangedInputIsRefusedNamingTheShard()
    {
        // Two scene folders written by the generator, planned as two shards of one folder each.
        var scenes = Path.Combine(root, "scenes");
        var generator = new Scenes.SceneGenerator(Small.Scenes());
        foreach (var seed in new[] { 1L, 2L }) Scenes.SceneFolder.Write(Path.Combine(scenes, $"scene-{seed:D6}"), generator.Generate(seed));
        var plan = ShardPlan.Of(Small, ShardPlanner.FromInputs([scenes], 1, (_, _, _) => 0));
        Assert.Equal(2, plan.Shards.Count);
        Assert.All(plan.Shards, s => Assert.Equal(ShardInputKind.SceneFolders, s.Input.Kind));

        var json = Path.Combine(scenes, "scene-000002", "scene.json");
        File.AppendAllText(json, " "); // one more byte: still a valid scene, but not the input that was planned
        var outDir = Path.Combine(root, "out");
        Assert.False(Runner(plan, outDir).Run(plan.Shards[0]).Skipped); // untouched input runs
        var e = Assert.Throws<SpatialVlmException>(() => Runner(plan, outDir).Run(plan.Shards[1]));
        Assert.StartsWith("shard-00001: its input changed since planning", e.Message);
        Assert.False(Directory.Exists(Path.Combine(ShardPlan.ShardDir(outDir, "shard-00001"), "records")), "nothing is made from a changed input");
    }

    [Fact]
    public async Task ShardedRecordsEqualOneUnshardedRunAndTheMergeLoadsAsParquet()
    {
        var plan = Procedural(7, 2);
        var outDir = Path.Combine(root, "sharded");
        // Shards in reverse order, as workers may finish them: the merge still follows the plan.
        foreach (var shard in plan.Shards.Reverse()) Runner(plan, outDir).Run(shard);
        var manifest = new ShardMerger(plan, outDir).Merge(parquetFileBytes: 150_000, allowMissing: false);

        var single = Path.Combine(root, "single");
        new SynthesisRun(new SynthesisPipeline(Small.Pipeline()), new SynthesisRunOptions { OutDir = single, Seed = Small.Seed, Workers = 2, Formats = DatasetFormat.Jsonl })
            .Execute(new ProceduralSource(Small.Scenes(), 5, 7));
        var merged = Path.Combine(outDir, "merged");
        Assert.Equal(File.ReadAllText(Path.Combine(single, "dataset.jsonl")), File.ReadAllText(Path.Combine(merged, "dataset.jsonl")));
        foreach (var png in Directory.GetFiles(Path.Combine(single, "images")))
            Assert.Equal(File.ReadAllBytes(png), File.ReadAllBytes(Path.Combine(merged, "images", Path.GetFileName(png))));

        Assert.Equal(7, manifest.Succeeded);
        Assert.True(manifest.DataFiles.Count > 1, "a small size limit gives several Parquet files");
        var ids = new List<string>();
        foreach (var file in manifest.DataFiles)
        {
            Assert.Matches(@"^data-\d{5}-of-\d{5}\.parquet$", file.Name);
            Assert.EndsWith($"-of-{manifest.DataFiles.Count:D5}.parquet", file.Name);
            var path = Path.Combine(merged, file.Name);
            await using (var stream = File.OpenRead(path))
            await using (var reader = await ParquetReader.CreateAsync(stream))
            {
                Assert.Equal(["id", "image", "width", "height", "canonicalized", "messages", "qa", "objects"], reader.Schema.Fields.Select(f => f.Name));
                Assert.Equal(file.Rows, Enumerable.Range(0, reader.RowGroupCount).Sum(g => (int)reader.OpenRowGroupReader(g).RowCount));
            }
            var rows = await ParquetDatasetWriter.ReadAsync(path);
            Assert.Equal(file.Rows, rows.Count);
            Assert.All(rows, r => Assert.NotEmpty(r.Image.Bytes));
            ids.AddRange(rows.Select(r => r.Id));
        }
        Assert.Equal(File.ReadLines(Path.Combine(merged, "dataset.jsonl")).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!["id"]!.GetValue<string>()), ids);
        var card = File.ReadAllText(Path.Combine(merged, "README.md"));
        Assert.StartsWith("---\nconfigs:\n- config_name: default\n  data_files:\n", card);
        Assert.Contains("| QA pairs | 84 |", card);
    }

    [Fact]
    public void AMissingShardIsNamedWithItsReason()
    {
        var plan = Procedural(4, 2);
        var outDir = Path.Combine(root, "out");
        Runner(plan, outDir).Run(plan.Shards[0]);
        var e = Assert.Throws<SpatialVlmException>(() => new ShardMerger(plan, outDir).Merge(1 << 20, allowMissing: false));
        Assert.Contains("shard-00001: not run", e.Message);
        Assert.False(Directory.Exists(Path.Combine(outDir, "merged")));
        var partial = new ShardMerger(plan, outDir).Merge(1 << 20, allowMissing: true);
        Assert.Equal(["merged", "missing"], partial.Shards.Select(s => s.Status));
        Assert.Equal("not run", partial.Shards[1].Reason);
        Assert.Equal(2, File.ReadLines(Path.Combine(outDir, "merged", "dataset.jsonl")).Count());
    }

    private sealed class Callback(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
