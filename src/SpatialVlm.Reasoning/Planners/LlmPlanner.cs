using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SpatialVlm.Contracts.Chat;

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
/// An LLM as the planner: a server with tool calling (<see cref="WithTools"/>), or any text chat model in the
/// plain-text protocol (<see cref="WithText"/>: an OpenAI-compatible server, a local GGUF model). It never sees the
/// image: it reads the question (and the names of the image's objects when known) and asks the spatial model.
/// </summary>
public sealed partial class LlmPlanner : IReasoningPlanner
{
    public const string ToolName = "ask_spatial_model";

    private readonly string specText;
    private readonly LlmChatClient? toolClient;
    private readonly ITextChatModel? textModel;

    private LlmPlanner(string specText, LlmChatClient? toolClient, ITextChatModel? textModel)
    {
        this.specText = specText;
        this.toolClient = toolClient;
        this.textModel = textModel;
    }

    /// <summary>Tool calling over an OpenAI-compatible server.</summary>
    public static LlmPlanner WithTools(LlmChatClient client, string specText) => new(specText, client, null);

    /// <summary>The plain-text [Question] / [Friend] / [Answer] protocol over any text chat model.</summary>
    public static LlmPlanner WithText(ITextChatModel model, string specText) => new(specText, null, model);

    public PlannerProtocol Protocol => toolClient != null ? PlannerProtocol.Tools : PlannerProtocol.Text;

    public string Name => $"{specText} ({(Protocol == PlannerProtocol.Tools ? "tools" : "text")})";

    public IPlannerSession Begin(ReasoningProblem problem) =>
        toolClient != null ? new ToolSession(toolClient, problem) : new TextSession(textModel!, problem);

    /// <summary>Where a text-protocol reply is cut: past it the model is making up its friend's answer.</summary>
    public static readonly IReadOnlyList<string> TextStop = ["[Friend]"];

    /// <summary>The conversation a text-protocol planner starts with: the system prompt with the few-shot examples, and the question.</summary>
    public static IReadOnlyList<TextChatMessage> TextOpening(ReasoningProblem problem) =>
    [
        new(TextChatMessage.System, TextSystemPrompt),
        new(TextChatMessage.User, "[User] " + UserMessage(problem)),
    ];

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

    private sealed partial class TextSession(ITextChatModel model, ReasoningProblem problem) : IPlannerSession
    {
        private readonly List<TextChatMessage> messages = [.. TextOpening(problem)];

        public async Task<PlannerStep> NextAsync(IReadOnlyList<SubAnswerFeedback> answers, IReadOnlyList<CoordinatorNote> notes, CancellationToken ct)
        {
            var lines = answers.Select(a => "[Friend] " + a.FedBack).Concat(notes.Select(n => n.Text)).ToList();
            if (lines.Count > 0) messages.Add(new(TextChatMessage.User, string.Join("\n", lines)));
            var result = await model.CompleteAsync(messages, TextStop, ct).ConfigureAwait(false);
            if (result.Text is not { } content)
                return result.Malformed
                    ? new InvalidStep($"the LLM sent {result.Failure}", Reminder)
                    : new FailedStep($"the LLM failed: {result.Failure}");
            // Only what the LLM itself says: anything after a [Friend] it made up is dropped.
            var friend = content.IndexOf("[Friend]", StringComparison.OrdinalIgnoreCase);
            var own = friend >= 0 ? content[..friend] : content;
            var answer = AnswerMarker().Match(own);
            var question = QuestionMarker().Match(own);
            if (answer.Success && (!question.Success || answer.Index < question.Index))
            {
                messages.Add(new(TextChatMessage.Assistant, own.Trim()));
                return new FinalStep(answer.Groups["text"].Value.Trim()) { LlmMessage = content };
            }
            if (question.Success)
            {
                var text = question.Groups["text"].Value.Trim();
                messages.Add(new(TextChatMessage.Assistant, "[Question] " + text));
                return new AskStep([new SubQuestion(text)]) { LlmMessage = content };
            }
            messages.Add(new(TextChatMessage.Assistant, content));
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

/// <summary>An LLM SPEC for <c>--llm</c>: <c>builtin</c>, <c>openai:BASE_URL#MODEL</c>, or <c>gguf:MODEL.gguf</c>.</summary>
public static class PlannerSpec
{
    public const string Help = "LLM SPEC: builtin (no LLM: exact decomposition of the task families), openai:BASE_URL#MODEL (key from OPENAI_API_KEY) or gguf:MODEL.gguf (a local text LLM through llama.cpp, plain-text protocol)";

    /// <summary>
    /// The planner for <paramref name="spec"/>. <paramref name="protocol"/> null takes the spec's default (tools for
    /// openai, text for gguf). <paramref name="loadGguf"/> loads a local GGUF text model from its path (the CLI passes
    /// llama.cpp's; null when this build has none); the model is disposed with <paramref name="owned"/>.
    /// </summary>
    public static IReasoningPlanner Create(string spec, PlannerProtocol? protocol, LlmOptions options, out IDisposable? owned,
        Func<string, ITextChatModel>? loadGguf = null)
    {
        owned = null;
        var s = spec.Trim();
        if (s == "builtin") return new BuiltinPlanner();
        if (s.StartsWith("gguf:", StringComparison.Ordinal))
        {
            var path = s["gguf:".Length..].Trim();
            if (path.Length == 0) throw new Core.SpatialVlmException($"--llm '{spec}': gguf:MODEL.gguf needs a model file");
            if (path.Contains(".gguf+", StringComparison.OrdinalIgnoreCase))
                throw new Core.SpatialVlmException($"--llm '{spec}': a planner is a text LLM: gguf:MODEL.gguf, without a projector");
            if (protocol == PlannerProtocol.Tools)
                throw new Core.SpatialVlmException($"--llm '{spec}': gguf planners use the plain-text protocol (--protocol text), not tool calls");
            if (loadGguf == null)
                throw new Core.SpatialVlmException($"--llm '{spec}': gguf LLM planners are not available here; use builtin or openai:BASE_URL#MODEL");
            var model = loadGguf(path);
            owned = model as IDisposable;
            return LlmPlanner.WithText(model, s);
        }
        if (!s.StartsWith("openai:", StringComparison.Ordinal))
            throw new Core.SpatialVlmException($"--llm '{spec}': expected builtin, openai:BASE_URL#MODEL or gguf:MODEL.gguf");
        var parsed = ModelSpec.Parse(s);
        var client = new LlmChatClient(parsed.BaseUrl!, parsed.Model!, options);
        owned = client;
        return protocol == PlannerProtocol.Text ? LlmPlanner.WithText(client, s) : LlmPlanner.WithTools(client, s);
    }

    /// <summary><c>tools</c>, <c>text</c>, or <c>auto</c> (null: the LLM's default).</summary>
    public static PlannerProtocol? Protocol(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => null,
        "tools" => PlannerProtocol.Tools,
        "text" => PlannerProtocol.Text,
        _ => throw new Core.SpatialVlmException($"--protocol '{text}': expected auto, tools or text"),
    };
}
