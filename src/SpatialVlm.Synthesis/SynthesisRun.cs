using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialVlm.Core;
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
    /// <summary>Images processed at once (default: the core count).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>Also draw OUT/overlays/&lt;id&gt;.png: what the engine saw in each image (default false).</summary>
    public bool Overlays { get; init; }
    /// <summary>How overlays are drawn.</summary>
    public OverlayOptions Overlay { get; init; } = new();
}

public sealed record RunProgress(int Done, int Total, int Failed, int Resumed);

public sealed record RunSummary(int Images, int Failed, int Resumed, int Qa, DatasetStatistics Statistics, TimeSpan Elapsed);

/// <summary>
/// Runs the pipeline over a source into OUT. Each image's record is written atomically to
/// OUT/records/&lt;id&gt;.json as soon as it is done, so a rerun into the same folder resumes: finished ids
/// are read back, not redone. The dataset files are then assembled in id order, so the output is identical
/// for the same seed however the work was split between workers or runs. With overlays on, each image also gets
/// OUT/overlays/&lt;id&gt;.png (failed images too, when an image was loaded); a rerun draws only the missing ones.
/// </summary>
public sealed class SynthesisRun(SynthesisPipeline pipeline, SynthesisRunOptions options)
{
    private string RecordsDir => Path.Combine(options.OutDir, "records");
    private string ImagesDir => Path.Combine(options.OutDir, "images");
    private string OverlaysDir => Path.Combine(options.OutDir, "overlays");

    public RunSummary Execute(IObservationSource source, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        PrepareOutput();
        var items = source.Items;
        if (items.Select(i => i.Id).Distinct(StringComparer.Ordinal).Count() != items.Count)
            throw new SpatialVlmException($"{source.Description}: input ids are not unique");
        int done = 0, failed = 0, resumed = 0;
        Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Workers), CancellationToken = ct }, item =>
        {
            var state = ProcessOne(source, item);
            if (state == ItemState.Resumed) Interlocked.Increment(ref resumed);
            if (state == ItemState.Failed) Interlocked.Increment(ref failed);
            progress?.Report(new RunProgress(Interlocked.Increment(ref done), items.Count, Volatile.Read(ref failed), Volatile.Read(ref resumed)));
        });

        var records = new List<JsonObject>();
        var failures = new List<(string Id, string Reason)>();
        foreach (var item in items.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            var path = RecordPath(item.Id);
            if (File.Exists(path)) records.Add(JsonNode.Parse(File.ReadAllText(path))!.AsObject());
            else failures.Add((item.Id, (string)JsonNode.Parse(File.ReadAllText(FailurePath(item.Id)))!["reason"]!));
        }
        var overlays = options.Overlays ? items.Count(i => File.Exists(OverlayPath(i.Id))) : (int?)null;
        var stats = WriteDataset(records, failures, overlays);
        return new RunSummary(items.Count, failures.Count, resumed, stats.QaTotal, stats, started.Elapsed);
    }

    private enum ItemState { Done, Resumed, Failed }

    private ItemState ProcessOne(IObservationSource source, SourceItem item)
    {
        var recordPath = RecordPath(item.Id);
        bool needOverlay = options.Overlays && !File.Exists(OverlayPath(item.Id));
        bool complete = IsComplete(recordPath);
        if (complete && !needOverlay) return ItemState.Resumed;
        bool failedBefore = !complete && File.Exists(FailurePath(item.Id));
        if (failedBefore && !needOverlay) return ItemState.Failed;
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
                var record = DatasetRecordBuilder.Build(result, imageRel);
                AtomicFile.WriteAllText(recordPath, record.ToJsonString());
                if (failedBefore) File.Delete(FailurePath(item.Id));
            }
            if (needOverlay) WriteOverlay(item.Id, OverlayContent.FromResult(result, pipeline.Options.Canonicalization.PlaneDistance));
            return complete ? ItemState.Resumed : ItemState.Done;
        }
        // One bad image must not stop a large run: any failure short of running out of memory or being cancelled is
        // recorded against its item; failures we did not foresee are labelled as such so they stand out in the manifest.
        catch (Exception caught) when (caught is not (OutOfMemoryException or OperationCanceledException))
        {
            var e = caught is AggregateException { InnerExceptions.Count: 1 } single ? single.InnerExceptions[0] : caught;
            if (e is IOException && !Directory.Exists(options.OutDir)) throw;
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
        try { return JsonNode.Parse(File.ReadAllText(recordPath)) is JsonObject; }
        catch (JsonException) { File.Delete(recordPath); return false; } // unreadable leftovers are redone
    }

    /// <summary>The pipeline's seed for one item: its own seed mixed with the run's (splitmix-style, folded to 32 bits).</summary>
    private int ItemSeed(SourceItem item)
    {
        var z = (ulong)item.Seed * 0x9E3779B97F4A7C15UL ^ (ulong)options.Seed;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }

    private string RecordPath(string id) => Path.Combine(RecordsDir, id + ".json");
    private string FailurePath(string id) => Path.Combine(RecordsDir, id + ".failed.json");
    private string OverlayPath(string id) => Path.Combine(OverlaysDir, id + ".png");

    /// <summary>Creates OUT and removes temporary files a killed run left behind.</summary>
    private void PrepareOutput()
    {
        try
        {
            Directory.CreateDirectory(RecordsDir);
            Directory.CreateDirectory(ImagesDir);
            if (options.Overlays) Directory.CreateDirectory(OverlaysDir);
            var probe = Path.Combine(options.OutDir, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpatialVlmException($"{options.OutDir}: output folder is not writable ({e.Message.Split('\n')[0]})", e);
        }
        foreach (var dir in new[] { options.OutDir, RecordsDir, ImagesDir, OverlaysDir }.Where(Directory.Exists))
            foreach (var tmp in Directory.EnumerateFiles(dir, ".*.tmp"))
                File.Delete(tmp);
    }

    private DatasetStatistics WriteDataset(List<JsonObject> records, List<(string Id, string Reason)> failures, int? overlays)
    {
        var outDir = options.OutDir;
        AtomicFile.Write(Path.Combine(outDir, "dataset.jsonl"), s =>
        {
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            foreach (var r in records) w.WriteLine(r.ToJsonString());
        });
        if (options.Formats.HasFlag(DatasetFormat.Parquet)) ParquetDatasetWriter.Write(Path.Combine(outDir, "dataset.parquet"), records, outDir);
        if (options.Formats.HasFlag(DatasetFormat.Llava)) LlavaWriter.Write(Path.Combine(outDir, "llava.json"), records);
        var stats = DatasetStatistics.Compute(records, failures);
        AtomicFile.WriteAllText(Path.Combine(outDir, "README.md"), stats.ToMarkdown("Spatial VQA dataset", MarginPolicy(), overlays));
        var manifest = new JsonObject
        {
            ["images"] = records.Count + failures.Count,
            ["succeeded"] = records.Count,
            ["failed"] = new JsonArray(failures.Select(f => (JsonNode)new JsonObject { ["id"] = f.Id, ["reason"] = f.Reason }).ToArray()),
            ["seed"] = options.Seed,
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "manifest.json"), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return stats;
    }

    private IEnumerable<string> MarginPolicy()
    {
        var m = pipeline.Options.Measurement;
        var q = pipeline.Options.Questions.Margins;
        yield return $"Positional relations (left/right, above/below, behind/front) need a difference of at least max({q.MinimumMeters:0.###} m, {q.ExtentShare:P0} of the larger object's extent along that axis), times the pair's larger margin scale.";
        yield return $"An object's margin scale is 1 for a well-sampled object (≥ {m.WellSampledPoints} points) within 2 m, grows by {m.MarginPerMeter:0.##} per meter beyond 2 m, up to ×2 as its point count falls toward 0, and by {pipeline.Options.Occlusion.MarginPerHiddenShare:0.##} per unit share of its outline hidden behind nearer surfaces or the image edge; objects with more than {pipeline.Options.Occlusion.DropAbove:P0} of their outline hidden are left out.";
        yield return $"Objects cut by the image edge, or with more than {pipeline.Options.Occlusion.SizeUnknownAbove:P0} of their outline hidden, get no size questions (tall/short, wide/thin, big/small, height, width): their boxes are lower bounds.";
        yield return $"Objects cut by the image edge get ×{pipeline.Options.Occlusion.TruncatedMarginFactor:0.##}; objects whose visible footprint is shallower along the line of sight than {pipeline.Options.Occlusion.ShallowFootprintRatio:0.##} of its breadth (back unseen) get ×{pipeline.Options.Occlusion.ShallowFootprintMarginFactor:0.##}.";
        yield return $"Size relations (tall/short, wide/thin, big/small) need the larger to be at least {pipeline.Options.Questions.Margins.SizeShare:P0} larger (times the pair's margin scale): sizes come from visible surfaces only.";
        yield return "Pairs inside the margin get no qualitative question" + (pipeline.Options.Questions.UncertaintyAnswers ? ", except uncertainty answers, which are marked uncertain." : ".");
        yield return $"Objects whose lowest point lies within {m.SupportSnap:0.00} m of the support plane are extended down to it (only visible surfaces are seen).";
    }
}
