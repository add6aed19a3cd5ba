using System.CommandLine;
using SpatialVlm.Core;

namespace SpatialVlm.Cli;

/// <summary>Parses, runs, and turns every expected failure into a one-line message and a non-zero exit.</summary>
public static class CliRunner
{
    public static int Run(RootCommand root, string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var parse = root.Parse(args);
        // Expected failures reach the catch below as one line; System.CommandLine's own handler would print a stack trace.
        var config = new InvocationConfiguration { Output = stdout ?? Console.Out, Error = stderr ?? Console.Error, EnableDefaultExceptionHandler = false };
        if (parse.Errors.Count > 0)
        {
            config.Error.WriteLine($"error: {ParseErrorText.Explain(parse.Errors[0].Message, args, root)}");
            return 2;
        }
        try
        {
            return parse.Invoke(config);
        }
        catch (Exception e) when (Unwrap(e) is SpatialVlmException or IOException or UnauthorizedAccessException or FormatException)
        {
            config.Error.WriteLine($"error: {Printable.Clip(Unwrap(e).Message.Split('\n')[0], 400)}");
            return 1;
        }
        catch (Exception e) when (Unwrap(e) is not OutOfMemoryException)
        {
            // A failure no layer turned into a message is a bug, but the user still gets one line (and exit 70, EX_SOFTWARE), not a stack trace.
            // The whole exception goes to a crash report beside, so the bug can be found without rerunning a long job.
            var cause = Unwrap(e);
            var report = WriteCrashReport(args, e);
            config.Error.WriteLine($"error: unexpected failure ({Printable.Clip(cause.Message.Split('\n')[0].Trim(), 300)}); please report it" +
                                   (report is null ? "" : $" with {report}"));
            return 70;
        }
    }

    /// <summary>The command line and the full exception in a temp file (null when even that cannot be written).</summary>
    private static string? WriteCrashReport(string[] args, Exception e)
    {
        try
        {
            var path = Path.Combine(Path.GetTempPath(), $"spatialvlm-crash-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.txt");
            File.WriteAllText(path, $"spatialvlm {string.Join(' ', args)}\n{DateTime.UtcNow:O}\n{e}\n");
            return path;
        }
        catch (Exception) { return null; }
    }

    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerExceptions[0]) :
        e is System.Reflection.TargetInvocationException { InnerException: { } i } ? Unwrap(i) : e;
}
