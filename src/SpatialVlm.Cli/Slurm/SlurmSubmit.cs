using System.Diagnostics;
using SpatialVlm.Core;

namespace SpatialVlm.Cli.Slurm;

/// <summary>The ids submit.sh got from sbatch.</summary>
public sealed record SlurmJobIds(string ArrayJob, string MergeJob);

/// <summary>Runs a written submit.sh (sbatch must be on PATH) and reads the job ids it prints.</summary>
public static class SlurmSubmit
{
    /// <summary>
    /// Runs submit.sh in this process's environment with the given variables set over it (e.g. PATH, SLURM_CONF);
    /// sbatch must be found on the PATH it runs with.
    /// </summary>
    public static SlurmJobIds Run(SlurmJobFiles files, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var path = environment?.GetValueOrDefault("PATH") ?? Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!OnPath("sbatch", path)) throw new SpatialVlmException("--submit: sbatch is not on PATH (install Slurm's client commands, or run OUT/slurm/submit.sh where Slurm is)");
        var start = new ProcessStartInfo("bash", [files.SubmitScript]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var p = Process.Start(start) ?? throw new SpatialVlmException("--submit: cannot start bash");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new SpatialVlmException($"--submit: {files.SubmitScript} did not finish within {timeout.TotalSeconds:0} s (is slurmctld answering?)");
        }
        var (output, errors) = (stdout.Result, stderr.Result);
        if (p.ExitCode != 0)
        {
            var why = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit code {p.ExitCode}";
            throw new SpatialVlmException($"--submit: sbatch refused the job: {Printable.Clip(why, 300)}");
        }
        string? Id(string key) => output.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith(key + " ", StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..].Trim()).FirstOrDefault();
        var (array, merge) = (Id("array"), Id("merge"));
        return array is { Length: > 0 } && merge is { Length: > 0 } && array.All(char.IsAsciiDigit) && merge.All(char.IsAsciiDigit)
            ? new SlurmJobIds(array, merge)
            : throw new SpatialVlmException($"--submit: {files.SubmitScript} printed no job ids: {Printable.Clip(output.ReplaceLineEndings(" "), 200)}");
    }

    private static bool OnPath(string name, string path) =>
        path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, name)));
}
