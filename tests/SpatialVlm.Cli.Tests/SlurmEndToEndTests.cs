using System.Diagnostics;
using System.Text.RegularExpressions;
using SpatialVlm.Cli.Slurm;
using SpatialVlm.Perception.Models;

namespace SpatialVlm.Cli.Tests;

/// <summary>
/// A plan through real Slurm (scripts/slurm-local.sh): submit the array and the dependent merge, kill -9 one running
/// task's workers (the task requeues itself) and requeue another running task as a pre-emption would (scontrol requeue);
/// the merge job still runs after the array, and its dataset equals, row for row and byte for byte, the one of an
/// uninterrupted local run-shards + merge.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class SlurmEndToEndTests(LocalSlurm slurm) : IClassFixture<LocalSlurm>, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("slurm-e2e-").FullName;
    private static readonly string[] PlanArgs = ["--scenes", "16", "--seed", "7", "--shard-size", "2", "--size", "160x120", "--qa-per-image", "5"];

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void AKilledAndAPreemptedTaskAreRequeuedAndTheMergeEqualsAnUninterruptedRun()
    {
        slurm.Require();

        // The uninterrupted local run.
        var reference = Path.Combine(dir, "local");
        Ok(CliHarness.Run(["plan", .. PlanArgs, "--out", reference]));
        Ok(CliHarness.Run("run-shards", Path.Combine(reference, "plan.json"), "--workers", "2"));
        Ok(CliHarness.Run("merge", reference));

        // The same plan through Slurm: 8 shards of 2 scenes, 4 array tasks of 2 shards, 2 at once; scripts call the app host.
        var outDir = Path.Combine(dir, "slurm");
        var plan = Path.Combine(outDir, "plan.json");
        Ok(CliHarness.Run(["plan", .. PlanArgs, "--out", outDir]));
        var self = new ProgramInvocation(Path.Combine(AppContext.BaseDirectory, "spatialvlm"), []);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliRunner.Run(CommandTree.Build(new ModelStore(Path.Combine(dir, "models"), ModelCatalog.Default), self: self),
            ["slurm", plan, "--partition", "debug", "--array-size", "4", "--max-parallel", "2"], stdout, stderr);
        Assert.True(exit == 0, stderr.ToString());
        var folder = Path.Combine(outDir, "slurm");
        var files = new SlurmJobFiles(folder, Path.Combine(folder, "array.sbatch"), Path.Combine(folder, "merge.sbatch"), Path.Combine(folder, "submit.sh"), Path.Combine(folder, "logs"), 4, 2);
        var ids = SlurmSubmit.Run(files, TimeSpan.FromMinutes(1), slurm.Environment);

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(8);
        try
        {
            // kill -9 of a running task's program (run-shards and its shard worker): the array script requeues the task.
            var killed = WaitForRunningTask(plan, except: null, deadline);
            foreach (var pid in killed.Children.Append(killed.Pid)) Kill9(pid);
            // A pre-emption of another running task: Slurm kills it and puts it back in the queue (--requeue).
            var preempted = WaitForRunningTask(plan, except: killed.Task, deadline);
            var (requeueExit, requeueOut) = slurm.Command("scontrol", "requeue", $"{ids.ArrayJob}_{preempted.Task}");
            Assert.True(requeueExit == 0, $"scontrol requeue {ids.ArrayJob}_{preempted.Task}: {requeueOut}");

            var merge = WaitForEnd(ids.MergeJob, deadline, folder);
            Assert.True(merge.State == "COMPLETED", $"merge job {ids.MergeJob} ended {merge.State}\n{Logs(folder)}");
            for (var t = 0; t < 4; t++)
            {
                var task = Job($"{ids.ArrayJob}_{t}");
                Assert.True(task.State == "COMPLETED", $"task {t}: {task.State}\n{Logs(folder)}");
                if (t == killed.Task || t == preempted.Task) Assert.True(task.Restarts >= 1, $"task {t} was not requeued\n{Logs(folder)}");
            }
            Assert.Contains("the worker died of signal 9; requeueing task " + killed.Task, File.ReadAllText(Path.Combine(folder, "logs", $"shards-{ids.ArrayJob}_{killed.Task}.log")));
        }
        finally
        {
            slurm.Command("scancel", ids.ArrayJob, ids.MergeJob);
        }

        // Row for row, then byte for byte, the merged dataset equals the uninterrupted one.
        var expected = File.ReadAllLines(Path.Combine(reference, "merged", "dataset.jsonl"));
        var actual = File.ReadAllLines(Path.Combine(outDir, "merged", "dataset.jsonl"));
        Assert.Equal(16, expected.Length);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(expected[i] == actual[i], $"row {i} differs");
        Assert.Equal(expected.Length, actual.Select(l => Regex.Match(l, "\"id\":\"([^\"]+)\"").Groups[1].Value).Distinct().Count());
        var want = Directory.GetFiles(Path.Combine(reference, "merged"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Path.Combine(reference, "merged"), f)).Order().ToList();
        var got = Directory.GetFiles(Path.Combine(outDir, "merged"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Path.Combine(outDir, "merged"), f)).Order().ToList();
        Assert.Equal(want, got);
        foreach (var f in want)
            Assert.True(File.ReadAllBytes(Path.Combine(reference, "merged", f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(outDir, "merged", f))), $"merged/{f} differs");
    }

    private static void Ok((int Exit, string Out, string Err) r) => Assert.True(r.Exit == 0, r.Err);

    private sealed record RunningTask(int Task, int Pid, IReadOnlyList<int> Children);

    /// <summary>A run-shards process of this plan started by an array task (other than `except`) with a shard worker under it.</summary>
    private static RunningTask WaitForRunningTask(string plan, int? except, DateTime deadline)
    {
        while (DateTime.UtcNow < deadline)
        {
            var processes = Processes();
            foreach (var (pid, (ppid, args)) in processes)
            {
                var at = Array.IndexOf(args, "--task-index");
                if (!args.Contains("run-shards") || !args.Contains(plan) || at < 0 || at + 1 >= args.Length || !int.TryParse(args[at + 1], out var task) || task == except) continue;
                var children = processes.Where(p => p.Value.Ppid == pid).Select(p => p.Key).ToList();
                if (children.Count > 0) return new RunningTask(task, pid, children);
            }
            Thread.Sleep(100);
        }
        throw new TimeoutException($"no array task of {plan} ran a shard worker in time");
    }

    /// <summary>Every process: pid → (parent pid, command line).</summary>
    private static Dictionary<int, (int Ppid, string[] Args)> Processes()
    {
        var all = new Dictionary<int, (int, string[])>();
        foreach (var d in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(d, "stat"));
                var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                all[pid] = (ppid, File.ReadAllText(Path.Combine(d, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries));
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return all;
    }

    private static void Kill9(int pid)
    {
        using var p = Process.Start("kill", ["-9", pid.ToString()]);
        p.WaitForExit();
    }

    private sealed record JobState(string State, int Restarts, string Reason);

    private JobState Job(string id)
    {
        var (exit, text) = slurm.Command("scontrol", "show", "job", id);
        if (exit != 0) return new JobState($"unknown ({text.Trim()})", 0, "");
        return new JobState(Regex.Match(text, @"JobState=(\S+)").Groups[1].Value,
            int.TryParse(Regex.Match(text, @"Restarts=(\d+)").Groups[1].Value, out var r) ? r : 0, Regex.Match(text, @"Reason=(\S+)").Groups[1].Value);
    }

    private JobState WaitForEnd(string id, DateTime deadline, string folder)
    {
        while (DateTime.UtcNow < deadline)
        {
            var job = Job(id);
            if (job.State is "COMPLETED" or "FAILED" or "CANCELLED" or "TIMEOUT" or "NODE_FAIL" or "OUT_OF_MEMORY" || job.State.StartsWith("unknown", StringComparison.Ordinal)) return job;
            if (job.Reason == "DependencyNeverSatisfied") return job with { State = $"never (dependency never satisfied, {job.State})" };
            Thread.Sleep(1000);
        }
        return new JobState($"not finished in time ({Job(id).State}); squeue: {slurm.Command("squeue").Output}\n{Logs(folder)}", 0, "");
    }

    private static string Logs(string folder) =>
        string.Join("\n", Directory.GetFiles(Path.Combine(folder, "logs")).Order().Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}"));
}
