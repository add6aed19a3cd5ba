using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpatialVlm.Core;

namespace SpatialVlm.Cli.Slurm;

/// <summary>What `spatialvlm slurm` was asked for; <see cref="Validate"/> refuses bad values in one line.</summary>
public sealed partial record SlurmJobOptions
{
    public required string Partition { get; init; }
    /// <summary>GPUs per array task; 0 = a CPU job (no GPU lines, the workers run on the CPU).</summary>
    public int GpusPerTask { get; init; }
    /// <summary>CPUs per array task, and the run-shards workers inside it (default 1).</summary>
    public int CpusPerTask { get; init; } = 1;
    /// <summary>At most this many array tasks run at once (the %K of --array); null: all of them.</summary>
    public int? MaxParallel { get; init; }
    /// <summary>Array tasks; task I runs the shards whose index % A == I; null: one task per shard.</summary>
    public int? ArraySize { get; init; }
    /// <summary>Slurm's time limit per task (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS); null: the partition's.</summary>
    public string? Time { get; init; }
    /// <summary>A task whose worker dies of a signal requeues itself while it has been restarted fewer times than this.</summary>
    public int RequeueLimit { get; init; } = 3;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Partition)) throw new SpatialVlmException("--partition is empty: name the Slurm partition (sinfo lists them)");
        if (!PartitionName().IsMatch(Partition)) throw new SpatialVlmException($"--partition '{Printable.Clip(Partition, 40)}' is not a partition name (letters, digits, '_', '-', '.'; several separated by ',')");
        if (GpusPerTask < 0) throw new SpatialVlmException($"--gpus-per-task must be 0 or more, got {GpusPerTask}");
        if (CpusPerTask < 1) throw new SpatialVlmException($"--cpus-per-task must be at least 1, got {CpusPerTask}");
        if (MaxParallel is < 1) throw new SpatialVlmException($"--max-parallel must be at least 1, got {MaxParallel}");
        if (ArraySize is < 1) throw new SpatialVlmException($"--array-size must be at least 1, got {ArraySize}");
        if (Time is not null && !TimeLimit().IsMatch(Time)) throw new SpatialVlmException($"--time '{Printable.Clip(Time, 40)}' is not a Slurm time (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)");
        if (RequeueLimit < 0) throw new SpatialVlmException($"--requeue-limit must be 0 or more, got {RequeueLimit}");
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+(,[A-Za-z0-9_.\-]+)*$")]
    private static partial Regex PartitionName();
    [GeneratedRegex(@"^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2}|infinite|unlimited)$")]
    private static partial Regex TimeLimit();
}

/// <summary>The files `spatialvlm slurm` writes under OUT/slurm/, and where.</summary>
public sealed record SlurmJobFiles(string Folder, string ArrayScript, string MergeScript, string SubmitScript, string Logs, int Tasks, int MaxParallel);

/// <summary>
/// A plan's Slurm job: an sbatch array whose task I runs `run-shards PLAN --task-index I --task-count A`, requeued on
/// pre-emption (and by itself when its worker dies of a signal), then a merge job that starts after every task ended ok.
/// </summary>
public static class SlurmArrayJob
{
    /// <summary>Shards listed in a plan file; a missing or unreadable plan is a one-line error.</summary>
    public static int ShardCount(string planPath)
    {
        if (Directory.Exists(planPath)) throw new SpatialVlmException($"{planPath}: is a folder; give its plan.json (spatialvlm plan writes OUT/plan.json)");
        if (!File.Exists(planPath)) throw new SpatialVlmException($"{planPath}: no such plan file (spatialvlm plan writes OUT/plan.json)");
        JsonElement shards;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(planPath));
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("shards", out shards) || shards.ValueKind != JsonValueKind.Array)
                throw new SpatialVlmException($"{planPath}: not a plan (no \"shards\" list)");
            var n = shards.GetArrayLength();
            return n > 0 ? n : throw new SpatialVlmException($"{planPath}: the plan lists no shards");
        }
        catch (JsonException e)
        {
            throw new SpatialVlmException($"{planPath}: not a plan: the JSON does not parse ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>Checks the options against the plan and writes OUT/slurm/{array.sbatch, merge.sbatch, submit.sh} and OUT/slurm/logs/.</summary>
    public static SlurmJobFiles Write(string planPath, SlurmJobOptions options, ProgramInvocation self)
    {
        options.Validate();
        var plan = Path.GetFullPath(planPath);
        var shards = ShardCount(plan);
        var tasks = options.ArraySize ?? shards;
        if (tasks > shards) throw new SpatialVlmException($"--array-size {tasks} is more than the plan's {shards} shards (a task without shards would do nothing)");
        var parallel = Math.Min(options.MaxParallel ?? tasks, tasks);
        var outDir = Path.GetDirectoryName(plan)!;
        // #SBATCH lines are split at white space and expand %-patterns in --output; such a path cannot be written there.
        if (outDir.Any(c => char.IsWhiteSpace(c) || c == '%' || char.IsControl(c)))
            throw new SpatialVlmException($"{Printable.Clip(outDir, 80)}: the plan's folder holds white space or '%', which #SBATCH --output cannot hold; plan into another folder");
        var folder = Path.Combine(outDir, "slurm");
        var logs = Path.Combine(folder, "logs");
        Directory.CreateDirectory(logs);
        var files = new SlurmJobFiles(folder, Path.Combine(folder, "array.sbatch"), Path.Combine(folder, "merge.sbatch"), Path.Combine(folder, "submit.sh"), logs, tasks, parallel);

        WriteScript(files.ArrayScript, ArrayScript(plan, options, self, files, shards));
        WriteScript(files.MergeScript, MergeScript(outDir, options, self, files));
        WriteScript(files.SubmitScript, SubmitScript(files));
        return files;
    }

    private static void WriteScript(string path, string text)
    {
        AtomicFile.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    private static void Common(StringBuilder s, string jobName, SlurmJobOptions o, int cpus)
    {
        s.Append("#SBATCH --job-name=").Append(jobName).Append('\n');
        s.Append("#SBATCH --partition=").Append(o.Partition).Append('\n');
        s.Append("#SBATCH --ntasks=1\n");
        s.Append("#SBATCH --cpus-per-task=").Append(cpus).Append('\n');
        if (o.Time is { } t) s.Append("#SBATCH --time=").Append(t).Append('\n');
        // Pre-empted (or node-failed) tasks go back to the queue instead of failing; their log continues.
        s.Append("#SBATCH --requeue\n");
        s.Append("#SBATCH --open-mode=append\n");
    }

    internal static string ArrayScript(string plan, SlurmJobOptions o, ProgramInvocation self, SlurmJobFiles f, int shards)
    {
        var s = new StringBuilder();
        s.Append("#!/usr/bin/env bash\n");
        s.Append($"# Written by `spatialvlm slurm`: array task I of {f.Tasks} runs the shards of {plan} whose index % {f.Tasks} == I\n");
        s.Append($"# ({shards} shards). A shard whose manifest validates is skipped, so a rerun or a requeued task redoes only unfinished shards.\n");
        Common(s, "spatialvlm-shards", o, o.CpusPerTask);
        s.Append($"#SBATCH --array=0-{f.Tasks - 1}%{f.MaxParallel}\n");
        s.Append("#SBATCH --output=").Append(Path.Combine(f.Logs, "shards-%A_%a.log")).Append('\n');
        if (o.GpusPerTask > 0) s.Append("#SBATCH --gpus-per-task=").Append(o.GpusPerTask).Append('\n');
        s.Append("set -uo pipefail\n");
        s.Append("echo \"[$(date -u +%FT%TZ)] array job ${SLURM_ARRAY_JOB_ID} task ${SLURM_ARRAY_TASK_ID} on $(hostname), restart ${SLURM_RESTART_COUNT:-0}\"\n");
        string[] args = ["run-shards", plan, "--workers", o.CpusPerTask.ToString(System.Globalization.CultureInfo.InvariantCulture), "--task-index"];
        var device = o.GpusPerTask > 0 ? " --device cuda" : "";
        s.Append(self.Shell(args)).Append(" \"$SLURM_ARRAY_TASK_ID\" --task-count ").Append(f.Tasks).Append(device).Append('\n');
        s.Append("rc=$?\n");
        // A worker killed by a signal (kill -9, the OOM killer) would end the task FAILED, and Slurm never runs a job whose
        // afterok dependency failed, even after a requeue. So the task hands itself back to the queue while it has restarts left.
        s.Append($"if [ \"$rc\" -gt 128 ] && [ \"${{SLURM_RESTART_COUNT:-0}}\" -lt {o.RequeueLimit} ]; then\n");
        s.Append("  echo \"[$(date -u +%FT%TZ)] the worker died of signal $((rc - 128)); requeueing task ${SLURM_ARRAY_TASK_ID} (job ${SLURM_JOB_ID})\"\n");
        s.Append("  if scontrol requeue \"$SLURM_JOB_ID\"; then sleep 60 & wait $!; fi\n");
        s.Append("fi\n");
        s.Append("echo \"[$(date -u +%FT%TZ)] task ${SLURM_ARRAY_TASK_ID} exits with $rc\"\n");
        s.Append("exit \"$rc\"\n");
        return s.ToString();
    }

    internal static string MergeScript(string outDir, SlurmJobOptions o, ProgramInvocation self, SlurmJobFiles f)
    {
        var s = new StringBuilder();
        s.Append("#!/usr/bin/env bash\n");
        s.Append("# Written by `spatialvlm slurm`: merges the shards once every array task ended ok (submit.sh adds --dependency=afterok).\n");
        Common(s, "spatialvlm-merge", o, 1);
        s.Append("#SBATCH --output=").Append(Path.Combine(f.Logs, "merge-%j.log")).Append('\n');
        s.Append("set -euo pipefail\n");
        s.Append("echo \"[$(date -u +%FT%TZ)] merge job ${SLURM_JOB_ID} on $(hostname)\"\n");
        s.Append("exec ").Append(self.Shell("merge", outDir)).Append('\n');
        return s.ToString();
    }

    internal static string SubmitScript(SlurmJobFiles f)
    {
        var s = new StringBuilder();
        s.Append("#!/usr/bin/env bash\n");
        s.Append("# Written by `spatialvlm slurm`: submits the array, then the merge to run after every task ended ok.\n");
        s.Append("# Prints 'array JOBID' and 'merge JOBID'.\n");
        s.Append("set -euo pipefail\n");
        s.Append("mkdir -p ").Append(ShellQuote.Word(f.Logs)).Append('\n');
        // --parsable prints "jobid" or "jobid;cluster".
        s.Append("array=$(sbatch --parsable ").Append(ShellQuote.Word(f.ArrayScript)).Append(")\n");
        s.Append("array=${array%%;*}\n");
        s.Append("merge=$(sbatch --parsable --dependency=afterok:\"$array\" ").Append(ShellQuote.Word(f.MergeScript)).Append(")\n");
        s.Append("merge=${merge%%;*}\n");
        s.Append("echo \"array $array\"\n");
        s.Append("echo \"merge $merge\"\n");
        return s.ToString();
    }
}
