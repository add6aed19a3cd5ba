using System.Diagnostics;

namespace SpatialVlm.Cli.Tests;

/// <summary>
/// The one-machine Slurm cluster of scripts/slurm-local.sh (munged, slurmctld, slurmd), started for the Slurm tests.
/// Nothing is skipped: when the script cannot start it, every test using it fails with the script's output.
/// Stops the cluster afterwards only when it started it (CI's .ci/run starts it before the tests).
/// </summary>
public sealed class LocalSlurm : IDisposable
{
    private readonly string script;
    private readonly bool startedHere;
    private readonly string? failure;

    /// <summary>Variables the Slurm commands need to find this cluster (SLURM_CONF).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    public LocalSlurm()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root != null && !File.Exists(Path.Combine(root.FullName, "SpatialVlm.slnx"))) root = root.Parent;
        script = root is null ? "" : Path.Combine(root.FullName, "scripts", "slurm-local.sh");
        if (!File.Exists(script)) { failure = $"scripts/slurm-local.sh not found above {AppContext.BaseDirectory}"; return; }
        var (exit, output) = Run("bash", [script, "start"], TimeSpan.FromMinutes(4));
        var conf = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("SLURM_CONF=", StringComparison.Ordinal));
        if (exit != 0 || conf is null)
        {
            failure = $"Slurm did not start: `scripts/slurm-local.sh start` exited with {exit}:\n{output}";
            return;
        }
        startedHere = !output.Contains("already running", StringComparison.Ordinal);
        Environment = new Dictionary<string, string> { ["SLURM_CONF"] = conf["SLURM_CONF=".Length..] };
    }

    /// <summary>Fails the calling test, saying why, when the cluster did not start.</summary>
    public void Require()
    {
        if (failure is not null) Assert.Fail(failure);
    }

    /// <summary>A Slurm command (scontrol, squeue, ...) against this cluster: exit code and stdout + stderr.</summary>
    public (int Exit, string Output) Command(string name, params string[] args) => Run(name, args, TimeSpan.FromSeconds(60), Environment);

    private static (int Exit, string Output) Run(string exe, string[] args, TimeSpan timeout, IReadOnlyDictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        try
        {
            using var p = Process.Start(start)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                return (-1, $"{exe} {string.Join(' ', args)}: no answer within {timeout.TotalSeconds:0} s\n{stdout.Result}{stderr.Result}");
            }
            return (p.ExitCode, stdout.Result + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{exe}: cannot run ({e.Message})");
        }
    }

    public void Dispose()
    {
        if (startedHere) Run("bash", [script, "stop"], TimeSpan.FromMinutes(1));
    }
}
