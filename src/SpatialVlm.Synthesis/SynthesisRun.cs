using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Synthesis.Dataset;
using SpatialVlm.Synthesis.Pictures;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis;

public sealed record SynthesisRunOptions
{
    public required string OutDir { get; init; }
    public DatasetFormat Formats { get; init; } = DatasetFormat.Jsonl | DatasetFormat.Parquet | DatasetFormat.Llava;
    /// <summary>Mixed into every item's seed, so the same inputs give a different (but reproducible) dataset.</summary>
    public long Seed { get; init; }
    /// <summary>Images processed at once. Default 1; the CLI passes the core count.</summary>
    public int Workers { get; init; } = 1;
    /// <summary>Also draw OUT/overlays/&lt;id&gt;.png: what the engine saw in each image (default false).</summary>
    public bool Overlays { get; init; }
    /// <summary>How overlays are drawn.</summary>
    public OverlayOptions Overlay { get; init; } = new();
    /// <summary>Also write each object's denoised points as OUT/points/&lt;id&gt;/&lt;object&gt;.ply (default false; `synth --full`).</summary>
    public bool WritePoints { get; init; }
    /// <summary>Perception models used, name → checksum: part of the run's identity (default none).</summary>
    public IReadOnlyDictionary<string, string> Models { get; init; } = new Dictionary<string, string>();
    /// <summary>Write OUT/manifest.json at the end (default true); a shard of a sharded run writes its own manifest instead, last.</summary>
    public bool WriteManifest { get; init; } = true;
}

public sealed record RunProgress(int Done, int Total, int Failed, int Resumed);

/// <param name="Recovered">Items that had failed in an earlier run and succeeded in this one.</param>
public sealed record RunSummary(int Images, int Failed, int Resumed, int Recovered, int Qa, DatasetStatistics Statistics, TimeSpan Elapsed);

/// <summary>What the per-item step did: counts over the items, and the items in id order.</summary>
public sealed record ItemsOutcome(IReadOnlyList<SourceItem> Items, int Failed, int Resumed, int Recovered);

/// <summary>
/// Runs the pipeline over a source into OUT in two steps. <see cref="ProcessItems"/> writes each image's record
/// atomically to OUT/records/&lt;id&gt;.json as soon as it is done (a failure to OUT/records/&lt;id&gt;.failed.json), so a
/// rerun into the same folder resumes: finished ids are read back, failed ones are tried again. <see cref="Assemble"/>
/// then writes the dataset files in id order, so the output is identical for the same seed however the work was split
/// between workers or runs. OUT/run.json holds the run's identity (configuration, input, models, seed); a rerun
/// under another identity is refused. With overlays on, each image also gets OUT/overlays/&lt;id&gt;.png.
/// </summary>
public sealed class SynthesisRun(SynthesisPipeline pipeline, SynthesisRunOptions options)
{
    private string RecordsDir => Path.Combine(options.OutDir, "records");
    private string ImagesDir => Path.Combine(options.OutDir, "images");
    private string OverlaysDir => Path.Combine(options.OutDir, "overlays");
    private string PointsDir => Path.Combine(options.OutDir, "points");

    public RunSummary Execute(IObservationSource source, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var outcome = ProcessItems(source, progress, ct);
        var stats = Assemble(outcome.Items);
        return new RunSummary(outcome.Items.Count, stats.FailedImages, outcome.Resumed, outcome.Recovered, stats.QaTotal, stats, started.Elapsed);
    }

    /// <summary>The identity of this run over <paramref name="source"/>.</summary>
    public RunIdentity Identity(IObservationSource source)
    {
        string input;
        if (source is IStreamedSource and IFingerprinted generated)
            // Generated items follow from their count, the first item and the generator's options: no need to list them.
            input = $"{source.Items.Count} items from {(source.Items.Count > 0 ? source.Items[0].Id : "-")} options {generated.Fingerprint[..16]}";
        else
        {
            var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var item in source.Items) digest.AppendData(Encoding.UTF8.GetBytes($"{item.Id}\t{item.Seed}\n"));
            input = $"{source.Items.Count} items {Convert.ToHexStringLower(digest.GetHashAndReset())[..16]}" +
                    (source is IFingerprinted f ? $" options {f.Fingerprint[..16]}" : "");
        }
        return RunIdentity.Of(pipeline.Options, input, options.Models, options.Seed, options.WritePoints);
    }

    /// <summary>Step 1: every item's record (or failure) under OUT/records/, skipping items already done.</summary>
    public ItemsOutcome ProcessItems(IObservationSource source, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        var items = source.Items;
        if (source is not IStreamedSource && items.Select(i => i.Id).Distinct(StringComparer.Ordinal).Count() != items.Count)
            throw new SpatialVlmException($"{source.Description}: input ids are not unique");
        PrepareOutput(Identity(source));
        int done = 0, failed = 0, resumed = 0, recovered = 0;
        Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Workers), CancellationToken = ct }, item =>
        {
            var state = ProcessOne(source, item);
            if (state == ItemState.Resumed) Interlocked.Increment(ref resumed);
            if (state == ItemState.Failed) Interlocked.Increment(ref failed);
            if (state == ItemState.Recovered) Interlocked.Increment(ref recovered);
            progress?.Report(new RunProgress(Interlocked.Increment(ref done), items.Count, Volatile.Read(ref failed), Volatile.Read(ref resumed)));
        });
        var ordered = source is IStreamedSource ? items : items.OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
        return new ItemsOutcome(ordered, failed, resumed, recovered);
    }

    /// <summary>Step 2: dataset.jsonl, the other formats, the card and the manifest from the items' records, in id order.</summary>
    public DatasetStatistics Assemble(IReadOnlyList<SourceItem> items)
    {
        var failures = Failures(items);
        // Records are read back from their files one at a time for each output, so memory does not grow with the run.
        IEnumerable<DatasetRecord> Records() => items.Where(i => File.Exists(RecordPath(i.Id)))
            .Select(i => DatasetRecordJson.Deserialize(File.ReadAllText(RecordPath(i.Id)), RecordPath(i.Id)));
        var overlays = options.Overlays ? items.Count(i => File.Exists(OverlayPath(i.Id))) : (int?)null;
        return WriteDataset(Records, failures, overlays);
    }

    /// <summary>The items without a record, each with the reason its failure file gives ("not processed" when none), in item order.</summary>
    public List<(string Id, string Reason)> Failures(IReadOnlyList<SourceItem> items)
    {
        var failures = new List<(string Id, string Reason)>();
        foreach (var item in items)
            if (!File.Exists(RecordPath(item.Id)))
                failures.Add((item.Id, File.Exists(FailurePath(item.Id))
                    ? (string)JsonNode.Parse(File.ReadAllText(FailurePath(item.Id)))!["reason"]!
                    : "not processed"));
        return failures;
    }

    private enum ItemState { Done, Resumed, Failed, Recovered }

    private ItemState ProcessOne(IObservationSource source, SourceItem item)
    {
        var recordPath = RecordPath(item.Id);
        bool needOverlay = options.Overlays && !File.Exists(OverlayPath(item.Id));
        bool complete = IsComplete(recordPath);
        if (complete && !needOverlay) return ItemState.Resumed;
        bool failedBefore = !complete && File.Exists(FailurePath(item.Id));
        Observation? obs = null;
        try
        {
            obs = source.Load(item);
            var result = pipeline.Run(obs, ItemSeed(item));
            if (!complete)
            {
                var (bytes, ext) = source.ImageFile(item, obs);
                var imageRel = $"images/{item.Id}{ext}";
                AtomicFile.WriteAllBytes(Path.Combine(options.OutDir, imageRel), bytes);
                Func<int, string>? pointsFile = null;
                if (options.WritePoints)
                {
                    foreach (var m in result.Objects)
                        AtomicFile.Write(Path.Combine(options.OutDir, PointsRel(item.Id, m.Spatial.Id)), s => PlyWriter.Write(s, m.WorldPoints));
                    pointsFile = id => PointsRel(item.Id, id);
                }
                var record = DatasetRecordBuilder.Build(result, imageRel, pointsFile);
                AtomicFile.WriteAllText(recordPath, DatasetRecordJson.Serialize(record));
                if (failedBefore) File.Delete(FailurePath(item.Id));
            }
            if (needOverlay) WriteOverlay(item.Id, OverlayContent.FromResult(result, pipeline.Options.Canonicalization.PlaneDistance));
            return complete ? ItemState.Resumed : failedBefore ? ItemState.Recovered : ItemState.Done;
        }
        // One bad image must not stop a large run: any failure short of running out of memory or being cancelled is
        // recorded against its item; failures we did not foresee are labelled as such so they stand out in the manifest.
        catch (Exception caught) when (caught is not (OutOfMemoryException or OperationCanceledException))
        {
            var e = caught is AggregateException { InnerExceptions.Count: 1 } single ? single.InnerExceptions[0] : caught;
            if (e is IOException && !Directory.Exists(options.OutDir)) throw;
            // A full disk is the run's failure, not the item's: the item would succeed with space, so it must not be recorded as failed.
            if (AtomicFile.IsDiskFull(e)) throw;
            bool foreseen = e is SpatialVlmException or IOException or InvalidDataException or FormatException or ArgumentException;
            var reason = (foreseen ? "" : $"unexpected {e.GetType().Name}: ") + e.Message.Split('\n')[0];
            if (!complete) AtomicFile.WriteAllText(FailurePath(item.Id), new JsonObject { ["id"] = item.Id, ["reason"] = reason }.ToJsonString());
            if (needOverlay)
            {
                // Drawn when an image was loaded: by the source, or by perception before it turned the image down.
                if (obs is not null) WriteOverlay(item.Id, OverlayContent.FromFailure(obs.Image, obs.Objects, obs.Perception, reason));
                else if (e is ImageRejectedException rejected) WriteOverlay(item.Id, OverlayContent.FromFailure(rejected.Image, [], rejected.Perception, reason));
            }
            return complete ? ItemState.Resumed : ItemState.Failed;
        }
    }

    private void WriteOverlay(string id, OverlayContent content) =>
        AtomicFile.WriteAllBytes(OverlayPath(id), OverlayRenderer.EncodePng(content, options.Overlay));

    private static bool IsComplete(string recordPath)
    {
        if (!File.Exists(recordPath)) return false;
        try
        {
            DatasetRecordJson.Deserialize(File.ReadAllText(recordPath), recordPath);
            return true;
        }
        catch (SpatialVlmException) { File.Delete(recordPath); return false; } // unreadable leftovers are redone
    }

    /// <summary>The pipeline's seed for one item: its own seed mixed with the run's.</summary>
    private int ItemSeed(SourceItem item) => Seeds.Derive(options.Seed, item.Seed);

    private string RecordPath(string id) => Path.Combine(RecordsDir, id + ".json");
    private string FailurePath(string id) => Path.Combine(RecordsDir, id + ".failed.json");
    private string OverlayPath(string id) => Path.Combine(OverlaysDir, id + ".png");
    private static string PointsRel(string id, int objectId) => $"points/{id}/{objectId}.ply";

    /// <summary>
    /// Creates OUT, checks that it holds no run of another identity (then records this one), and removes temporary
    /// files that a killed run left behind: only those whose writing process is gone, so two live runs never delete
    /// each other's.
    /// </summary>
    private void PrepareOutput(RunIdentity identity)
    {
        try
        {
            Directory.CreateDirectory(RecordsDir);
            Directory.CreateDirectory(ImagesDir);
            if (options.Overlays) Directory.CreateDirectory(OverlaysDir);
            if (options.WritePoints) Directory.CreateDirectory(PointsDir);
            var probe = Path.Combine(options.OutDir, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpatialVlmException($"{options.OutDir}: output folder is not writable ({e.Message.Split('\n')[0]})", e);
        }
        var stored = RunIdentity.Read(options.OutDir);
        if (stored is null)
        {
            if (Directory.EnumerateFiles(RecordsDir, "*.json").Any())
                throw new SpatialVlmException($"{options.OutDir} holds records without a run identity (written by an older build); use a new output folder");
            identity.Write(options.OutDir);
        }
        else identity.CheckSameAs(stored, options.OutDir);
        foreach (var dir in new[] { options.OutDir, RecordsDir, ImagesDir, OverlaysDir }.Where(Directory.Exists))
            foreach (var tmp in Directory.EnumerateFiles(dir, ".*.tmp"))
                if (AtomicFile.WriterIsGone(tmp)) File.Delete(tmp);
    }

    private DatasetStatistics WriteDataset(Func<IEnumerable<DatasetRecord>> records, List<(string Id, string Reason)> failures, int? overlays)
    {
        var outDir = options.OutDir;
        DatasetStatistics stats = null!;
        AtomicFile.Write(Path.Combine(outDir, "dataset.jsonl"), s =>
        {
            using var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            // One pass over the record files gives both dataset.jsonl and the card's statistics.
            stats = DatasetStatistics.Compute(records().Select(r => { w.WriteLine(DatasetRecordJson.Serialize(r)); return r; }), failures);
        });
        if (options.Formats.HasFlag(DatasetFormat.Parquet)) ParquetDatasetWriter.Write(Path.Combine(outDir, "dataset.parquet"), records(), outDir);
        if (options.Formats.HasFlag(DatasetFormat.Llava)) LlavaWriter.Write(Path.Combine(outDir, "llava.json"), records());
        AtomicFile.WriteAllText(Path.Combine(outDir, "README.md"), stats.ToMarkdown("Spatial VQA dataset", MarginPolicyText.Lines(pipeline.Options), overlays));
        if (!options.WriteManifest) return stats;
        var manifest = new JsonObject
        {
            ["schema"] = DatasetRecordJson.SchemaVersion,
            ["images"] = stats.Images + failures.Count,
            ["succeeded"] = stats.Images,
            ["failed"] = new JsonArray(failures.Select(f => (JsonNode)new JsonObject { ["id"] = f.Id, ["reason"] = f.Reason }).ToArray()),
            ["seed"] = options.Seed,
            ["run"] = RunIdentity.Read(outDir)?.Hash,
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "manifest.json"), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return stats;
    }
}
