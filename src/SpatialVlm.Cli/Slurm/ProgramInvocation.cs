using System.Reflection;
using SpatialVlm.Core;

namespace SpatialVlm.Cli.Slurm;

/// <summary>
/// How a shell script calls this program again: the executable and the arguments before the command
/// (none for the `spatialvlm` app host; the entry assembly when this runs as `dotnet spatialvlm.dll`).
/// </summary>
public sealed record ProgramInvocation(string Executable, IReadOnlyList<string> LeadingArguments)
{
    /// <summary>This process as it was started (Environment.ProcessPath, plus the entry assembly under the dotnet host).</summary>
    public static ProgramInvocation Current()
    {
        var path = Environment.ProcessPath ?? throw new SpatialVlmException("cannot tell this program's own path (Environment.ProcessPath is not set)");
        var name = Path.GetFileNameWithoutExtension(path);
        if (name != "dotnet") return new ProgramInvocation(Path.GetFullPath(path), []);
        var entry = Assembly.GetEntryAssembly()?.Location;
        return string.IsNullOrEmpty(entry)
            ? throw new SpatialVlmException($"running under {path} but the entry assembly has no file; run the spatialvlm executable")
            : new ProgramInvocation(Path.GetFullPath(path), [Path.GetFullPath(entry)]);
    }

    /// <summary>The command line for a shell: every word single-quoted.</summary>
    public string Shell(params string[] arguments) =>
        string.Join(' ', new[] { Executable }.Concat(LeadingArguments).Concat(arguments).Select(ShellQuote.Word));
}

/// <summary>POSIX shell quoting.</summary>
public static class ShellQuote
{
    /// <summary>One word the shell passes through unchanged: 'text', with each ' written as '\''.</summary>
    public static string Word(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
