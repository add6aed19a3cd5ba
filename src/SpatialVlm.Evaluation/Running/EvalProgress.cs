using Spectre.Console;

namespace SpatialVlm.Evaluation;

/// <summary>Shows a run's progress: a Spectre.Console bar on an interactive terminal, a plain line every tenth of the run otherwise.</summary>
public static class EvalProgress
{
    public static async Task<T> RunAsync<T>(int total, TextWriter log, bool interactive, Func<Action<Prediction>, Task<T>> work)
    {
        if (interactive)
        {
            return await AnsiConsole.Progress().AutoClear(false).StartAsync(async ctx =>
            {
                var task = ctx.AddTask("answering", maxValue: Math.Max(total, 1));
                int failed = 0;
                return await work(p =>
                {
                    if (p.Counted && p.Error != null) Interlocked.Increment(ref failed);
                    task.Description = failed > 0 ? $"answering ({failed} failed)" : "answering";
                    task.Increment(1);
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        int done = 0, failures = 0;
        var step = Math.Max(1, total / 10);
        var gate = new Lock();
        return await work(p =>
        {
            var d = Interlocked.Increment(ref done);
            var f = p.Counted && p.Error != null ? Interlocked.Increment(ref failures) : Volatile.Read(ref failures);
            if (d % step == 0 || d == total)
                lock (gate) log.WriteLine($"answered {d}/{total}" + (f > 0 ? $" ({f} failed)" : ""));
        }).ConfigureAwait(false);
    }

    /// <summary>True when stderr is a terminal that can redraw a progress bar.</summary>
    public static bool IsInteractive => !Console.IsErrorRedirected && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
}
