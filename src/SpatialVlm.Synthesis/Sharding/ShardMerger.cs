using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;
using SpatialVlm.Synthesis.Dataset;

namespace SpatialVlm.Synthesis.Sharding;

/// <summary>One shard as the merge saw it.</summary>
public sealed record MergedShard
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    /// <summary>"merged", or "missing" with the reason.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("items")] public int Items { get; init; }
    [JsonPropertyName("succeeded")] public int Succeeded { get; init; }
    [JsonPropertyName("failed")] public int Failed { get; init; }
    [JsonPropertyName("qa")] public int Qa { get; init; }
    /// <summary>SHA-256 of the shard's manifest.json, which pins every file of the shard.</summary>
    [JsonPropertyName("manifest_sha256")] public string? ManifestSha256 { get; init; }
}

/// <summary>One Parquet file of the merged dataset.</summary>
public sealed record MergedDataFile([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("rows")] int Rows);

/// <summary>OUT/merged/manifest.json: every shard of the plan (merged or missing with its reason), the totals and the Parquet files.</summary>
public sealed record MergedManifest
{
    [JsonPropertyName("schema")] public int Schema { get; init; } = 1;
    [JsonPropertyName("record_schema")] public int RecordSchema { get; init; } = DatasetRecordJson.SchemaVersion;
    [JsonPropertyName("config_hash")] public required string ConfigHash { get; init; }
    [JsonPropertyName("images")] public required int Images { get; init; }
    [JsonPropertyName("succeeded")] public required int Succeeded { get; init; }
    [JsonPropertyName("failed")] public required int Failed { get; init; }
    [JsonPropertyName("qa")] public required int Qa { get; init; }
    [JsonPropertyName("shards")] public required IReadOnlyList<MergedShard> Shards { get; init; }
    [JsonPropertyName("data_files")] public required IReadOnlyList<MergedDataFile> DataFiles { get; init; }
}

/// <summary>
/// Merges a plan's finished shards into OUT/merged/: dataset.jsonl (records in plan order, each shard's lines as its
/// shard wrote them), images/, Parquet files data-00000-of-000NN.parquet of about the given size in row groups, a card
/// README.md that Hugging Face `datasets` loads as one dataset, and manifest.json (written last). Every shard's
/// manifest is validated first; a shard that is missing or invalid is named with its reason and, unless allowed,
/// stops the merge before anything is written. The output is a function of the shards alone: no times, no host names.
/// </summary>
public sealed class ShardMerger(ShardPlan plan, string outDir)
{
    public const int RowGroupRows = 100;
    public const long MaxRowGroupBytes = 64L << 20;

    public string MergedDir => Path.Combine(outDir, "merged");

    /// <summary>Each shard of the plan, in plan order, with the reason it cannot be merged (null when it can).</summary>
    public IReadOnlyList<(ShardSpec Spec, ShardManifest? Manifest, string? Problem)> Check() =>
        plan.Shards.Select(s =>
        {
            var problem = ShardManifest.Check(ShardPlan.ShardDir(outDir, s.Name), s, plan.ConfigHash, out var manifest);
            return (s, problem is null ? manifest : null, problem);
        }).ToList();

    public MergedManifest Merge(long parquetFileBytes, bool allowMissing, IProgress<int>? recordsDone = null)
    {
        if (parquetFileBytes <= 0) throw new SpatialVlmException($"the Parquet file size must be positive, got {parquetFileBytes}");
        var shards = Check();
        var missing = shards.Where(s => s.Problem is not null).ToList();
        if (missing.Count > 0 && !allowMissing)
            throw new SpatialVlmException($"{missing.Count} of {shards.Count} shards cannot be merged: " +
                string.Join("; ", missing.Take(3).Select(m => $"{m.Spec.Name}: {m.Problem}")) + (missing.Count > 3 ? $"; {missing.Count - 3} more" : "") +
                " (run them with run-shards, or merge with --allow-missing)");
        var merged = shards.Where(s => s.Problem is null).ToList();
        Directory.CreateDirectory(MergedDir);
        // Stale pieces of an earlier merge go first: the manifest (so the folder is not taken as finished), then its Parquet files.
        File.Delete(Path.Combine(MergedDir, ShardManifest.FileName));
        foreach (var old in Directory.EnumerateFiles(MergedDir, "data-*.parquet")) File.Delete(old);

        // Pass 1: dataset.jsonl (each shard's lines as written), images, statistics, and each record's size for the Parquet split.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var sizes = new List<long>();
        var failures = merged.SelectMany(s => s.Manifest!.Failed.Select(f => (f.Id, f.Reason))).ToList();
        DatasetStatistics stats = null!;
        int done = 0;
        AtomicFile.Write(Path.Combine(MergedDir, "dataset.jsonl"), stream =>
        {
            IEnumerable<DatasetRecord> Copied()
            {
                foreach (var (spec, _, _) in merged)
                {
                    var shardDir = ShardPlan.ShardDir(outDir, spec.Name);
                    foreach (var (line, record) in Lines(shardDir))
                    {
                        if (!ids.Add(record.Id)) throw new SpatialVlmException($"{spec.Name}: record '{Printable.Clip(record.Id, 60)}' is also in an earlier shard; the plan's shards overlap");
                        var bytes = Encoding.UTF8.GetBytes(line + "\n");
                        stream.Write(bytes);
                        var image = Path.Combine(shardDir, record.Image);
                        AtomicFile.Write(Path.Combine(MergedDir, record.Image), s => { using var src = File.OpenRead(image); src.CopyTo(s); });
                        sizes.Add(new FileInfo(image).Length + bytes.Length);
                        recordsDone?.Report(++done);
                        yield return record;
                    }
                }
            }
            stats = DatasetStatistics.Compute(Copied(), failures);
        });

        // Pass 2: Parquet files of about the wanted size; how many follows from the sizes, so each file is written once under its final name.
        var total = sizes.Sum();
        int fileCount = (int)Math.Max(1, Math.Min(Math.Max(1, sizes.Count), (total + parquetFileBytes - 1) / parquetFileBytes));
        var ends = new List<int>();
        long running = 0;
        for (int i = 0, part = 0; i < sizes.Count; i++)
        {
            running += sizes[i];
            if (running >= total * (part + 1) / fileCount && part < fileCount - 1) { ends.Add(i + 1); part++; }
        }
        while (ends.Count < fileCount - 1) ends.Add(sizes.Count);
        ends.Add(sizes.Count);
        var dataFiles = new List<MergedDataFile>();
        using (var records = AllRecords(merged).GetEnumerator())
        {
            int start = 0;
            for (int f = 0; f < fileCount; f++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"data-{f:D5}-of-{fileCount:D5}.parquet");
                var rows = ParquetDatasetWriter.WriteRowGroups(Path.Combine(MergedDir, name), Take(records, ends[f] - start).Select(r => r.Record),
                    r => MergedDir, RowGroupRows, Math.Min(MaxRowGroupBytes, Math.Max(1, parquetFileBytes / 4)));
                dataFiles.Add(new MergedDataFile(name, rows));
                start = ends[f];
            }
        }

        AtomicFile.WriteAllText(Path.Combine(MergedDir, "README.md"), Card(stats));
        var manifest = new MergedManifest
        {
            ConfigHash = plan.ConfigHash,
            Images = merged.Sum(s => s.Manifest!.Items),
            Succeeded = stats.Images,
            Failed = failures.Count,
            Qa = stats.QaTotal,
            Shards = shards.Select(s => s.Problem is null
                ? new MergedShard
                {
                    Name = s.Spec.Name, Status = "merged", Items = s.Manifest!.Items, Succeeded = s.Manifest.Succeeded, Failed = s.Manifest.Failed.Count, Qa = s.Manifest.Qa,
                    ManifestSha256 = ShardPlanner.FileChecksum(ShardManifest.PathIn(ShardPlan.ShardDir(outDir, s.Spec.Name))),
                }
                : new MergedShard { Name = s.Spec.Name, Status = "missing", Reason = s.Problem, Items = s.Spec.Items }).ToList(),
            DataFiles = dataFiles,
        };
        if (manifest.Succeeded != merged.Sum(s => s.Manifest!.Succeeded) || manifest.Qa != merged.Sum(s => s.Manifest!.Qa))
            throw new SpatialVlmException("the shards' records do not add up to their manifests' counts; a shard folder was changed after it was finished");
        AtomicFile.WriteAllText(Path.Combine(MergedDir, ShardManifest.FileName), JsonSerializer.Serialize(manifest, ShardPlan.Json) + "\n");
        return manifest;
    }

    /// <summary>The card: YAML front matter naming the Parquet files as the default configuration, then the statistics.</summary>
    private string Card(DatasetStatistics stats)
    {
        var sb = new StringBuilder();
        sb.Append("---\n");
        sb.Append("configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: \"data-*-of-*.parquet\"\n");
        sb.Append("task_categories:\n- visual-question-answering\n");
        sb.Append("---\n\n");
        sb.Append(stats.ToMarkdown("Spatial VQA dataset", MarginPolicyText.Lines(plan.Settings.Pipeline())));
        return sb.ToString();
    }

    private IEnumerable<(DatasetRecord Record, string ShardDir)> AllRecords(IEnumerable<(ShardSpec Spec, ShardManifest? Manifest, string? Problem)> merged)
    {
        foreach (var (spec, _, _) in merged)
        {
            var shardDir = ShardPlan.ShardDir(outDir, spec.Name);
            foreach (var (_, record) in Lines(shardDir)) yield return (record, shardDir);
        }
    }

    private static IEnumerable<(string Line, DatasetRecord Record)> Lines(string shardDir)
    {
        var path = Path.Combine(shardDir, "dataset.jsonl");
        foreach (var line in File.ReadLines(path))
            if (line.Length > 0) yield return (line, DatasetRecordJson.Deserialize(line, path));
    }

    private static IEnumerable<T> Take<T>(IEnumerator<T> source, int count)
    {
        for (int i = 0; i < count && source.MoveNext(); i++) yield return source.Current;
    }
}
