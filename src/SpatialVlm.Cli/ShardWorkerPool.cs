using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SpatialVlm.Cli.Commands;
using SpatialVlm.Synthesis.Sharding;

namespace SpatialVlm.Cli;

/// <summary>A shard the pool finished: the worker's report and the wall time of its process (start to exit), in ms.</summary>
public sealed record FinishedShard(WorkerReport Report, double ProcessWallMs, int Attempts);

/// <summary>A shard that still failed after its retries, with the last attempt's reason.</summary>
public sealed record FailedShard(string Shard, string Reason, int Attempts);

/// <summary>
/// Runs shards with N worker processes at once, each a `spatialvlm run-shard` of one shard (a crash takes one shard's
/// attempt with it, nothing else). A shard whose worker fails or dies is queued again up to the retry limit. Progress
/// is the sum over the shards of the images their workers report done.
/// </summary>
public sealed class ShardWorkerPool(string planPath, int workers, int retries, int simulateModelMs, string device, Action<string> log, Action<int> imagesDone)
{
    public (IReadOnlyList<FinishedShard> Finished, IReadOnlyList<FailedShard> Failed) Run(IReadOnlyList<ShardSpec> shards)
    {
        var queue = new ConcurrentQueue<(ShardSpec Spec, int Attempt)>(shards.Select(s => (s, 1)));
        var finished = new ConcurrentBag<FinishedShard>();
        var failed = new ConcurrentBag<FailedShard>();
        var progress = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        int outstanding = shards.Count;
        void Report(string shard, int done)
        {
            progress[shard] = done;
            imagesDone(progress.Values.Sum());
        }
        var threads = Enumerable.Range(0, Math.Min(workers, Math.Max(1, shards.Count))).Select(_ => new Thread(() =>
        {
            while (Volatile.Read(ref outstanding) > 0)
            {
                if (!queue.TryDequeue(out var job)) { Thread.Sleep(20); continue; }
                var (ok, report, wallMs, reason) = RunOne(job.Spec, done => Report(job.Spec.Name, done));
                if (ok)
                {
                    finished.Add(new FinishedShard(report!, wallMs, job.Attempt));
                    Report(job.Spec.Name, job.Spec.Items);
                    log($"{job.Spec.Name}: {(report!.Outcome.Skipped ? "already finished, skipped" : $"done, {report.Outcome.Succeeded} images, {report.Outcome.Failed} failed, {report.Outcome.Qa} QA")} ({wallMs:0} ms)");
                    Interlocked.Decrement(ref outstanding);
                }
                else if (job.Attempt <= retries)
                {
                    log($"{job.Spec.Name}: attempt {job.Attempt} failed ({reason}); retrying");
                    Report(job.Spec.Name, 0);
                    queue.Enqueue((job.Spec, job.Attempt + 1));
                }
                else
                {
                    log($"{job.Spec.Name}: failed after {job.Attempt} attempt{(job.Attempt == 1 ? "" : "s")} ({reason})");
                    failed.Add(new FailedShard(job.Spec.Name, reason!, job.Attempt));
                    Interlocked.Decrement(ref outstanding);
                }
            }
        }) { IsBackground = true }).ToList();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        var order = shards.Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        return (finished.OrderBy(f => order[f.Report.Outcome.Shard]).ToList(), failed.OrderBy(f => order[f.Shard]).ToList());
    }

    private (bool Ok, WorkerReport? Report, double WallMs, string? Reason) RunOne(ShardSpec spec, Action<int> progress)
    {
        var (exe, prefix) = WorkerExecutable();
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in prefix) start.ArgumentList.Add(a);
        foreach (var a in new[] { RunShardCommand.Name, planPath, "--shard", spec.Name, "--simulate-model-ms", simulateModelMs.ToString(CultureInfo.InvariantCulture), "--device", device })
            start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new Core.SpatialVlmException($"could not start a worker process ({exe})");
        log($"{spec.Name}: started (pid {process.Id})");
        var stderr = process.StandardError.ReadToEndAsync();
        WorkerReport? report = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(RunShardCommand.ProgressPrefix, StringComparison.Ordinal)
                && int.TryParse(line.AsSpan(RunShardCommand.ProgressPrefix.Length).ToString().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var done))
                progress(done);
            else if (line.StartsWith(RunShardCommand.DonePrefix, StringComparison.Ordinal))
            {
                try { report = JsonSerializer.Deserialize<WorkerReport>(line[RunShardCommand.DonePrefix.Length..]); }
                catch (JsonException) { report = null; }
            }
        }
        process.WaitForExit();
        var wall = clock.Elapsed.TotalMilliseconds;
        var err = stderr.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim();
        if (process.ExitCode == 0 && report is not null) return (true, report, wall, null);
        var reason = err is { Length: > 0 } ? (err.StartsWith("error: ", StringComparison.Ordinal) ? err["error: ".Length..] : err)
            : process.ExitCode > 128 ? $"worker killed by signal {process.ExitCode - 128}"
            : $"worker exited with {process.ExitCode}";
        return (false, null, wall, Core.Printable.Clip(reason, 300));
    }

    /// <summary>
    /// How to start this program again: the running `spatialvlm` executable itself; when hosted by another process
    /// (tests), the apphost beside this assembly, else `dotnet spatialvlm.dll`.
    /// </summary>
    public static (string Exe, string[] Prefix) WorkerExecutable()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "spatialvlm") return (self, []);
        var dll = typeof(ShardWorkerPool).Assembly.Location;
        var apphost = Path.Combine(Path.GetDirectoryName(dll)!, "spatialvlm");
        if (File.Exists(apphost)) return (apphost, []);
        return ("dotnet", [dll]);
    }
}
