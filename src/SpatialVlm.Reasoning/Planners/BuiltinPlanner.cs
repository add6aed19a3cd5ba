namespace SpatialVlm.Reasoning;

/// <summary>
/// The <c>builtin</c> planner: no LLM. It reads the composite question (from a task line, or by parsing the families'
/// wordings), asks every measurement the family needs in one round as typed questions (type and object ids when known,
/// so a structured model such as the oracle can answer), and combines the numbers exactly with <see cref="TaskSolver"/>.
/// With a given spatial model it is the upper bound a perfect decomposition reaches.
/// </summary>
public sealed class BuiltinPlanner : IReasoningPlanner
{
    public string Name => "builtin";

    public IPlannerSession Begin(ReasoningProblem problem) => new Session(problem);

    public static string SubQuestionText(NeededMeasurement m) => m.Quantity switch
    {
        "gap" => $"How big is the gap between the {m.A.Phrase} and the {m.B.Phrase}?",
        _ => $"How far apart are the {m.A.Phrase} and the {m.B.Phrase}?",
    };

    private sealed class Session(ReasoningProblem problem) : IPlannerSession
    {
        private TaskQuery? query;
        private IReadOnlyList<NeededMeasurement>? needed;

        public Task<PlannerStep> NextAsync(IReadOnlyList<SubAnswerFeedback> answers, IReadOnlyList<CoordinatorNote> notes, CancellationToken ct)
        {
            if (needed is null)
            {
                var parsed = problem.Query ?? TaskQuestionText.TryParse(problem.Question);
                if (parsed is null)
                    return Task.FromResult<PlannerStep>(new FailedStep($"the builtin planner understands only the task families' wordings: {TaskQuestionText.Wordings}"));
                query = Resolve(parsed, problem.KnownObjects);
                needed = TaskSolver.Needed(query);
                return Task.FromResult<PlannerStep>(new AskStep(needed.Select(m =>
                    new SubQuestion(SubQuestionText(m), m.A, m.B, QuestionCatalog.Get(m.Quantity))).ToList()));
            }
            if (answers.Count != needed.Count)
                return Task.FromResult<PlannerStep>(new FailedStep($"expected {needed.Count} answers, got {answers.Count}"));
            var missing = answers.FirstOrDefault(a => a.Meters is null);
            if (missing != null)
                return Task.FromResult<PlannerStep>(new FailedStep($"no length for \"{missing.Question.Text}\" ({missing.FedBack})"));
            return Task.FromResult<PlannerStep>(new FinalStep(TaskSolver.Solve(query!, answers.Select(a => a.Meters!.Value).ToList()).Text));
        }

        private static TaskQuery Resolve(TaskQuery q, IReadOnlyList<ObjectReference> known)
        {
            ObjectReference R(ObjectReference r) => SubQuestionReader.Resolve(r, known);
            return q with
            {
                Subjects = q.Subjects.Select(R).ToList(),
                Reference = q.Reference is null ? null : R(q.Reference),
                Candidates = q.Candidates.Select(R).ToList(),
            };
        }
    }
}
