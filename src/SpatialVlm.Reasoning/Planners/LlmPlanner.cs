using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SpatialVlm.Reasoning;

/// <summary>How the LLM asks its sub-questions.</summary>
public enum PlannerProtocol
{
    /// <summary>OpenAI tool calling: a function <c>ask_spatial_model(question, object_a?, object_b?, quantity?)</c>.</summary>
    Tools,
    /// <summary>The paper's plain-text exchange for servers without tools: [Question] / [Friend] / [Answer], with few-shot examples.</summary>
    Text,
}

/// <summary>
/// An LLM on an OpenAI-compatible server as the planner. It never sees the image: it reads the question (and the
/// names of the image's objects when known) and asks the spatial model, in either protocol.
/// </summary>
public sealed partial class LlmPlanner(LlmChatClient client, string specText, PlannerProtocol protocol) : IReasoningPlanner
{
    public const string ToolName = "ask_spatial_model";

    public string Name => $"{specText} ({(protocol == PlannerProtocol.Tools ? "tools" : "text")})";

    public IPlannerSession Begin(ReasoningProblem problem) =>
        protocol == PlannerProtocol.Tools ? new ToolSession(client, problem) : new TextSession(client, problem);

    public const string ToolSystemPrompt =
        "You answer spatial questions about an image you cannot see. A spatial model can see it: call ask_spatial_model with one " +
        "simple question at a time (the distance between two objects' centres, the gap between their surfaces, an object's width or height), " +
        "naming the objects in object_a and object_b exactly as the user names them, and quantity when you know it. Its answers are lengths " +
        "with units. Combine them step by step, then reply with the final answer in plain text, without calling the tool.";

    public const string TextSystemPrompt =
        """
        You answer spatial questions about an image you cannot see. Your friend can see it and answers one simple question at a time:
        the distance between two objects, the gap between them, an object's width or height. To ask, reply with one line
        "[Question] ..." and stop; your friend replies "[Friend] ...". When you know enough, reply "[Answer] ..." with the final answer.
        Use the objects' names exactly as the user gives them.

        Example 1:
        [User] Do the red can, the blue can and the green can form an isosceles triangle (two sides equal within 10%)?
        [Question] How far apart are the red can and the blue can?
        [Friend] 0.5 m
        [Question] How far apart are the blue can and the green can?
        [Friend] 0.52 m
        [Question] How far apart are the red can and the green can?
        [Friend] 0.81 m
        [Answer] Yes: the sides 0.5 m and 0.52 m differ by 4%, within 10%.

        Example 2:
        [User] Would an object 1 m wide fit between the sofa and the shelf?
        [Question] How big is the gap between the sofa and the shelf?
        [Friend] 0.7 m
        [Answer] No: the gap is 0.7 m, less than 1 m.

        Example 3:
        [User] Which of the mug, the bowl and the lamp is closest to the gripper?
        [Question] How far apart are the gripper and the mug?
        [Friend] 0.9 m
        [Question] How far apart are the gripper and the bowl?
        [Friend] 0.35 m
        [Question] How far apart are the gripper and the lamp?
        [Friend] 1.4 m
        [Answer] The bowl (0.35 m).
        """;

    public static JsonArray Tools() =>
    [
        new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = ToolName,
                ["description"] = "Ask the spatial vision-language model one simple question about the image; it answers in words, lengths with units.",
                ["parameters"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["question"] = new JsonObject { ["type"] = "string", ["description"] = "one simple spatial question" },
                        ["object_a"] = new JsonObject { ["type"] = "string", ["description"] = "the first object the question is about" },
                        ["object_b"] = new JsonObject { ["type"] = "string", ["description"] = "the second object, if any" },
                        ["quantity"] = new JsonObject
                        {
                            ["type"] = "string",
                            ["description"] = "what is asked, if known",
                            ["enum"] = new JsonArray(QuestionCatalog.All.Select(t => (JsonNode)JsonValue.Create(t.Id)!).ToArray()),
                        },
                    },
                    ["required"] = new JsonArray("question"),
                },
            },
        },
    ];

    private static string UserMessage(ReasoningProblem problem) =>
        problem.KnownObjects.Count == 0 ? problem.Question
            : problem.Question + "\nObjects in the image: " + string.Join(", ", problem.KnownObjects.Select(o => "the " + o.Phrase)) + ".";

    private sealed class ToolSession(LlmChatClient client, ReasoningProblem problem) : IPlannerSession
    {
        private readonly JsonArray messages =
        [
            new JsonObject { ["role"] = "system", ["content"] = ToolSystemPrompt },
            new JsonObject { ["role"] = "user", ["content"] = UserMessage(problem) },
        ];
        private readonly List<(string Id, string Error)> pendingToolErrors = [];
        private readonly JsonArray tools = Tools();

        public async Task<PlannerStep> NextAsync(IReadOnlyList<SubAnswerFeedback> answers, IReadOnlyList<CoordinatorNote> notes, CancellationToken ct)
        {
            foreach (var a in answers)
                messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = a.Question.CallId ?? "call", ["content"] = a.FedBack });
            foreach (var (id, error) in pendingToolErrors)
                messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = id, ["content"] = "error: " + error });
            pendingToolErrors.Clear();
            if (notes.Count > 0) messages.Add(new JsonObject { ["role"] = "user", ["content"] = string.Join("\n", notes.Select(n => n.Text)) });
            var result = await client.CompleteAsync(messages, tools, ct).ConfigureAwait(false);
            if (result.Reply is not { } reply)
                return result.Malformed
                    ? new InvalidStep($"the LLM server sent {result.Failure}", "Reply with a tool call or your final answer.")
                    : new FailedStep($"the LLM failed: {result.Failure}");
            var display = Display(reply);
            messages.Add(reply.Message);
            if (reply.ToolCalls.Count == 0)
            {
                if (string.IsNullOrWhiteSpace(reply.Content)) { messages.RemoveAt(messages.Count - 1); return new InvalidStep("an empty reply", "Call ask_spatial_model, or give your final answer.") { LlmMessage = display }; }
                return new FinalStep(reply.Content) { LlmMessage = display };
            }
            var questions = new List<SubQuestion>();
            foreach (var call in reply.ToolCalls)
            {
                if (call.Name != ToolName) { pendingToolErrors.Add((call.Id, $"unknown tool '{call.Name}'; the only tool is {ToolName}")); continue; }
                if (ReadArguments(call) is { } q) questions.Add(q);
                else pendingToolErrors.Add((call.Id, $"arguments must be a JSON object with a \"question\" string, got {Clip(call.Arguments)}"));
            }
            if (questions.Count > 0) return new AskStep(questions) { LlmMessage = display };
            var problemText = pendingToolErrors[0].Error;
            return new InvalidStep($"no usable tool call: {problemText}", "Call ask_spatial_model with {\"question\": \"...\"}.") { LlmMessage = display };
        }

        private static SubQuestion? ReadArguments(LlmToolCall call)
        {
            try
            {
                if (JsonNode.Parse(call.Arguments) is not JsonObject args || args["question"] is not JsonValue qv || !qv.TryGetValue<string>(out var text) || string.IsNullOrWhiteSpace(text))
                    return null;
                string? Str(string name) => args[name] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
                var type = Str("quantity") is { } t && QuestionCatalog.TryGet(t, out var qt) ? qt : null;
                return new SubQuestion(text.Trim(), Str("object_a") is { } a ? new ObjectReference(a) : null,
                    Str("object_b") is { } b ? new ObjectReference(b) : null, type, call.Id);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string Display(LlmReply reply)
        {
            var sb = new StringBuilder(reply.Content ?? "");
            foreach (var c in reply.ToolCalls) sb.Append(sb.Length > 0 ? "\n" : "").Append($"{c.Name}({c.Arguments})");
            return sb.ToString();
        }
    }

    private sealed partial class TextSession(LlmChatClient client, ReasoningProblem problem) : IPlannerSession
    {
        private readonly JsonArray messages =
        [
            new JsonObject { ["role"] = "system", ["content"] = TextSystemPrompt },
            new JsonObject { ["role"] = "user", ["content"] = "[User] " + UserMessage(problem) },
        ];

        public async Task<PlannerStep> NextAsync(IReadOnlyList<SubAnswerFeedback> answers, IReadOnlyList<CoordinatorNote> notes, CancellationToken ct)
        {
            var lines = answers.Select(a => "[Friend] " + a.FedBack).Concat(notes.Select(n => n.Text)).ToList();
            if (lines.Count > 0) messages.Add(new JsonObject { ["role"] = "user", ["content"] = string.Join("\n", lines) });
            var result = await client.CompleteAsync(messages, null, ct).ConfigureAwait(false);
            if (result.Reply is not { } reply)
                return result.Malformed
                    ? new InvalidStep($"the LLM server sent {result.Failure}", Reminder)
                    : new FailedStep($"the LLM failed: {result.Failure}");
            var content = reply.Content ?? "";
            // Only what the LLM itself says: anything after a [Friend] it made up is dropped.
            var friend = content.IndexOf("[Friend]", StringComparison.OrdinalIgnoreCase);
            var own = friend >= 0 ? content[..friend] : content;
            var answer = AnswerMarker().Match(own);
            var question = QuestionMarker().Match(own);
            if (answer.Success && (!question.Success || answer.Index < question.Index))
            {
                messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = own.Trim() });
                return new FinalStep(answer.Groups["text"].Value.Trim()) { LlmMessage = content };
            }
            if (question.Success)
            {
                var text = question.Groups["text"].Value.Trim();
                messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = "[Question] " + text });
                return new AskStep([new SubQuestion(text)]) { LlmMessage = content };
            }
            messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = content });
            return new InvalidStep("the reply has neither [Question] nor [Answer]", Reminder) { LlmMessage = content };
        }

        private const string Reminder = "Reply with one line: \"[Question] ...\" to ask your friend, or \"[Answer] ...\" to give the final answer.";

        [GeneratedRegex(@"\[Answer\]\s*(?<text>[\s\S]+)", RegexOptions.IgnoreCase)]
        private static partial Regex AnswerMarker();
        [GeneratedRegex(@"\[Question\]\s*(?<text>[^\n\[]+)", RegexOptions.IgnoreCase)]
        private static partial Regex QuestionMarker();
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..80] + "…";
}

/// <summary>An LLM SPEC for <c>--llm</c>: <c>builtin</c>, or <c>openai:BASE_URL#MODEL</c>.</summary>
public static class PlannerSpec
{
    public const string Help = "LLM SPEC: builtin (no LLM: exact decomposition of the task families) or openai:BASE_URL#MODEL (key from OPENAI_API_KEY)";

    public static IReasoningPlanner Create(string spec, PlannerProtocol protocol, LlmOptions options, out IDisposable? owned)
    {
        owned = null;
        var s = spec.Trim();
        if (s == "builtin") return new BuiltinPlanner();
        if (s.StartsWith("gguf:", StringComparison.Ordinal))
            throw new Core.SpatialVlmException($"--llm '{spec}': gguf LLM planners are not available in this build; use builtin or openai:BASE_URL#MODEL");
        if (!s.StartsWith("openai:", StringComparison.Ordinal))
            throw new Core.SpatialVlmException($"--llm '{spec}': expected builtin or openai:BASE_URL#MODEL");
        var model = ModelSpec.Parse(s);
        var client = new LlmChatClient(model.BaseUrl!, model.Model!, options);
        owned = client;
        return new LlmPlanner(client, s, protocol);
    }

    public static PlannerProtocol Protocol(string text) => text.Trim().ToLowerInvariant() switch
    {
        "tools" => PlannerProtocol.Tools,
        "text" => PlannerProtocol.Text,
        _ => throw new Core.SpatialVlmException($"--protocol '{text}': expected tools or text"),
    };
}
