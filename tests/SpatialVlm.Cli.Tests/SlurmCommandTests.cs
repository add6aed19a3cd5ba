using System.Diagnostics;
using SpatialVlm.Cli.Slurm;
using SpatialVlm.Perception.Models;

namespace SpatialVlm.Cli.Tests;

/// <summary>
/// `spatialvlm slurm` without a cluster: the three scripts it writes (array over the plan, dependent merge, submit),
/// their options, that bash accepts them, and one-line refusals of bad input.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("slurm-cmd-").FullName;
    private static readonly ProgramInvocation Self = new("/opt/it's here/spatialvlm", []);

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private string Plan(int shards, string folder = "out")
    {
        var outDir = Path.Combine(dir, folder);
        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, "plan.json");
        File.WriteAllText(path, "{\"schema\":1,\"shards\":[" + string.Join(',', Enumerable.Range(0, shards).Select(i => $"{{\"name\":\"shard-{i:D5}\"}}")) + "]}");
        return path;
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliRunner.Run(CommandTree.Build(new ModelStore(Path.GetTempPath(), ModelCatalog.Default), self: Self), args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string[] Directives(string script) =>
        script.Split('\n').Where(l => l.StartsWith("#SBATCH ", StringComparison.Ordinal)).Select(l => l["#SBATCH ".Length..]).ToArray();

    [Fact]
    public void TheArrayRunsEveryShardOnceThroughTaskIndexAndCountAndRequeues()
    {
        var plan = Plan(40);
        var (exit, stdout, err) = Run("slurm", plan, "--partition", "debug", "--max-parallel", "4", "--array-size", "10", "--time", "1:00:00");
        Assert.True(exit == 0, err);
        Assert.Contains("10 array tasks, at most 4 at once", stdout);
        var outDir = Path.GetDirectoryName(plan)!;
        var script = File.ReadAllText(Path.Combine(outDir, "slurm", "array.sbatch"));
        var d = Directives(script);
        Assert.Contains("--array=0-9%4", d);
        Assert.Contains("--partition=debug", d);
        Assert.Contains("--requeue", d);
        Assert.Contains("--open-mode=append", d);
        Assert.Contains("--time=1:00:00", d);
        Assert.Contains($"--output={Path.Combine(outDir, "slurm", "logs")}/shards-%A_%a.log", d);
        Assert.DoesNotContain(d, l => l.Contains("gpu", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("--device", script);
        // The program by its absolute path, quoted for the shell (the test path holds a quote and a space).
        Assert.Contains($"'/opt/it'\\''s here/spatialvlm' 'run-shards' '{plan}' '--workers' '1' '--task-index' \"$SLURM_ARRAY_TASK_ID\" --task-count 10", script);
        Assert.True(Directory.Exists(Path.Combine(outDir, "slurm", "logs")));

        var merge = File.ReadAllText(Path.Combine(outDir, "slurm", "merge.sbatch"));
        Assert.Contains($"exec '/opt/it'\\''s here/spatialvlm' 'merge' '{outDir}'", merge);
        Assert.Contains("--requeue", Directives(merge));
        var submit = File.ReadAllText(Path.Combine(outDir, "slurm", "submit.sh"));
        Assert.Contains("sbatch --parsable '" + Path.Combine(outDir, "slurm", "array.sbatch") + "'", submit);
        Assert.Contains("--dependency=afterok:\"$array\"", submit);
        foreach (var f in new[] { "array.sbatch", "merge.sbatch", "submit.sh" })
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(outDir, "slurm", f)).HasFlag(UnixFileMode.UserExecute), f);
            BashAccepts(Path.Combine(outDir, "slurm", f));
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(outDir, "slurm"), "*.tmp"));
    }

    [Fact]
    public void DefaultsAreOneTaskPerShardAllAtOnceAndGpusAddTheirLinesAndCudaWorkers()
    {
        var plan = Plan(6);
        var (exit, _, err) = Run("slurm", plan, "--partition", "gpu,debug", "--cpus-per-task", "3", "--max-parallel", "100");
        Assert.True(exit == 0, err);
        var d = Directives(File.ReadAllText(Path.Combine(Path.GetDirectoryName(plan)!, "slurm", "array.sbatch")));
        Assert.Contains("--array=0-5%6", d);
        Assert.Contains("--cpus-per-task=3", d);
        Assert.Contains("--partition=gpu,debug", d);

        var files = SlurmArrayJob.Write(plan, new SlurmJobOptions { Partition = "gpu", GpusPerTask = 2 }, Self);
        var script = File.ReadAllText(files.ArrayScript);
        Assert.Contains("--gpus-per-task=2", Directives(script));
        Assert.Contains("'--workers' '1' '--task-index' \"$SLURM_ARRAY_TASK_ID\" --task-count 6 --device cuda", script);
    }

    [Fact]
    public void GpuTasksSendTheirWorkersToCudaWhichThisCpuBuildRefusesInOneLine()
    {
        var plan = Plan(2);
        var (exit, _, err) = Run("slurm", plan, "--partition", "gpu", "--gpus-per-task", "1");
        Assert.True(exit == 0, err);
        // What such a task would run: on this CPU build, one line naming what is missing, before any worker starts.
        var (runExit, _, runErr) = Run("run-shards", plan, "--workers", "1", "--device", "cuda");
        AssertOneLine(runExit, runErr, "CUDAExecutionProvider");
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(plan)!, "shards")) &&
                     Directory.EnumerateFileSystemEntries(Path.Combine(Path.GetDirectoryName(plan)!, "shards")).Any(), "no shard may have started");
    }

    [Fact]
    public void AWorkerKilledByASignalRequeuesItsTaskWhileRestartsRemain()
    {
        // The requeue branch of the array script, run by bash with a worker that kills itself and a stand-in scontrol.
        var plan = Plan(2);
        var bin = Path.Combine(dir, "bin");
        Directory.CreateDirectory(bin);
        var worker = Path.Combine(bin, "worker");
        File.WriteAllText(worker, "#!/usr/bin/env bash\nkill -9 $$\n");
        File.WriteAllText(Path.Combine(bin, "scontrol"), $"#!/usr/bin/env bash\necho \"$*\" >> '{Path.Combine(dir, "scontrol.log")}'\nexit 1\n");
        foreach (var f in Directory.GetFiles(bin)) File.SetUnixFileMode(f, (UnixFileMode)0b111_101_101);
        var files = SlurmArrayJob.Write(plan, new SlurmJobOptions { Partition = "debug", RequeueLimit = 2 }, new ProgramInvocation(worker, []));

        (int Exit, string Out) RunTask(int restarts)
        {
            var start = new ProcessStartInfo("bash", [files.ArrayScript]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
            start.Environment["SLURM_ARRAY_TASK_ID"] = "1";
            start.Environment["SLURM_ARRAY_JOB_ID"] = "41";
            start.Environment["SLURM_JOB_ID"] = "43";
            start.Environment["SLURM_RESTART_COUNT"] = restarts.ToString();
            using var p = Process.Start(start)!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output);
        }

        var first = RunTask(restarts: 0);
        Assert.Equal(137, first.Exit);
        Assert.Contains("the worker died of signal 9; requeueing task 1 (job 43)", first.Out);
        Assert.Equal("requeue 43", File.ReadAllText(Path.Combine(dir, "scontrol.log")).Trim());
        var last = RunTask(restarts: 2);
        Assert.Equal(137, last.Exit);
        Assert.DoesNotContain("requeueing", last.Out);
        Assert.Single(File.ReadAllLines(Path.Combine(dir, "scontrol.log")));
    }

    [Theory]
    [InlineData("--partition=", "--partition is empty")]
    [InlineData("--partition=a b", "is not a partition name")]
    [InlineData("--max-parallel=0", "--max-parallel must be at least 1, got 0")]
    [InlineData("--array-size=0", "--array-size must be at least 1, got 0")]
    [InlineData("--array-size=9", "--array-size 9 is more than the plan's 4 shards")]
    [InlineData("--gpus-per-task=-1", "--gpus-per-task must be 0 or more")]
    [InlineData("--cpus-per-task=0", "--cpus-per-task must be at least 1")]
    [InlineData("--time=soon", "--time 'soon' is not a Slurm time")]
    [InlineData("--max-parallel=many", "--max-parallel: 'many' is not a whole number")]
    public void BadOptionsAreRefusedInOneLine(string option, string expected)
    {
        var plan = Plan(4);
        var eq = option.IndexOf('=');
        var args = new List<string> { "slurm", plan, option[..eq], option[(eq + 1)..] };
        if (!option.StartsWith("--partition", StringComparison.Ordinal)) args.AddRange(["--partition", "debug"]);
        var (exit, stdout, err) = Run([.. args]);
        AssertOneLine(exit, err, expected);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(plan)!, "slurm", "array.sbatch")));
    }

    [Fact]
    public void BadPlansAreRefusedInOneLine()
    {
        AssertOneLine(Run("slurm", Path.Combine(dir, "none.json"), "--partition", "debug"), "no such plan file");
        var folder = Path.GetDirectoryName(Plan(2))!;
        AssertOneLine(Run("slurm", folder, "--partition", "debug"), "is a folder; give its plan.json");
        File.WriteAllText(Path.Combine(dir, "broken.json"), "{\"shards\": [");
        AssertOneLine(Run("slurm", Path.Combine(dir, "broken.json"), "--partition", "debug"), "not a plan: the JSON does not parse");
        File.WriteAllText(Path.Combine(dir, "other.json"), "{\"records\": []}");
        AssertOneLine(Run("slurm", Path.Combine(dir, "other.json"), "--partition", "debug"), "not a plan (no \"shards\" list)");
        AssertOneLine(Run("slurm", Plan(0, "empty"), "--partition", "debug"), "the plan lists no shards");
        AssertOneLine(Run("slurm", Plan(2, "with space"), "--partition", "debug"), "white space or '%'");
        AssertOneLine(Run("slurm", Plan(2)), "Option '--partition' is required");
    }

    [Fact]
    public void SubmitWithoutSbatchOnPathSaysSo()
    {
        var files = SlurmArrayJob.Write(Plan(2), new SlurmJobOptions { Partition = "debug" }, Self);
        var e = Assert.Throws<SpatialVlm.Core.SpatialVlmException>(() => SlurmSubmit.Run(files, TimeSpan.FromSeconds(30), new Dictionary<string, string> { ["PATH"] = Path.Combine(dir, "nothing-here") }));
        Assert.Contains("sbatch is not on PATH", e.Message);
    }

    [Fact]
    public void SubmitReadsTheJobIdsAndRefusesWhatSbatchRefuses()
    {
        // A stand-in sbatch on the PATH given: ids as --parsable prints them ("id;cluster"), then a refusal.
        var bin = Path.Combine(dir, "fake-bin");
        Directory.CreateDirectory(bin);
        var sbatch = Path.Combine(bin, "sbatch");
        var calls = Path.Combine(dir, "sbatch.log");
        File.WriteAllText(sbatch, $"#!/usr/bin/env bash\necho \"$*\" >> '{calls}'\nn=$(wc -l < '{calls}')\necho \"$((700 + n));cluster\"\n");
        File.SetUnixFileMode(sbatch, (UnixFileMode)0b111_101_101);
        var files = SlurmArrayJob.Write(Plan(3), new SlurmJobOptions { Partition = "debug" }, Self);
        var ids = SlurmSubmit.Run(files, TimeSpan.FromSeconds(30), new Dictionary<string, string> { ["PATH"] = bin + ":/usr/bin:/bin" });
        Assert.Equal(new SlurmJobIds("701", "702"), ids);
        var lines = File.ReadAllLines(calls);
        Assert.Equal($"--parsable {files.ArrayScript}", lines[0]);
        Assert.Equal($"--parsable --dependency=afterok:701 {files.MergeScript}", lines[1]);

        File.WriteAllText(sbatch, "#!/usr/bin/env bash\necho 'sbatch: error: invalid partition specified: debug' >&2\nexit 1\n");
        var e = Assert.Throws<SpatialVlm.Core.SpatialVlmException>(() => SlurmSubmit.Run(files, TimeSpan.FromSeconds(30), new Dictionary<string, string> { ["PATH"] = bin + ":/usr/bin:/bin" }));
        Assert.Equal("--submit: sbatch refused the job: sbatch: error: invalid partition specified: debug", e.Message);
    }

    private static void AssertOneLine((int Exit, string Out, string Err) r, string expected) => AssertOneLine(r.Exit, r.Err, expected);

    private static void AssertOneLine(int exit, string err, string expected)
    {
        Assert.NotEqual(0, exit);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, err);
        Assert.Contains(expected, lines[0]);
        Assert.StartsWith("error: ", lines[0]);
    }

    private static void BashAccepts(string script)
    {
        using var p = Process.Start(new ProcessStartInfo("bash", ["-n", script]) { RedirectStandardError = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{script}: {err}");
    }
}
