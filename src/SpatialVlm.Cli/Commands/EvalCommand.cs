using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;

namespace SpatialVlm.Cli.Commands;

/// <summary>`eval`: answer a benchmark with a model SPEC and score it, or compare finished runs side by side.</summary>
public static class EvalCommand
{
    /// <param name="register">Adds answerers this build can provide (oracle, checkpoint, gguf) to the factory.</param>
    public static Command Create(Action<AnswererFactory, OpenAiChatOptions>? register = null)
    {
        var benchmark = new Option<string>("--benchmark") { Description = "benchmark .jsonl (INTERFACES.md), one question per line" };
        var model = new Option<string>("--model") { Description = ModelFlags.SpecHelp };
        var outDir = new Option<string>("--out") { Description = "output folder: metrics.json, predictions.jsonl, report.md and plots (with --compare: also compare.md)" };
        var concurrency = new Option<int>("--concurrency") { Description = "questions in flight at once", DefaultValueFactory = _ => 4 };
        var limit = new Option<int?>("--limit") { Description = "answer only the first N questions" };
        var flags = new ModelFlags();
        var noCache = new Option<bool>("--no-cache") { Description = "ask the model again even for answers cached in OUT/answer-cache.jsonl" };
        var imageRoots = new Option<string[]>("--image-root") { Description = "a folder the benchmark's image paths may point into besides the benchmark's own (repeatable); other paths fail their question", AllowMultipleArgumentsPerToken = true };
        var compare = new Option<string[]>("--compare") { Description = "run folders to show side by side (prints a markdown table)", AllowMultipleArgumentsPerToken = true };
        // Task files (benchmark build --tasks) go through the reasoning coordinator with --llm.
        var reasoning = new ReasoningFlags();
        var noDirect = new Option<bool>("--no-direct") { Description = "task files: skip the direct baseline (the composite question sent straight to the model)" };
        var cmd = new Command("eval", "Answer every benchmark question with a model and score it with the paper's metrics, or compare runs; on a task file, reason with --llm.")
            { benchmark, model, outDir, concurrency, limit, noCache, compare, noDirect, imageRoots };
        foreach (var option in flags.All.Concat(reasoning.All)) cmd.Options.Add(option);
        cmd.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var dirs = parse.GetValue(compare);
            var output = parse.GetValue(outDir);
            if (output != null) OutputPath.Folder(output);
            if (dirs is { Length: > 0 })
            {
                var table = RunComparison.Build(dirs);
                stdout.Write(table);
                if (output != null) AtomicFile.WriteAllText(Path.Combine(output, "compare.md"), table);
                return 0;
            }
            var benchmarkPath = parse.GetValue(benchmark) ?? throw new SpatialVlmException("--benchmark is required (or --compare DIR...)");
            var specText = parse.GetValue(model) ?? throw new SpatialVlmException("--model is required");
            if (output == null) throw new SpatialVlmException("--out is required");
            var spec = ModelSpec.Parse(specText);
            var answerer = flags.Factory(parse, register).Create(spec);
            if (Reasoning.TaskFile.IsTaskFile(benchmarkPath))
            {
                try { return TaskEval.Run(parse, benchmarkPath, answerer, spec, output, reasoning, flags, parse.GetValue(concurrency), parse.GetValue(limit), !parse.GetValue(noDirect)); }
                finally { (answerer as IDisposable)?.Dispose(); }
            }
            EvalResult run;
            EvalOptions options;
            try
            {
                var file = BenchmarkReader.Read(benchmarkPath, parse.GetValue(imageRoots) ?? []);
                foreach (var problem in file.Problems.Take(20)) stderr.WriteLine($"warning: {problem}");
                if (file.Problems.Count > 20) stderr.WriteLine($"warning: {file.Problems.Count - 20} more malformed lines (listed in report.md)");
                options = new EvalOptions
                {
                    Concurrency = parse.GetValue(concurrency),
                    Limit = parse.GetValue(limit),
                    CachePath = parse.GetValue(noCache) ? null : Path.Combine(output, "answer-cache.jsonl"),
                    CacheScope = flags.CacheScope(parse, spec),
                };
                var total = Math.Min(file.Items.Count, options.Limit ?? int.MaxValue);
                int done = 0, failed = 0;
                run = ProgressDisplay.Run(stderr, $"eval: {spec.Text}", total, "questions", report =>
                    EvalRunner.RunAsync(file, Path.GetFileName(benchmarkPath), answerer, spec.Text, options, p =>
                    {
                        var f = p.Counted && p.Error != null ? Interlocked.Increment(ref failed) : Volatile.Read(ref failed);
                        report(Interlocked.Increment(ref done), $"{f} failed");
                    }).GetAwaiter().GetResult());
            }
            finally
            {
                (answerer as IDisposable)?.Dispose();
            }
            foreach (var p in run.Predictions.Where(p => !p.Counted).Take(20)) stderr.WriteLine($"warning: {benchmarkPath} line {p.Item.Line}: {p.Error}");
            EvalOutputs.Write(output, run, options.Metrics);
            var m = run.Metrics;
            stdout.WriteLine($"qualitative accuracy {m.Qualitative.Accuracy:P1} (n={m.Qualitative.N}); quantitative output numbers {m.Quantitative.OutputNumbers:P1}, " +
                             $"in range [0.5, 2] {m.Quantitative.InRange50To200:P1} (n={m.Quantitative.N})");
            if (run.Failed > 0) stdout.WriteLine($"{run.Failed} questions failed to answer (scored wrong); see report.md");
            stdout.WriteLine($"wrote {Path.Combine(output, EvalOutputs.Metrics)}, {EvalOutputs.Predictions}, {EvalOutputs.Report}");
            return 0;
        });
        return cmd;
    }
}
