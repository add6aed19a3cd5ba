using SpatialVlm.Core;

namespace SpatialVlm.Evaluation;

/// <summary>Options of one evaluation run.</summary>
public sealed record EvalOptions
{
    /// <summary>Questions in flight at once (default 4).</summary>
    public int Concurrency { get; init; } = 4;
    /// <summary>Answer only the first N questions of the benchmark (default all).</summary>
    public int? Limit { get; init; }
    public MetricsOptions Metrics { get; init; } = new();
    /// <summary>Answer cache file (see <see cref="AnswerCache"/>); null asks the model every time (default).</summary>
    public string? CachePath { get; init; }
    /// <summary>Anything besides the model SPEC that changes answers (a system prompt, max tokens): folded into cache keys (default none).</summary>
    public string CacheScope { get; init; } = "";
    /// <summary>
    /// Stop the run when this many questions have failed before any succeeded (default 8; 0 never stops): a server
    /// that answers every request with 503 is as good as down, and retrying every question would take hours.
    /// </summary>
    public int StopAfterInitialFailures { get; init; } = 8;
}

/// <summary>Everything a run produced: predictions in benchmark order, metrics over the counted ones, and the benchmark's problems.</summary>
public sealed record EvalResult(string ModelSpec, string Benchmark, IReadOnlyList<Prediction> Predictions, MetricsReport Metrics,
    IReadOnlyList<BenchmarkProblem> Problems)
{
    /// <summary>Questions asked but not answered (after retries): they count as wrong.</summary>
    public int Failed => Predictions.Count(p => p.Counted && p.Error != null);
    /// <summary>Questions that could not be asked (image missing): reported, left out of the metrics.</summary>
    public int NotAsked => Predictions.Count(p => !p.Counted);
}

/// <summary>
/// Asks every benchmark question, reads and scores the answers, and computes the metrics. A question the model
/// fails on is recorded with its error and scored as wrong; a missing image is recorded and not counted; a
/// <see cref="ModelUnavailableException"/> stops the whole run at once (one error, not one per question).
/// </summary>
public static class EvalRunner
{
    public static async Task<EvalResult> RunAsync(BenchmarkFile benchmark, string benchmarkName, ISpatialAnswerer answerer, string modelSpec,
        EvalOptions options, Action<Prediction>? onAnswered = null, CancellationToken ct = default)
    {
        if (options.Concurrency < 1) throw new SpatialVlmException($"concurrency must be at least 1, not {options.Concurrency}");
        if (options.Limit is < 1) throw new SpatialVlmException($"limit must be at least 1, not {options.Limit}");
        var items = benchmark.Items.Take(options.Limit ?? int.MaxValue).ToArray();
        var predictions = new Prediction[items.Length];
        using var cache = options.CachePath != null ? new AnswerCache(options.CachePath) : null;
        int answeredOk = 0, failedBeforeAnyAnswer = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Length),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct },
            async (i, token) =>
            {
                var p = await AnswerOne(items[i], answerer, modelSpec + "\n" + options.CacheScope, cache, options.Metrics, token).ConfigureAwait(false);
                predictions[i] = p;
                onAnswered?.Invoke(p);
                if (p.Counted && p.Error == null) Interlocked.Increment(ref answeredOk);
                else if (p.Counted && Volatile.Read(ref answeredOk) == 0 &&
                         Interlocked.Increment(ref failedBeforeAnyAnswer) == options.StopAfterInitialFailures)
                    throw new ModelUnavailableException($"{modelSpec}: the first {options.StopAfterInitialFailures} questions all failed (last: {p.Error}); stopping");
            }).ConfigureAwait(false);
        var counted = predictions.Where(p => p.Counted).Select(p => new ItemOutcome(p.Item, p.Parsed)).ToList();
        return new EvalResult(modelSpec, benchmarkName, predictions, SpatialMetrics.Compute(counted, options.Metrics), benchmark.Problems);
    }

    private static async Task<Prediction> AnswerOne(BenchmarkItem item, ISpatialAnswerer answerer, string cacheScope, AnswerCache? cache,
        MetricsOptions metrics, CancellationToken ct)
    {
        if (RegularFile.Kind(item.ImagePath) is var kind && kind != "regular file")
            return new Prediction(item, null, ParsedAnswer.None(item.Kind), 0,
                kind is null ? $"image not found: {item.Image}" : $"image is a {kind}, not a regular file: {item.Image}", Counted: false, Cached: false);
        string? raw = null, error = null;
        bool cached = false;
        var key = cache != null ? AnswerCache.Key(cacheScope, item) : null;
        if (cache != null && cache.TryGet(key!, out var hit)) { raw = hit; cached = true; }
        else
        {
            try
            {
                raw = (await answerer.AnswerAsync(item.ToRequest(), ct).ConfigureAwait(false)).Text;
                cache?.Add(key!, raw);
            }
            catch (AnswerFailedException e) { error = e.Message; }
            catch (Exception e) when (e is not ModelUnavailableException && e is SpatialVlmException or IOException)
            {
                error = e.Message.Split('\n')[0];
            }
        }
        var parsed = AnswerParser.Parse(item, raw);
        var score = ItemScoring.Score(new ItemOutcome(item, parsed), metrics);
        return new Prediction(item, raw, parsed, score, error, Counted: true, cached);
    }
}
