using Spectre.Console;
using Spectre.Console.Rendering;

namespace SpatialVlm.Cli;

/// <summary>
/// Progress for long commands: a Spectre.Console bar with a rate on a terminal; otherwise plain log lines
/// ("  done/total unit (rate/s, detail)") at most every 2 s and at the end.
/// </summary>
public static class ProgressDisplay
{
    /// <param name="work">runs the job, calling report(done, detail) as items finish, from any thread</param>
    public static T Run<T>(TextWriter output, string title, int total, string unit, Func<Action<int, string>, T> work) =>
        Run(output, title, total, unit, (report, _) => work(report));

    /// <param name="work">runs the job, calling report(done, detail) as items finish and log(line) for events worth a line of their own, from any thread</param>
    public static T Run<T>(TextWriter output, string title, int total, string unit, Func<Action<int, string>, Action<string>, T> work)
    {
        var interactive = (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected || ReferenceEquals(output, Console.Error) && !Console.IsErrorRedirected)
                          && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            long lastLog = 0;
            var gate = new object();
            bool headed = false;
            void Log(string line)
            {
                lock (gate) output.WriteLine(line);
            }
            return work((done, detail) =>
            {
                lock (gate)
                {
                    // The title waits for the first item, so a run that fails before any leaves only its error line.
                    if (!headed) { output.WriteLine($"{title}: {total} {unit}"); headed = true; }
                    var now = started.ElapsedMilliseconds;
                    if (done != total && now - lastLog < 2000) return;
                    lastLog = now;
                    output.WriteLine($"  {done}/{total} {unit} ({done / Math.Max(1e-3, now / 1000.0):0.0}/s, {detail})");
                }
            }, Log);
        }
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(unit), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: total);
                result = work((done, _) => task.Value = done, line => AnsiConsole.MarkupLine(Markup.Escape(line)));
            });
        return result;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and arrive late).</summary>
    public sealed class Callback<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>Items per second since the task started.</summary>
    private sealed class RateColumn(string unit) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{(task.Speed ?? 0):0.0} {unit}/s");
    }
}
