namespace SpatialVlm.Reasoning;

/// <summary>
/// One composite question to reason about: the image, the question, and what is known of the image's objects
/// (ids and names, from a task line or a scene.json beside the image) so sub-questions can carry object ids.
/// </summary>
/// <param name="Query">The structured form when the question came from a task line (the builtin planner uses it).</param>
public sealed record ReasoningProblem(string ImagePath, string Question)
{
    public IReadOnlyList<ObjectReference> KnownObjects { get; init; } = [];
    public TaskQuery? Query { get; init; }
}

/// <summary>A simple question for the spatial model, as a planner asks it.</summary>
/// <param name="CallId">The tool call's id (tool protocol), echoed with its answer.</param>
/// <param name="Type">A question type when the planner knows it (builtin; a tool call's <c>quantity</c>); else inferred from the text.</param>
public sealed record SubQuestion(string Text, ObjectReference? A = null, ObjectReference? B = null, QuestionType? Type = null, string? CallId = null);

/// <summary>What the coordinator tells the planner about one sub-question: the text fed back (numbers with units) and the value read.</summary>
public sealed record SubAnswerFeedback(SubQuestion Question, string FedBack, double? Meters, bool? Yes, bool Failed);

/// <summary>A planner's move in one round.</summary>
public abstract record PlannerStep
{
    /// <summary>The LLM's message as it came (null for the builtin planner).</summary>
    public string? LlmMessage { get; init; }
}

/// <summary>Ask the spatial model these (one round; a tool-calling LLM may ask several at once).</summary>
public sealed record AskStep(IReadOnlyList<SubQuestion> Questions) : PlannerStep;

/// <summary>The final answer.</summary>
public sealed record FinalStep(string Answer) : PlannerStep;

/// <summary>The planner's reply could not be used (no protocol marker, a malformed tool call); the coordinator says so and asks again.</summary>
public sealed record InvalidStep(string Problem, string Reminder) : PlannerStep;

/// <summary>The planner cannot go on (its server failed, it gave up): the run ends with this reason.</summary>
public sealed record FailedStep(string Reason) : PlannerStep;

/// <summary>Something the coordinator wants the planner to know besides answers (a repeated question, a contradiction).</summary>
public sealed record CoordinatorNote(string Text);

/// <summary>Decomposes composite questions: <c>builtin</c>, or an LLM.</summary>
public interface IReasoningPlanner
{
    /// <summary>How the trace names it: builtin, openai:URL#MODEL (tools), ...</summary>
    string Name { get; }
    IPlannerSession Begin(ReasoningProblem problem);
}

/// <summary>One question's conversation with a planner.</summary>
public interface IPlannerSession
{
    /// <summary>The next move, given the answers to the previous round's sub-questions (empty at the start) and any notes.</summary>
    Task<PlannerStep> NextAsync(IReadOnlyList<SubAnswerFeedback> answers, IReadOnlyList<CoordinatorNote> notes, CancellationToken ct);
}
