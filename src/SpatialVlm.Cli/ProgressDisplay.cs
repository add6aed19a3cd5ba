using Spectre.Console;
using Spectre.Console.Rendering;
using SpatialVlm.Synthesis;

namespace SpatialVlm.Cli;

/// <summary>A Spectre.Console progress bar with a rate on a terminal; plain log lines otherwise.</summary>
public static class ProgressDisplay
{
    public static T Run<T>(TextWriter output, string title, int total, string unit, Func<IProgress<RunProgress>, T> work)
    {
        var interactive = !Console.IsOutputRedirected && output == Console.Out && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            output.WriteLine($"{title}: {total} {unit}");
            var started = System.Diagnostics.Stopwatch.StartNew();
            long lastLog = 0;
            var gate = new object();
            return work(new SyncProgress(p =>
            {
                lock (gate)
                {
                    var now = started.ElapsedMilliseconds;
                    if (p.Done != p.Total && now - lastLog < 2000) return;
                    lastLog = now;
                    output.WriteLine($"  {p.Done}/{p.Total} {unit} ({p.Done / Math.Max(1e-3, now / 1000.0):0.0}/s, {p.Failed} failed, {p.Resumed} resumed)");
                }
            }));
        }
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedlessRateColumn(unit), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: total);
                result = work(new SyncProgress(p => task.Value = p.Done));
            });
        return result;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and arrive late).</summary>
    private sealed class SyncProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }

    /// <summary>Items per second since the task started.</summary>
    private sealed class TransferSpeedlessRateColumn(string unit) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{(task.Speed ?? 0):0.0} {unit}/s");
    }
}
