using System.Collections.Concurrent;
using System.Text.Json;
using SpatialVlm.Tests;

namespace SpatialVlm.Evaluation.Tests;

/// <summary>
/// The shared loopback chat server (tests/Shared) answering each question from a script: for every request carrying
/// that question it plays the next step, repeating the last one when the script runs out. A system message, when sent,
/// is prefixed to the question key as "SYSTEM | question". Steps: "429", "500", "503", "401", "slow" (answers after
/// 10 s, past any client timeout), "malformed", "huge" (a 256 MiB body), or any other text = the answer. Each request's
/// shape is checked (POST to /v1/chat/completions, model, max_tokens, a PNG data URL, the key).
/// </summary>
internal sealed class ScriptedChatServer : IDisposable
{
    private readonly Dictionary<string, string[]> script;
    private readonly LoopbackChatServer server;
    public ConcurrentDictionary<string, int> Requests { get; } = new();
    public ConcurrentBag<string> Problems { get; } = [];
    public Uri BaseUrl => server.BaseUrl;

    public ScriptedChatServer(Dictionary<string, string[]> script)
    {
        this.script = script;
        server = LoopbackChatServer.ForRequests(Reply);
    }

    private ServerReply Reply(LoopbackRequest request)
    {
        var (question, problem) = Inspect(request);
        if (problem != null) Problems.Add(problem);
        var n = Requests.AddOrUpdate(question, 1, (_, c) => c + 1);
        var steps = script.TryGetValue(question, out var s) ? s : ["no script for this question"];
        var step = steps[Math.Min(n - 1, steps.Length - 1)];
        return step switch
        {
            "429" => new StatusReply(429, RetryAfter: "0"),
            "500" or "503" or "401" => new StatusReply(int.Parse(step)),
            "slow" => new DelayedReply(TimeSpan.FromSeconds(10), ChatReply.Text("too late")),
            "huge" => new StreamReply(256),
            "malformed" => new RawReply("{\"choices\": [ {\"mess"),
            _ => ChatReply.Text(step),
        };
    }

    /// <summary>The question text, and what is wrong with the request's shape if anything.</summary>
    private static (string Question, string? Problem) Inspect(LoopbackRequest request)
    {
        if (request.Method != "POST" || request.Path != "/v1/chat/completions")
            return ("", $"{request.Method} {request.Path}");
        using var doc = JsonDocument.Parse(request.Body);
        var messages = doc.RootElement.GetProperty("messages").EnumerateArray().ToList();
        var content = messages.Last(m => m.GetProperty("role").GetString() == "user").GetProperty("content");
        var system = messages.FirstOrDefault(m => m.GetProperty("role").GetString() == "system");
        string? question = null, url = null;
        foreach (var part in content.EnumerateArray())
        {
            if (part.GetProperty("type").GetString() == "text") question = part.GetProperty("text").GetString();
            if (part.GetProperty("type").GetString() == "image_url") url = part.GetProperty("image_url").GetProperty("url").GetString();
        }
        string? problem = null;
        if (system.ValueKind == JsonValueKind.Object) question = system.GetProperty("content").GetString() + " | " + question;
        if (doc.RootElement.GetProperty("max_tokens").GetInt32() < 1) problem = "no max_tokens";
        if (doc.RootElement.GetProperty("model").GetString() != "test-vlm") problem = "wrong model";
        if (url == null || !url.StartsWith("data:image/png;base64,", StringComparison.Ordinal)) problem = "no PNG data URL";
        else
        {
            var png = Convert.FromBase64String(url["data:image/png;base64,".Length..]);
            if (png.Length < 8 || png[1] != (byte)'P' || png[2] != (byte)'N' || png[3] != (byte)'G') problem = "image is not a PNG";
        }
        if (request.Authorization != null && request.Authorization != "Bearer sk-test") problem = "wrong key";
        return (question ?? "", problem);
    }

    public void Dispose() => server.Dispose();
}
