using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SpatialVlm.Cli.Tests;

/// <summary>
/// plan, run-shards and merge end to end with real worker processes: kill -9 of workers then a rerun, another
/// configuration's shards, a full disk (a 256 KiB tmpfs), and bad flags.
/// </summary>
public sealed class ShardCommandsTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("shard-cli-").FullName;
    private readonly List<string> mounts = [];

    public void Dispose()
    {
        foreach (var m in mounts) Process.Start("umount", ["-l", m])?.WaitForExit();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private static readonly string[] Small = ["--size", "160x120", "--qa-per-image", "12"];

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    private static void Ok((int Exit, string Out, string Err) r, string what) => Assert.True(r.Exit == 0, $"{what}: exit {r.Exit}: {r.Err}{r.Out}");

    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    [Fact]
    public async Task KilledWorkersThenARerunMergeToTheUninterruptedDataset()
    {
        var clean = Path.Combine(root, "clean");
        Ok(Run(["plan", "--scenes", "16", "--seed", "3", "--shard-size", "2", "--out", clean, .. Small]), "plan");
        Ok(Run("run-shards", Path.Combine(clean, "plan.json"), "--workers", "3"), "uninterrupted run");
        Ok(Run("merge", clean, "--parquet-shard-mb", "1"), "merge");

        var faulty = Path.Combine(root, "faulty");
        Ok(Run(["plan", "--scenes", "16", "--seed", "3", "--shard-size", "2", "--out", faulty, .. Small]), "plan");
        var (exe, prefix) = ShardWorkerPool.WorkerExecutable();
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in prefix.Concat(["run-shards", Path.Combine(faulty, "plan.json"), "--workers", "3", "--retries", "0"])) start.ArgumentList.Add(a);
        using var coordinator = Process.Start(start)!;
        var stderr = coordinator.StandardError.ReadToEndAsync();
        var killed = new List<string>();
        while (coordinator.StandardOutput.ReadLine() is { } line)
        {
            // "shard-00003: started (pid 1234)": every odd shard's worker is killed once it has written part of its shard.
            var m = System.Text.RegularExpressions.Regex.Match(line, @"^(shard-\d+): started \(pid (\d+)\)$");
            if (!m.Success || int.Parse(m.Groups[1].Value[^1..]) % 2 == 0 || killed.Count >= 3) continue;
            var records = Path.Combine(faulty, "shards", m.Groups[1].Value, "records");
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(30) && !(Directory.Exists(records) && Directory.EnumerateFiles(records, "*.json").Any())) Thread.Sleep(5);
            try
            {
                using var worker = Process.GetProcessById(int.Parse(m.Groups[2].Value));
                worker.Kill(); // SIGKILL
                killed.Add(m.Groups[1].Value);
            }
            catch (ArgumentException) { } // finished before the kill
            catch (InvalidOperationException) { }
        }
        coordinator.WaitForExit();
        var err = await stderr;
        Assert.True(killed.Count >= 1, "no worker was killed mid-shard");
        Assert.NotEqual(0, coordinator.ExitCode);
        Assert.Contains("killed by signal 9", err);
        var unfinished = killed.Where(k => !File.Exists(Path.Combine(faulty, "shards", k, "manifest.json"))).ToList();
        Assert.NotEmpty(unfinished);
        Assert.Contains(unfinished[0], err);

        var rerun = Run("run-shards", Path.Combine(faulty, "plan.json"), "--workers", "3");
        Ok(rerun, "rerun");
        Assert.Contains($"{8 - unfinished.Count} already done", rerun.Out);
        Ok(Run("merge", faulty, "--parquet-shard-mb", "1"), "merge after faults");

        var expected = Files(Path.Combine(clean, "merged"));
        var actual = Files(Path.Combine(faulty, "merged"));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"merged/{name} differs from the uninterrupted run's");
        var ids = File.ReadLines(Path.Combine(faulty, "merged", "dataset.jsonl")).Select(l => JsonNode.Parse(l)!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(16, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void ShardsOfAnotherConfigurationAreRefusedUnlessForced()
    {
        var outDir = Path.Combine(root, "out");
        var plan = Path.Combine(outDir, "plan.json");
        Ok(Run(["plan", "--scenes", "2", "--seed", "1", "--shard-size", "1", "--out", outDir, .. Small]), "plan");
        Ok(Run("run-shards", plan, "--workers", "2"), "run");

        var replan = Run("plan", "--scenes", "2", "--seed", "1", "--shard-size", "1", "--out", outDir, "--size", "160x120", "--qa-per-image", "10");
        Assert.Equal(1, replan.Exit);
        Assert.Contains("another configuration (config.Questions.QaPerImage: 12 → 10)", replan.Err);
        Ok(Run("plan", "--scenes", "2", "--seed", "1", "--shard-size", "1", "--out", outDir, "--size", "160x120", "--qa-per-image", "10", "--force"), "forced plan");

        var refused = Run("run-shards", plan, "--workers", "2");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("holds 2 shards made under another configuration (shard-00000", refused.Err);
        Assert.Single(refused.Err.TrimEnd('\n').Split('\n'));

        Ok(Run("run-shards", plan, "--workers", "2", "--force"), "forced run");
        Ok(Run("merge", outDir), "merge");
        Assert.Contains("| QA pairs | 20 |", File.ReadAllText(Path.Combine(outDir, "merged", "README.md")));
    }

    [Fact]
    public void AFullDiskFailsTheShardWithItsReasonAndLeavesNothingLookingFinished()
    {
        // A 256 KiB tmpfs: this needs root with CAP_SYS_ADMIN; without it the test fails and says so.
        var disk = Path.Combine(root, "disk");
        Directory.CreateDirectory(disk);
        using (var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", disk]) { RedirectStandardError = true })!)
        {
            mount.WaitForExit();
            Assert.True(mount.ExitCode == 0, $"cannot mount a small tmpfs to fill (needs root with CAP_SYS_ADMIN): {mount.StandardError.ReadToEnd()}");
        }
        mounts.Add(disk);
        var outDir = Path.Combine(disk, "out");
        Ok(Run("plan", "--scenes", "4", "--seed", "1", "--shard-size", "4", "--out", outDir), "plan");
        var run = Run("run-shards", Path.Combine(outDir, "plan.json"), "--workers", "1", "--retries", "1");
        Assert.Equal(1, run.Exit);
        Assert.Matches(@"^error: 1 shard failed: shard-00000 \(No space left on device", run.Err);
        var shard = Path.Combine(outDir, "shards", "shard-00000");
        Assert.False(File.Exists(Path.Combine(shard, "manifest.json")), "a shard that ran out of space must not look finished");
        Assert.Empty(Directory.EnumerateFiles(disk, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(Directory.Exists(Path.Combine(shard, "records")) ? Directory.GetFiles(Path.Combine(shard, "records"), "*.failed.json") : []);
        var merge = Run("merge", outDir);
        Assert.Equal(1, merge.Exit);
        Assert.Contains("shard-00000: no manifest (unfinished)", merge.Err);
    }

    [Theory]
    [InlineData("plan --scenes 0 --shard-size 2 --out {0}/a", "--scenes must be positive")]
    [InlineData("plan --scenes 4 --shard-size 0 --out {0}/a", "--shard-size must be positive")]
    [InlineData("plan --shard-size 2 --out {0}/a", "give exactly one input")]
    [InlineData("plan --input {0}/nothing-here --shard-size 2 --out {0}/a", "no such folder or file")]
    [InlineData("run-shards {0}/none/plan.json --workers 2", "no such plan")]
    [InlineData("run-shards {0}/p/plan.json --workers 0", "--workers must be at least 1")]
    [InlineData("run-shards {0}/p/plan.json --task-index 2 --task-count 2", "--task-index must be in 0…1")]
    [InlineData("run-shards {0}/p/plan.json --task-index 1", "give --task-index and --task-count together")]
    [InlineData("merge {0}/none", "no such plan")]
    [InlineData("merge {0}/p --parquet-shard-mb 0", "--parquet-shard-mb must be at least 1")]
    public void BadShardInputGivesOneLine(string command, string expected)
    {
        Ok(Run(["plan", "--scenes", "2", "--shard-size", "1", "--out", Path.Combine(root, "p"), .. Small]), "plan");
        var (exit, _, err) = Run(string.Format(command, root).Split(' '));
        Assert.NotEqual(0, exit);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Contains(expected, err);
    }
}
