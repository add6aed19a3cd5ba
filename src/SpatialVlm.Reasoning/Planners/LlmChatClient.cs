using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialVlm.Contracts.Chat;

namespace SpatialVlm.Reasoning;

/// <summary>How the LLM planner talks to its OpenAI-compatible chat server.</summary>
public sealed record LlmOptions
{
    /// <summary>Per-request limit (default 60 s); past it the request is retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Retries after the first attempt for 429, 5xx and timeouts (default 2).</summary>
    public int MaxRetries { get; init; } = 2;
    /// <summary>Wait before the first retry, doubled each time (default 1 s).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>max_tokens per reply (default 512).</summary>
    public int MaxTokens { get; init; } = 512;
    /// <summary>Sampling temperature (default 0).</summary>
    public double Temperature { get; init; }
    /// <summary>Bearer token; null sends none. The CLI fills it from OPENAI_API_KEY.</summary>
    public string? ApiKey { get; init; }
}

/// <summary>A chat reply: the assistant message as sent (to append to the conversation), its text, and its tool calls.</summary>
public sealed record LlmReply(JsonObject Message, string? Content, IReadOnlyList<LlmToolCall> ToolCalls);

/// <summary>One tool call as the server sent it; <see cref="Arguments"/> is the raw JSON text.</summary>
public sealed record LlmToolCall(string Id, string Name, string Arguments);

/// <summary>The outcome of one chat request: a reply, or why there is none (after retries).</summary>
public sealed record LlmResult(LlmReply? Reply, string? Failure, bool Malformed);

/// <summary>
/// Chat completions over plain HttpClient (not Microsoft.Extensions.AI: its client pipeline retries and parses on its
/// own, and a planner must see each timeout, 5xx and malformed body to put it in the trace). Retries 429, 5xx and
/// timeouts with doubling backoff; never throws for a server's behaviour, only for cancellation by the caller.
/// </summary>
public sealed class LlmChatClient : ITextChatModel, IDisposable
{
    private readonly HttpClient http;
    private readonly Uri endpoint;
    private readonly LlmOptions options;

    public string Model { get; }

    public LlmChatClient(Uri baseUrl, string model, LlmOptions options)
    {
        Model = model;
        this.options = options;
        endpoint = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/chat/completions");
        http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.RequestTimeout }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public void Dispose() => http.Dispose();

    /// <summary>The text protocol's view: plain messages in, the reply's text out (a malformed body stays distinguishable).</summary>
    public async Task<TextChatReply> CompleteAsync(IReadOnlyList<TextChatMessage> messages, IReadOnlyList<string> stop, CancellationToken ct)
    {
        var array = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray());
        var result = await CompleteAsync(array, null, ct, stop).ConfigureAwait(false);
        if (result.Reply is not { } reply) return new TextChatReply(null, result.Malformed ? $"a {result.Failure}" : result.Failure, result.Malformed);
        var text = reply.Content ?? "";
        // Servers that ignore "stop" still have their reply cut where it should have stopped.
        foreach (var s in stop)
            if (text.IndexOf(s, StringComparison.Ordinal) is >= 0 and var at) text = text[..at];
        return TextChatReply.Of(text);
    }

    public async Task<LlmResult> CompleteAsync(JsonArray messages, JsonArray? tools, CancellationToken ct, IReadOnlyList<string>? stop = null)
    {
        var body = new JsonObject
        {
            ["model"] = Model,
            ["messages"] = messages.DeepClone(),
            ["max_tokens"] = options.MaxTokens,
            ["temperature"] = options.Temperature,
        };
        if (tools != null) { body["tools"] = tools.DeepClone(); body["tool_choice"] = "auto"; }
        if (stop is { Count: > 0 }) body["stop"] = new JsonArray(stop.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray());
        var text = body.ToJsonString();
        string last = "no attempt";
        int attempt = 0;
        for (; attempt <= options.MaxRetries; attempt++)
        {
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attemptCts.CancelAfter(options.RequestTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(text, Encoding.UTF8, "application/json") };
                if (!string.IsNullOrEmpty(options.ApiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                using var response = await http.SendAsync(request, attemptCts.Token).ConfigureAwait(false);
                var reply = await response.Content.ReadAsStringAsync(attemptCts.Token).ConfigureAwait(false);
                var code = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                    return Parse(reply) is { } parsed ? new LlmResult(parsed, null, false) : new LlmResult(null, $"malformed reply body: {Snippet(reply)}", true);
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    return new LlmResult(null, $"HTTP {code}: the server refused the API key (set OPENAI_API_KEY)", false);
                if (code != 429 && code < 500) return new LlmResult(null, $"HTTP {code}: {Snippet(reply)}", false);
                last = $"HTTP {code}";
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                last = $"timed out after {options.RequestTimeout.TotalSeconds:0.###} s";
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound })
            {
                return new LlmResult(null, $"cannot reach {endpoint.GetLeftPart(UriPartial.Authority)}: {e.Message.Split('\n')[0]}", false);
            }
            catch (HttpRequestException e)
            {
                last = e.Message.Split('\n')[0];
            }
            if (attempt == options.MaxRetries) break;
            await Task.Delay(options.InitialBackoff * Math.Pow(2, attempt), ct).ConfigureAwait(false);
        }
        return new LlmResult(null, $"{last}; gave up after {attempt + 1} attempts", false);
    }

    /// <summary>choices[0].message with its text and tool calls; null when the body is not a chat completion.</summary>
    public static LlmReply? Parse(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is not JsonObject root || root["choices"] is not JsonArray { Count: > 0 } choices ||
                choices[0]?["message"] is not JsonObject message) return null;
            string? content = message["content"] switch
            {
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                JsonArray parts => string.Concat(parts.Select(p => p?["text"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : "")),
                _ => null,
            };
            var calls = new List<LlmToolCall>();
            if (message["tool_calls"] is JsonArray toolCalls)
                foreach (var call in toolCalls)
                {
                    if (call?["function"] is not JsonObject function) return null;
                    var id = call["id"] is JsonValue idv && idv.TryGetValue<string>(out var ids) ? ids : $"call_{calls.Count}";
                    var name = function["name"] is JsonValue nv && nv.TryGetValue<string>(out var ns) ? ns : "";
                    var arguments = function["arguments"] switch
                    {
                        JsonValue av when av.TryGetValue<string>(out var s) => s,
                        JsonObject o => o.ToJsonString(),
                        _ => "",
                    };
                    calls.Add(new LlmToolCall(id, name, arguments));
                }
            var kept = new JsonObject { ["role"] = "assistant", ["content"] = content };
            if (message["tool_calls"] is JsonArray raw) kept["tool_calls"] = raw.DeepClone();
            return new LlmReply(kept, content, calls);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Snippet(string text)
    {
        var oneLine = string.Join(' ', text.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return oneLine.Length == 0 ? "(empty)" : oneLine.Length <= 120 ? oneLine : oneLine[..120] + "…";
    }
}
