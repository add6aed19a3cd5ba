using System.Collections.Concurrent;
using System.Diagnostics;
using SpatialVlm.Core;

namespace SpatialVlm.Reasoning;

/// <summary>The coordinator's limits.</summary>
public sealed record ReasoningOptions
{
    /// <summary>Planner turns at most (default 12); then the run ends without an answer.</summary>
    public int MaxRounds { get; init; } = 12;
    /// <summary>Sub-questions at most over all rounds (default 40).</summary>
    public int MaxSubQuestions { get; init; } = 40;
    /// <summary>Repeated sub-questions tolerated (each is answered from the run's record and flagged); one more ends the run as a loop (default 2).</summary>
    public int MaxRepeats { get; init; } = 2;
    /// <summary>Unusable replies tolerated (each gets a reminder of the protocol); one more ends the run (default 2).</summary>
    public int MaxInvalidReplies { get; init; } = 2;
    /// <summary>The whole run's time limit (default 10 min): a planner or spatial model that hangs ends it without an answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    public ConsistencyOptions Consistency { get; init; } = new();
}

/// <summary>
/// Spatial model answers shared by every run of a coordinator, keyed per image and sub-question (type, object ids or
/// phrases, or the wording when untyped). Failures are not kept, so a later run asks again.
/// </summary>
public sealed class SubAnswerCache
{
    private readonly ConcurrentDictionary<string, SpatialAnswer> answers = new(StringComparer.Ordinal);

    public static string Key(string imagePath, SubQuestion q) => Path.GetFullPath(imagePath) + "\n" + SubQuestionReader.Key(q);

    public bool TryGet(string key, out SpatialAnswer answer) => answers.TryGetValue(key, out answer!);
    public void Add(string key, SpatialAnswer answer) => answers.TryAdd(key, answer);
    public int Count => answers.Count;
}

/// <summary>
/// Runs the paper's chain-of-thought loop: the planner asks sub-questions, the spatial model answers them (cached per
/// image and question), numbers go back with their units, and the run ends with the planner's final answer or a
/// stated reason (round cap, loop, protocol broken, planner failed, timeout). Every round is kept in the trace.
/// A spatial model that cannot answer anything (<see cref="ModelUnavailableException"/>) is not a reasoning outcome:
/// it propagates, so a caller stops once instead of failing every question.
/// </summary>
public sealed class ReasoningCoordinator(ISpatialAnswerer spatialModel, string spatialModelName, ReasoningOptions options, SubAnswerCache? cache = null)
{
    private readonly SubAnswerCache cache = cache ?? new SubAnswerCache();

    public async Task<ReasoningTrace> RunAsync(ReasoningProblem problem, IReasoningPlanner planner, CancellationToken ct = default)
    {
        if (options.MaxRounds < 1) throw new SpatialVlmException($"max rounds must be at least 1, not {options.MaxRounds}");
        var total = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Timeout);
        var rounds = new List<TraceRound>();
        var detections = new List<TraceDetection>();
        var askedBefore = new Dictionary<string, SubAnswerFeedback>(StringComparer.Ordinal);
        var checker = new ConsistencyChecker(options.Consistency);
        IReadOnlyList<SubAnswerFeedback> feedback = [];
        IReadOnlyList<CoordinatorNote> notes = [];
        int spatialCalls = 0, cacheHits = 0, repeats = 0, invalid = 0, asked = 0;
        string? final = null, error = null;
        IPlannerSession? session = null;

        for (int round = 1; round <= options.MaxRounds && final == null && error == null; round++)
        {
            var clock = Stopwatch.StartNew();
            PlannerStep step;
            try
            {
                session ??= planner.Begin(problem);
                step = await session.NextAsync(feedback, notes, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                step = new FailedStep($"the run timed out after {options.Timeout.TotalSeconds:0.#} s");
            }
            catch (Exception e) when (e is SpatialVlmException or HttpRequestException or IOException or InvalidOperationException or FormatException)
            {
                step = new FailedStep($"the planner failed: {e.Message.Split('\n')[0]}");
            }
            notes = [];
            feedback = [];
            switch (step)
            {
                case FinalStep f:
                    if (asked == 0) detections.Add(new(DetectionKind.NoSubQuestion, round, "the planner answered without asking the spatial model anything"));
                    final = f.Answer.Trim().Length > 0 ? f.Answer.Trim() : "(empty answer)";
                    rounds.Add(new TraceRound { Number = round, LlmMessage = step.LlmMessage, Final = final, ElapsedMs = clock.Elapsed.TotalMilliseconds });
                    break;
                case FailedStep failed:
                    error = failed.Reason;
                    rounds.Add(new TraceRound { Number = round, LlmMessage = step.LlmMessage, Problem = failed.Reason, ElapsedMs = clock.Elapsed.TotalMilliseconds });
                    break;
                case InvalidStep bad:
                    detections.Add(new(DetectionKind.Protocol, round, bad.Problem));
                    rounds.Add(new TraceRound { Number = round, LlmMessage = step.LlmMessage, Problem = bad.Problem, ElapsedMs = clock.Elapsed.TotalMilliseconds });
                    if (++invalid > options.MaxInvalidReplies)
                        error = $"the planner's replies did not follow the protocol {invalid} times (last: {bad.Problem})";
                    else notes = [new CoordinatorNote(bad.Reminder)];
                    break;
                case AskStep ask when ask.Questions.Count == 0:
                    detections.Add(new(DetectionKind.Protocol, round, "a round with no sub-question"));
                    rounds.Add(new TraceRound { Number = round, LlmMessage = step.LlmMessage, Problem = "no sub-question", ElapsedMs = clock.Elapsed.TotalMilliseconds });
                    if (++invalid > options.MaxInvalidReplies) error = "the planner asked nothing and gave no answer";
                    else notes = [new CoordinatorNote("Ask the spatial model a question, or give your final answer.")];
                    break;
                case AskStep ask:
                {
                    var traced = new List<TraceSubQuestion>();
                    var answers = new List<SubAnswerFeedback>();
                    var roundNotes = new List<CoordinatorNote>();
                    foreach (var raw in ask.Questions)
                    {
                        if (asked >= options.MaxSubQuestions)
                        {
                            error = $"more than {options.MaxSubQuestions} sub-questions";
                            break;
                        }
                        asked++;
                        var q = SubQuestionReader.Complete(raw, problem.KnownObjects);
                        var key = SubAnswerCache.Key(problem.ImagePath, q);
                        var repeated = askedBefore.TryGetValue(key, out var earlier);
                        string? answerText = null, failure = null;
                        bool hit = false;
                        if (repeated)
                        {
                            repeats++;
                            detections.Add(new(DetectionKind.Loop, round, $"asked again: {q.Text}"));
                            roundNotes.Add(new CoordinatorNote($"You already asked \"{q.Text}\" (answer: {earlier!.FedBack}). Use it; do not ask again."));
                            hit = true;
                        }
                        else if (cache.TryGet(key, out var cached)) { answerText = cached.Text; hit = true; }
                        else
                        {
                            try
                            {
                                spatialCalls++;
                                var request = new AnswerRequest(problem.ImagePath, q.Text) { A = q.A, B = q.B, Type = q.Type };
                                var answer = await spatialModel.AnswerAsync(request, deadline.Token).ConfigureAwait(false);
                                cache.Add(key, answer);
                                answerText = answer.Text;
                            }
                            catch (AnswerFailedException e) { failure = e.Message.Split('\n')[0]; }
                            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { error = $"the run timed out after {options.Timeout.TotalSeconds:0.#} s"; failure = "timed out"; }
                            catch (Exception e) when (e is SpatialVlmException and not ModelUnavailableException or IOException)
                            {
                                failure = e.Message.Split('\n')[0];
                            }
                        }
                        if (hit) cacheHits++;
                        SubAnswerFeedback fb;
                        if (repeated) fb = earlier! with { Question = q };
                        else if (failure != null)
                        {
                            fb = new SubAnswerFeedback(q, $"error: the spatial model could not answer ({failure})", null, null, Failed: true);
                            // Asking a failed question again is a loop too: the spatial model already had its retries.
                            askedBefore[key] = fb;
                        }
                        else
                        {
                            var (fed, meters, yes) = SubQuestionReader.Read(answerText!, q.Type);
                            fb = new SubAnswerFeedback(q, fed, meters, yes, Failed: false);
                            askedBefore[key] = fb;
                            foreach (var c in checker.Add(q, meters, yes))
                            {
                                detections.Add(new(DetectionKind.Contradiction, round, c));
                                roundNotes.Add(new CoordinatorNote($"These answers cannot all hold: {c}."));
                            }
                        }
                        answers.Add(fb);
                        traced.Add(new TraceSubQuestion
                        {
                            Question = q.Text, ObjectA = q.A?.Phrase, ObjectAId = q.A?.Id, ObjectB = q.B?.Phrase, ObjectBId = q.B?.Id, Type = q.Type?.Id,
                            Answer = repeated ? null : answerText, ParsedMeters = fb.Meters, ParsedYes = fb.Yes, FedBack = fb.FedBack,
                            CacheHit = hit, Repeated = repeated, Error = failure,
                        });
                        if (error != null) break;
                    }
                    if (error == null && repeats > options.MaxRepeats)
                    {
                        error = $"loop: the planner asked the same sub-question again {repeats} times";
                    }
                    feedback = answers;
                    notes = roundNotes;
                    rounds.Add(new TraceRound
                    {
                        Number = round, LlmMessage = step.LlmMessage, SubQuestions = traced, Notes = roundNotes.Select(n => n.Text).ToList(),
                        Problem = error, ElapsedMs = clock.Elapsed.TotalMilliseconds,
                    });
                    break;
                }
            }
        }
        if (final == null && error == null)
        {
            error = $"no final answer after {options.MaxRounds} rounds";
            detections.Add(new(DetectionKind.RoundCap, options.MaxRounds, error));
        }
        return new ReasoningTrace
        {
            Image = problem.ImagePath,
            Question = problem.Question,
            Planner = planner.Name,
            SpatialModel = spatialModelName,
            Rounds = rounds,
            Detections = detections,
            Status = final != null ? ReasoningStatus.Answered : ReasoningStatus.NoAnswer,
            FinalAnswer = final ?? $"no answer: {error}",
            Error = error,
            SpatialCalls = spatialCalls,
            CacheHits = cacheHits,
            ElapsedMs = total.Elapsed.TotalMilliseconds,
        };
    }
}
