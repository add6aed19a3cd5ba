using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpatialVlm.Core;

namespace SpatialVlm.Reasoning;

/// <summary>Options of a task evaluation.</summary>
public sealed record TaskEvalOptions
{
    /// <summary>Tasks in flight at once (default 2).</summary>
    public int Concurrency { get; init; } = 2;
    /// <summary>Only the first N tasks (default all).</summary>
    public int? Limit { get; init; }
    /// <summary>Also send each composite question straight to the spatial model (the "direct" baseline; default on).</summary>
    public bool Direct { get; init; } = true;
    public ReasoningOptions Reasoning { get; init; } = new();
}

/// <summary>The direct baseline's answer to one task.</summary>
public sealed record DirectOutcome(string? Answer, TaskReading Reading, bool Correct, string? Error);

/// <summary>One line of predictions.jsonl for a task: the expected answer, the final answer, how it was read and scored, the whole trace, and the direct baseline.</summary>
public sealed record TaskPrediction
{
    public required string Id { get; init; }
    public required TaskFamily Family { get; init; }
    public required string Question { get; init; }
    public required TaskAnswer Expected { get; init; }
    public required string Answer { get; init; }
    public required TaskReading Parsed { get; init; }
    public required bool Correct { get; init; }
    public required ReasoningTrace Trace { get; init; }
    public DirectOutcome? Direct { get; init; }
}

/// <summary>Accuracy of one family (or all), for the reasoning run and the direct baseline.</summary>
public sealed record FamilyScore(int N, double Accuracy, int NoAnswer, double? DirectAccuracy);

/// <summary>metrics.json of a task evaluation.</summary>
public sealed record TaskMetrics
{
    public required string SpatialModel { get; init; }
    public required string Planner { get; init; }
    public required FamilyScore Overall { get; init; }
    public required IReadOnlyDictionary<string, FamilyScore> ByFamily { get; init; }
    public double MeanRounds { get; init; }
    public double MeanSpatialCalls { get; init; }
    public int CacheHits { get; init; }
    public int Loops { get; init; }
    public int Contradictions { get; init; }
}

public sealed record TaskEvalResult(IReadOnlyList<TaskPrediction> Predictions, TaskMetrics Metrics);

/// <summary>
/// Scores a task file: each task goes through the coordinator with the planner (and, for the baseline, straight to the
/// spatial model); accuracy per family; predictions.jsonl with the whole trace per item, metrics.json and report.md.
/// </summary>
public static class TaskEvalRunner
{
    public const string Predictions = "predictions.jsonl", Metrics = "metrics.json", Report = "report.md";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<TaskEvalResult> RunAsync(string taskFile, ISpatialAnswerer spatialModel, string spatialModelName, IReasoningPlanner planner,
        TaskEvalOptions options, Action<TaskPrediction>? onDone = null, CancellationToken ct = default)
    {
        if (options.Concurrency < 1) throw new SpatialVlmException($"concurrency must be at least 1, not {options.Concurrency}");
        var tasks = TaskFile.Read(taskFile).Take(options.Limit ?? int.MaxValue).ToArray();
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(taskFile))!;
        var coordinator = new ReasoningCoordinator(spatialModel, spatialModelName, options.Reasoning);
        var predictions = new TaskPrediction[tasks.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, tasks.Length), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct },
            async (i, token) =>
            {
                var task = tasks[i];
                var image = Path.GetFullPath(Path.Combine(baseDir, task.Image));
                if (!File.Exists(image)) throw new SpatialVlmException($"{taskFile}: task {task.Id}: image not found: {task.Image}");
                var problem = new ReasoningProblem(image, task.Question)
                {
                    KnownObjects = task.Objects.Select(o => new ObjectReference(o.Caption, o.Id)).DistinctBy(o => o.Id).ToList(),
                    Query = TaskQuery.From(task),
                };
                var trace = await coordinator.RunAsync(problem, planner, token).ConfigureAwait(false);
                var (reading, correct) = TaskScoring.Score(task, trace.Status == ReasoningStatus.Answered ? trace.FinalAnswer : null);
                DirectOutcome? direct = null;
                if (options.Direct) direct = await DirectAsync(task, image, spatialModel, token).ConfigureAwait(false);
                predictions[i] = new TaskPrediction
                {
                    Id = task.Id, Family = task.Family, Question = task.Question, Expected = task.Answer, Answer = trace.FinalAnswer,
                    Parsed = reading, Correct = correct, Trace = trace, Direct = direct,
                };
                onDone?.Invoke(predictions[i]);
            }).ConfigureAwait(false);
        return new TaskEvalResult(predictions, Score(predictions, spatialModelName, planner.Name, options.Direct));
    }

    /// <summary>The composite question sent as it is to the spatial model.</summary>
    private static async Task<DirectOutcome> DirectAsync(ReasoningTask task, string image, ISpatialAnswerer model, CancellationToken ct)
    {
        try
        {
            var answer = (await model.AnswerAsync(new AnswerRequest(image, task.Question), ct).ConfigureAwait(false)).Text;
            var (reading, correct) = TaskScoring.Score(task, answer);
            return new DirectOutcome(answer, reading, correct, null);
        }
        catch (Exception e) when (e is AnswerFailedException || (e is SpatialVlmException or IOException && e is not ModelUnavailableException))
        {
            return new DirectOutcome(null, new TaskReading(), false, e.Message.Split('\n')[0]);
        }
    }

    public static TaskMetrics Score(IReadOnlyList<TaskPrediction> predictions, string spatialModel, string planner, bool direct)
    {
        FamilyScore Of(IReadOnlyCollection<TaskPrediction> items) => new(items.Count,
            items.Count == 0 ? 0 : items.Count(p => p.Correct) / (double)items.Count,
            items.Count(p => p.Trace.Status == ReasoningStatus.NoAnswer),
            direct && items.Count > 0 ? items.Count(p => p.Direct?.Correct == true) / (double)items.Count : null);
        return new TaskMetrics
        {
            SpatialModel = spatialModel,
            Planner = planner,
            Overall = Of(predictions.ToList()),
            ByFamily = predictions.GroupBy(p => p.Family).OrderBy(g => g.Key)
                .ToDictionary(g => FamilyName(g.Key), g => Of(g.ToList())),
            MeanRounds = predictions.Count == 0 ? 0 : predictions.Average(p => p.Trace.Rounds.Count),
            MeanSpatialCalls = predictions.Count == 0 ? 0 : predictions.Average(p => p.Trace.SpatialCalls),
            CacheHits = predictions.Sum(p => p.Trace.CacheHits),
            Loops = predictions.Sum(p => p.Trace.Detections.Count(d => d.Kind == DetectionKind.Loop)),
            Contradictions = predictions.Sum(p => p.Trace.Detections.Count(d => d.Kind == DetectionKind.Contradiction)),
        };
    }

    public static string FamilyName(TaskFamily family) => JsonSerializer.Serialize(family).Trim('"');

    public static void Write(string outDir, TaskEvalResult result)
    {
        Directory.CreateDirectory(outDir);
        var lines = new StringBuilder();
        foreach (var p in result.Predictions) lines.Append(JsonSerializer.Serialize(p, Json)).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDir, Predictions), lines.ToString());
        AtomicFile.WriteAllText(Path.Combine(outDir, Metrics), JsonSerializer.Serialize(result.Metrics, new JsonSerializerOptions(Json) { WriteIndented = true }));
        AtomicFile.WriteAllText(Path.Combine(outDir, Report), ReportMarkdown(result));
    }

    public static string ReportMarkdown(TaskEvalResult result)
    {
        var m = result.Metrics;
        string P(double? v) => v is { } x ? x.ToString("P1", CultureInfo.InvariantCulture) : "—";
        var sb = new StringBuilder();
        sb.AppendLine("# Compositional spatial reasoning");
        sb.AppendLine();
        sb.AppendLine($"Spatial model `{m.SpatialModel}`, planner `{m.Planner}`. Direct = the composite question sent straight to the spatial model.");
        sb.AppendLine();
        sb.AppendLine("| family | n | reasoning accuracy | no answer | direct accuracy |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var (family, s) in m.ByFamily) sb.AppendLine($"| {family} | {s.N} | {P(s.Accuracy)} | {s.NoAnswer} | {P(s.DirectAccuracy)} |");
        sb.AppendLine($"| **all** | {m.Overall.N} | **{P(m.Overall.Accuracy)}** | {m.Overall.NoAnswer} | {P(m.Overall.DirectAccuracy)} |");
        sb.AppendLine();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Mean rounds {m.MeanRounds:0.##}, mean spatial-model calls {m.MeanSpatialCalls:0.##}, cache hits {m.CacheHits}, loops detected {m.Loops}, contradictions detected {m.Contradictions}."));
        var wrong = result.Predictions.Where(p => !p.Correct).Take(10).ToList();
        if (wrong.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## First wrong answers");
            foreach (var p in wrong) sb.AppendLine($"- `{p.Id}` ({FamilyName(p.Family)}): {p.Question} — expected *{p.Expected.Text}*, got *{p.Answer}*");
        }
        return sb.ToString();
    }
}
