using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;

namespace SpatialVlm.Web;

public enum FolderKind { Dataset, Benchmark, Eval, Compare }

/// <summary>What `view` was pointed at: a dataset folder (synth), a benchmark (benchmark build), one eval folder, or two eval folders side by side.</summary>
public sealed record ViewedFolder(FolderKind Kind, string Root, string? BenchmarkFile, IReadOnlyList<string> EvalRoots)
{
    public string KindName => Kind.ToString().ToLowerInvariant();

    /// <summary>Finds the kind of each path; a path of no known kind is a one-line <see cref="SpatialVlmException"/> saying why.</summary>
    public static ViewedFolder Detect(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) throw new SpatialVlmException("view needs a folder");
        if (paths.Count > 2) throw new SpatialVlmException("view shows one folder, or two eval folders side by side");
        if (paths.Count == 2)
        {
            var runs = paths.Select(Detect1).ToList();
            var notEval = runs.FirstOrDefault(r => r.Kind != FolderKind.Eval);
            if (notEval != null) throw new SpatialVlmException($"{notEval.Root}: two folders are compared only when both are eval folders; this one is a {notEval.KindName} folder");
            return new ViewedFolder(FolderKind.Compare, runs[0].Root, null, [runs[0].Root, runs[1].Root]);
        }
        return Detect1(paths[0]);
    }

    private static ViewedFolder Detect1(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            if (!full.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
                throw new SpatialVlmException($"{path}: not a folder, and not a benchmark .jsonl file");
            if (Path.GetFileName(full) == DatasetFolder.RecordsFile) return new ViewedFolder(FolderKind.Dataset, Path.GetDirectoryName(full)!, null, []);
            CheckBenchmark(full, path);
            return new ViewedFolder(FolderKind.Benchmark, Path.GetDirectoryName(full)!, full, []);
        }
        if (!Directory.Exists(full)) throw new SpatialVlmException($"{path}: no such folder");
        if (File.Exists(Path.Combine(full, DatasetFolder.RecordsFile))) return new ViewedFolder(FolderKind.Dataset, full, null, []);
        var hasMetrics = File.Exists(Path.Combine(full, EvalOutputs.Metrics));
        var hasPredictions = File.Exists(Path.Combine(full, EvalOutputs.Predictions));
        if (hasMetrics && hasPredictions) return new ViewedFolder(FolderKind.Eval, full, null, [full]);
        if (hasMetrics != hasPredictions)
            throw new SpatialVlmException($"{path}: an incomplete eval folder ({(hasMetrics ? EvalOutputs.Predictions : EvalOutputs.Metrics)} is missing)");
        var benchmarks = Directory.GetFiles(full, "*.jsonl").Where(f => File.Exists(Path.ChangeExtension(f, ".card.md"))).ToList();
        if (benchmarks.Count == 0) benchmarks = Directory.GetFiles(full, "*.jsonl").ToList();
        if (benchmarks.Count == 1)
        {
            CheckBenchmark(benchmarks[0], benchmarks[0]);
            return new ViewedFolder(FolderKind.Benchmark, full, benchmarks[0], []);
        }
        if (benchmarks.Count > 1)
            throw new SpatialVlmException($"{path}: {benchmarks.Count} .jsonl files and none is marked by a .card.md; name the benchmark file itself");
        throw new SpatialVlmException($"{path}: not a dataset (no {DatasetFolder.RecordsFile}), benchmark (no .jsonl) or eval folder (no {EvalOutputs.Metrics} and {EvalOutputs.Predictions})");
    }

    private static void CheckBenchmark(string file, string shown)
    {
        using var reader = new StreamReader(file);
        string? first;
        int lineNumber = 0;
        do { first = reader.ReadLine(); lineNumber++; } while (first != null && string.IsNullOrWhiteSpace(first));
        if (first == null) throw new SpatialVlmException($"{shown}: an empty .jsonl file, not a benchmark");
        if (first.Contains("\"schema\"", StringComparison.Ordinal) && first.Contains("\"qa\"", StringComparison.Ordinal))
            throw new SpatialVlmException($"{shown}: dataset records, not a benchmark; view the dataset folder instead");
        try
        {
            BenchmarkReader.ParseLine(first, lineNumber, Path.GetDirectoryName(file)!);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new SpatialVlmException($"{shown}: not a benchmark (line {lineNumber}: {e.Message.Split('\n')[0]})");
        }
    }
}
