using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpatialVlm.Core;
using SpatialVlm.Synthesis.Sharding;

namespace SpatialVlm.Cli.Commands;

/// <summary>The timings of a run-shards call (`--report FILE`), for the scaling experiment. Times in milliseconds.</summary>
public sealed record RunShardsReport
{
    [JsonPropertyName("workers")] public required int Workers { get; init; }
    [JsonPropertyName("shards")] public required int Shards { get; init; }
    [JsonPropertyName("run")] public required int Run { get; init; }
    [JsonPropertyName("skipped")] public required int Skipped { get; init; }
    [JsonPropertyName("failed")] public required IReadOnlyList<FailedShard> Failed { get; init; }
    [JsonPropertyName("images")] public required int Images { get; init; }
    [JsonPropertyName("seconds")] public required double Seconds { get; init; }
    [JsonPropertyName("images_per_second")] public required double ImagesPerSecond { get; init; }
    [JsonPropertyName("simulate_model_ms")] public required int SimulateModelMs { get; init; }
    /// <summary>Means over the shards that ran (not skipped): process wall time, and its parts.</summary>
    [JsonPropertyName("per_shard")] public required ShardTimeSplit PerShard { get; init; }
}

/// <param name="ProcessWallMs">from starting the worker process to its exit, as the coordinator saw it</param>
/// <param name="StartupMs">from the process's start to the command's first line (runtime start, JIT, parsing)</param>
/// <param name="CheckMs">validating an existing manifest (reading, checksumming the files it lists)</param>
/// <param name="InputChecksumMs">checking the input against the plan's checksum</param>
/// <param name="SynthesisMs">loading, simulated model time, the pipeline, the record and dataset files</param>
/// <param name="ManifestMs">checksumming the output files and writing the manifest</param>
/// <param name="OtherMs">the rest: reading the plan, process exit, the coordinator's pipes</param>
public sealed record ShardTimeSplit(
    [property: JsonPropertyName("process_wall_ms")] double ProcessWallMs,
    [property: JsonPropertyName("startup_ms")] double StartupMs,
    [property: JsonPropertyName("manifest_check_ms")] double CheckMs,
    [property: JsonPropertyName("input_checksum_ms")] double InputChecksumMs,
    [property: JsonPropertyName("synthesis_ms")] double SynthesisMs,
    [property: JsonPropertyName("manifest_write_ms")] double ManifestMs,
    [property: JsonPropertyName("other_ms")] double OtherMs);

/// <summary>`run-shards PLAN --workers N`: runs a plan's shards with N worker processes on this machine.</summary>
public static class RunShardsCommand
{
    public static Command Create()
    {
        var planArg = new Argument<string>("PLAN") { Description = "OUT/plan.json written by `plan`" };
        var workers = new Option<int>("--workers") { Description = "worker processes at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var retries = new Option<int>("--retries") { Description = "times a failed shard is tried again", DefaultValueFactory = _ => 2 };
        var taskIndex = new Option<int?>("--task-index") { Description = "run only the shards whose index % --task-count is this (a Slurm array task: $SLURM_ARRAY_TASK_ID)" };
        var taskCount = new Option<int?>("--task-count") { Description = "how many tasks share the plan (with --task-index)" };
        var simulate = new Option<int>("--simulate-model-ms") { Description = "sleep this long per image, standing in for a model call (scaling experiments)", DefaultValueFactory = _ => 0 };
        var force = new Option<bool>("--force") { Description = "redo shards OUT holds from another configuration instead of refusing" };
        var device = DeviceFlag.Create();
        var report = new Option<string?>("--report") { Description = "also write the run's timings as JSON to this file" };
        var cmd = new Command("run-shards", "Runs the shards of a plan with N worker processes: finished shards are skipped, failed ones retried; OUT/shards/<name>/ each, manifest last.")
        { planArg, workers, retries, taskIndex, taskCount, simulate, force, device, report };
        cmd.SetAction(parse =>
        {
            // Checked here, before any worker starts: a build or machine without CUDA is one line, not N failed shards.
            var deviceName = parse.GetValue(device)!;
            DeviceFlag.Resolve(deviceName);
            var planPath = Path.GetFullPath(parse.GetValue(planArg)!);
            if (Directory.Exists(planPath)) planPath = Path.Combine(planPath, ShardPlan.FileName);
            var plan = ShardPlan.Read(planPath);
            var outDir = ShardPlan.OutDirOf(planPath);
            var n = parse.GetValue(workers);
            if (n < 1) throw new SpatialVlmException($"--workers must be at least 1, got {n}");
            if (parse.GetValue(retries) < 0) throw new SpatialVlmException($"--retries must be 0 or more, got {parse.GetValue(retries)}");
            var ms = parse.GetValue(simulate);
            if (ms < 0) throw new SpatialVlmException($"--simulate-model-ms must be 0 or more, got {ms}");
            var reportPath = parse.GetValue(report) is { } r ? OutputPath.File(r, "--report") : null;
            var selected = Select(plan.Shards, parse.GetValue(taskIndex), parse.GetValue(taskCount));
            RefuseOtherConfiguration(plan, outDir, parse.GetValue(force));

            var output = parse.InvocationConfiguration.Output;
            var clock = Stopwatch.StartNew();
            // Finished shards are found here, without a process each; a worker still checks its shard again under the shard's lock.
            var todo = selected.Where(s => ShardManifest.Check(ShardPlan.ShardDir(outDir, s.Name), s, plan.ConfigHash, out _) is not null).ToList();
            var already = selected.Count - todo.Count;
            var total = todo.Sum(s => s.Items);
            var (finished, failed) = todo.Count == 0 ? ([], []) : ProgressDisplay.Run(output, $"run-shards: {todo.Count} shards to run ({already} already done), {n} workers", total, "images",
                (progress, log) => new ShardWorkerPool(planPath, n, parse.GetValue(retries), ms, deviceName, log, done => progress(done, "across workers")).Run(todo));
            var seconds = clock.Elapsed.TotalSeconds;
            var ran = finished.Where(f => !f.Report.Outcome.Skipped).ToList();
            already += finished.Count - ran.Count;
            var images = ran.Sum(f => f.Report.Outcome.Items);
            output.WriteLine($"run-shards: {already + ran.Count} of {selected.Count} shards finished ({ran.Count} run, {already} already done), {failed.Count} failed; {images} images in {seconds:0.0} s ({images / Math.Max(1e-9, seconds):0.00} images/s)");
            if (reportPath is not null)
                AtomicFile.WriteAllText(reportPath, JsonSerializer.Serialize(new RunShardsReport
                {
                    Workers = n, Shards = selected.Count, Run = ran.Count, Skipped = already, Failed = failed, Images = images,
                    Seconds = seconds, ImagesPerSecond = images / Math.Max(1e-9, seconds), SimulateModelMs = ms, PerShard = Split(ran),
                }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            if (failed.Count > 0)
                throw new SpatialVlmException($"{failed.Count} shard{(failed.Count == 1 ? "" : "s")} failed: " +
                    string.Join("; ", failed.Take(5).Select(f => $"{f.Shard} ({f.Reason})")) + (failed.Count > 5 ? $"; {failed.Count - 5} more" : "") + "; rerun to retry them");
            return 0;
        });
        return cmd;
    }

    /// <summary>The shards of one task: those whose index in the plan is ≡ index (mod count); all without the flags.</summary>
    public static IReadOnlyList<ShardSpec> Select(IReadOnlyList<ShardSpec> shards, int? index, int? count)
    {
        if (index is null && count is null) return shards;
        if (index is null || count is null) throw new SpatialVlmException("give --task-index and --task-count together");
        if (count < 1) throw new SpatialVlmException($"--task-count must be at least 1, got {count}");
        if (index < 0 || index >= count) throw new SpatialVlmException($"--task-index must be in 0…{count - 1}, got {index}");
        return shards.Where((_, i) => i % count == index).ToList();
    }

    /// <summary>Refuses (unless forced) when OUT/shards holds a finished shard made under another configuration than the plan's.</summary>
    private static void RefuseOtherConfiguration(ShardPlan plan, string outDir, bool force)
    {
        if (force) return;
        var other = plan.Shards.Select(s => (s.Name, ShardManifest.Read(ShardPlan.ShardDir(outDir, s.Name)).Manifest))
            .Where(m => m.Manifest is not null && m.Manifest.ConfigHash != plan.ConfigHash).ToList();
        if (other.Count == 0) return;
        throw new SpatialVlmException($"{Path.Combine(outDir, "shards")} holds {other.Count} shard{(other.Count == 1 ? "" : "s")} made under another configuration " +
            $"({other[0].Name}: {other[0].Manifest!.ConfigHash[..12]}, plan {plan.ConfigHash[..12]}); use a new --out, or --force to redo them");
    }

    private static ShardTimeSplit Split(IReadOnlyList<FinishedShard> ran)
    {
        if (ran.Count == 0) return new ShardTimeSplit(0, 0, 0, 0, 0, 0, 0);
        double Mean(Func<FinishedShard, double> f) => ran.Average(f);
        var o = (Func<FinishedShard, ShardOutcome>)(f => f.Report.Outcome);
        var wall = Mean(f => f.ProcessWallMs);
        var startup = Mean(f => f.Report.StartupMs);
        var check = Mean(f => o(f).CheckMs);
        var input = Mean(f => o(f).InputChecksumMs);
        var synth = Mean(f => o(f).SynthesisMs);
        var manifest = Mean(f => o(f).ManifestMs);
        return new ShardTimeSplit(wall, startup, check, input, synth, manifest, wall - startup - check - input - synth - manifest);
    }
}
