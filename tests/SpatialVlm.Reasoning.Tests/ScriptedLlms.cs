using System.Text.Json.Nodes;
using SpatialVlm.Evaluation;
using SpatialVlm.Tests;

namespace SpatialVlm.Reasoning.Tests;

/// <summary>
/// Scripted LLMs that decompose a composite question the way a capable model would: they read only the conversation
/// (the user's question, and the numbers that came back), ask one measurement per round in their own words, and combine
/// the numbers they were given. They know the families' wordings; they never see ground truth or object ids.
/// </summary>
internal static class ScriptedLlms
{
    /// <summary>The wording of a measurement, as the scripted LLM phrases it (the coordinator infers the type from it).</summary>
    private static string Ask(NeededMeasurement m) => m.Quantity == "gap"
        ? $"What is the gap between the {m.A.Phrase} and the {m.B.Phrase}?"
        : $"What is the distance between the {m.A.Phrase} and the {m.B.Phrase}?";

    private static string Text(JsonNode? message) => message?["content"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    /// <summary>Decomposes by tool calls: one ask_spatial_model call per round with object_a and object_b, then the answer.</summary>
    public static ServerReply Tools(JsonObject request)
    {
        var messages = request["messages"]!.AsArray();
        if (request["tools"] is not JsonArray) return ChatReply.Text("no tools were offered");
        var question = Text(messages.First(m => (string?)m!["role"] == "user")).Split('\n')[0];
        if (TaskQuestionText.TryParse(question) is not { } query) return ChatReply.Text("I cannot break this question down.");
        var needed = TaskSolver.Needed(query);
        var results = messages.Where(m => (string?)m!["role"] == "tool").Select(Text).ToList();
        if (results.Count < needed.Count)
        {
            var m = needed[results.Count];
            return ChatReply.Tool(LlmPlanner.ToolName, LoopbackChatServer.Args(new { question = Ask(m), object_a = m.A.Phrase, object_b = m.B.Phrase }));
        }
        var values = results.Select(r => LengthParser.ParseMeters(r)).ToList();
        if (values.Any(v => v is null)) return ChatReply.Text("I could not get every distance.");
        return ChatReply.Text(TaskSolver.Solve(query, values.Select(v => v!.Value).ToList()).Text);
    }

    /// <summary>Decomposes in the plain-text protocol: "[Question] ..." per round, reading "[Friend] ..." lines, then "[Answer] ...".</summary>
    public static ServerReply PlainText(JsonObject request)
    {
        var messages = request["messages"]!.AsArray();
        if (request["tools"] is JsonArray) return ChatReply.Text("unexpected tools");
        var first = Text(messages.First(m => (string?)m!["role"] == "user"));
        var question = first.Replace("[User] ", "").Split('\n')[0];
        if (TaskQuestionText.TryParse(question) is not { } query) return ChatReply.Text("[Answer] I cannot tell.");
        var needed = TaskSolver.Needed(query);
        var friend = messages.Where(m => (string?)m!["role"] == "user").SelectMany(m => Text(m).Split('\n'))
            .Where(l => l.StartsWith("[Friend] ", StringComparison.Ordinal)).Select(l => l["[Friend] ".Length..]).ToList();
        if (friend.Count < needed.Count) return ChatReply.Text($"Let me measure.\n[Question] {Ask(needed[friend.Count])}");
        var values = friend.Select(r => LengthParser.ParseMeters(r)).ToList();
        if (values.Any(v => v is null)) return ChatReply.Text("[Answer] I could not get every distance.");
        return ChatReply.Text("[Answer] " + TaskSolver.Solve(query, values.Select(v => v!.Value).ToList()).Text);
    }
}
