using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;
using SpatialVlm.Evaluation.Gguf;
using SpatialVlm.Reasoning;

namespace SpatialVlm.Cli.Commands;

/// <summary>The flags of the reasoning planner, shared by `reason` and `eval` on a task file.</summary>
internal sealed class ReasoningFlags
{
    public Option<string> Llm { get; } = new("--llm") { Description = PlannerSpec.Help, DefaultValueFactory = _ => "builtin" };
    public Option<string> Protocol { get; } = new("--protocol") { Description = "LLM protocol: tools (function calling), text ([Question]/[Friend]/[Answer] with few-shot examples), or auto (tools for openai:, text for gguf:)", DefaultValueFactory = _ => "auto" };
    public Option<int> MaxRounds { get; } = new("--max-rounds") { Description = "planner turns at most before the run ends without an answer", DefaultValueFactory = _ => 12 };
    public Option<double> LlmTimeout { get; } = new("--llm-timeout") { Description = "seconds per LLM request before it is retried", DefaultValueFactory = _ => 60 };
    public Option<int> LlmRetries { get; } = new("--llm-retries") { Description = "retries per LLM request on 429, 5xx and timeouts", DefaultValueFactory = _ => 2 };
    public Option<int> LlmMaxTokens { get; } = new("--llm-max-tokens") { Description = "most tokens per LLM reply (openai max_tokens; gguf: generation limit, with --context-size, --threads and --prompt-format as for a gguf model)", DefaultValueFactory = _ => 512 };

    public IEnumerable<Option> All => [Llm, Protocol, MaxRounds, LlmTimeout, LlmRetries, LlmMaxTokens];

    public ReasoningOptions Reasoning(ParseResult parse) =>
        parse.GetValue(MaxRounds) is var n && n >= 1 ? new ReasoningOptions { MaxRounds = n } : throw new SpatialVlmException("--max-rounds must be at least 1");

    /// <param name="model">The model flags: a gguf: planner runs with their --context-size, --threads and --prompt-format.</param>
    public IReasoningPlanner Planner(ParseResult parse, ModelFlags model, out IDisposable? owned)
    {
        if (parse.GetValue(LlmMaxTokens) < 1) throw new SpatialVlmException("--llm-max-tokens must be at least 1");
        var seconds = parse.GetValue(LlmTimeout);
        if (!(seconds > 0) || !double.IsFinite(seconds)) throw new SpatialVlmException($"--llm-timeout must be a positive number of seconds, not {seconds}");
        if (parse.GetValue(LlmRetries) < 0) throw new SpatialVlmException("--llm-retries must be 0 or more");
        var options = new LlmOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(seconds),
            MaxRetries = parse.GetValue(LlmRetries),
            ApiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY"),
            MaxTokens = parse.GetValue(LlmMaxTokens),
        };
        return PlannerSpec.Create(parse.GetValue(Llm)!, PlannerSpec.Protocol(parse.GetValue(Protocol)!), options, out owned,
            path => GgufChatModel.Load(path, model.Gguf(parse) with { MaxTokens = options.MaxTokens, SystemPrompt = null }));
    }
}

/// <summary>`reason`: chain-of-thought spatial reasoning on one image; prints the final answer (and the trace with --trace).</summary>
public static class ReasonCommand
{
    /// <param name="register">Adds answerers this build can provide (oracle, checkpoint) to the factory.</param>
    public static Command Create(Action<AnswererFactory, OpenAiChatOptions>? register = null)
    {
        var model = new Option<string>("--model") { Description = "the spatial model that answers sub-questions: " + ModelFlags.SpecHelp, Required = true };
        var image = new Option<string>("--image") { Description = "the image the question is about; a scene folder's image.png lends its objects' names and ids", Required = true };
        var question = new Argument<string>("question") { Description = "the composite question, e.g. \"Which of the red mug, the blue box and the lamp is closest to the chair?\"" };
        var trace = new Option<bool>("--trace") { Description = "print the readable trace (every round, sub-question, answer, detection) before the answer" };
        var outFile = new Option<string?>("--out") { Description = "write the full trace as JSON to this file" };
        var flags = new ModelFlags();
        var reasoning = new ReasoningFlags();
        var cmd = new Command("reason", "An LLM (or the builtin planner) breaks a spatial question into simple ones, asks the spatial model, and combines the answers.")
            { model, image, question, trace, outFile };
        foreach (var option in flags.All.Concat(reasoning.All)) cmd.Options.Add(option);
        cmd.SetAction(parse =>
        {
            var imagePath = parse.GetValue(image)!;
            if (!File.Exists(imagePath)) throw new SpatialVlmException($"{imagePath}: no such image");
            var text = parse.GetValue(question);
            if (string.IsNullOrWhiteSpace(text)) throw new SpatialVlmException("the question is empty");
            var spec = ModelSpec.Parse(parse.GetValue(model)!);
            var options = reasoning.Reasoning(parse);
            var answerer = flags.Factory(parse, register).Create(spec);
            IDisposable? ownedPlanner = null;
            try
            {
                var planner = reasoning.Planner(parse, flags, out ownedPlanner);
                var problem = new ReasoningProblem(Path.GetFullPath(imagePath), text.Trim()) { KnownObjects = SceneObjects.BesideImage(imagePath) };
                var result = new ReasoningCoordinator(answerer, spec.Text, options).RunAsync(problem, planner).GetAwaiter().GetResult();
                var stdout = parse.InvocationConfiguration.Output;
                if (parse.GetValue(outFile) is { } path) AtomicFile.WriteAllText(path, result.ToJson());
                if (parse.GetValue(trace)) stdout.Write(result.ToText());
                if (result.Status == ReasoningStatus.NoAnswer) throw new SpatialVlmException(result.FinalAnswer);
                stdout.WriteLine(result.FinalAnswer);
                return 0;
            }
            finally
            {
                (answerer as IDisposable)?.Dispose();
                ownedPlanner?.Dispose();
            }
        });
        return cmd;
    }
}

/// <summary>`eval` on a task file (lines with a <c>family</c>): reasoning accuracy per family, traces, and the direct baseline.</summary>
internal static class TaskEval
{
    public static int Run(ParseResult parse, string taskFile, ISpatialAnswerer answerer, ModelSpec spec, string outDir, ReasoningFlags reasoning, ModelFlags flags, int concurrency, int? limit, bool direct)
    {
        var planner = reasoning.Planner(parse, flags, out var owned);
        try
        {
            var total = Math.Min(TaskFile.Read(taskFile).Count, limit ?? int.MaxValue);
            int done = 0;
            var stderr = parse.InvocationConfiguration.Error;
            var result = ProgressDisplay.Run(stderr, $"eval: {spec.Text} + {planner.Name}", total, "tasks", report =>
                TaskEvalRunner.RunAsync(taskFile, answerer, spec.Text, planner,
                    new TaskEvalOptions { Concurrency = concurrency, Limit = limit, Direct = direct, Reasoning = reasoning.Reasoning(parse) },
                    _ => report(Interlocked.Increment(ref done), "")).GetAwaiter().GetResult());
            TaskEvalRunner.Write(outDir, result);
            var m = result.Metrics;
            var stdout = parse.InvocationConfiguration.Output;
            stdout.WriteLine($"reasoning accuracy {m.Overall.Accuracy:P1} (n={m.Overall.N}, {m.Overall.NoAnswer} without an answer)" +
                             (m.Overall.DirectAccuracy is { } d ? $"; direct {d:P1}" : ""));
            foreach (var (family, s) in m.ByFamily)
                stdout.WriteLine($"  {family}: {s.Accuracy:P1} (n={s.N})" + (s.DirectAccuracy is { } fd ? $", direct {fd:P1}" : ""));
            stdout.WriteLine($"wrote {Path.Combine(outDir, TaskEvalRunner.Metrics)}, {TaskEvalRunner.Predictions}, {TaskEvalRunner.Report}");
            return 0;
        }
        finally
        {
            owned?.Dispose();
        }
    }
}
