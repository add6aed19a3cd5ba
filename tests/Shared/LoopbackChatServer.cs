using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpatialVlm.Tests;

/// <summary>What a scripted chat server does with one request.</summary>
internal abstract record ServerReply;

/// <summary>A chat completion: text content and/or tool calls (name, JSON arguments); the model name echoes the request's.</summary>
internal sealed record ChatReply(string? Content, IReadOnlyList<(string Name, string Arguments)> ToolCalls) : ServerReply
{
    public static ChatReply Text(string content) => new(content, []);
    public static ChatReply Tool(string name, string arguments) => new(null, [(name, arguments)]);
}

/// <summary>An HTTP status with an error body (and a Retry-After header when given).</summary>
internal sealed record StatusReply(int Code, string? RetryAfter = null) : ServerReply;

/// <summary>A body sent as it is (not a chat completion, a truncated one).</summary>
internal sealed record RawReply(string Body) : ServerReply;

/// <summary>No reply until the client gives up or the server stops.</summary>
internal sealed record HangReply : ServerReply;

/// <summary>Another reply, after a delay (past a client's timeout).</summary>
internal sealed record DelayedReply(TimeSpan Delay, ServerReply Then) : ServerReply;

/// <summary>A body of <paramref name="MiB"/> mebibytes, streamed chunked without a length, until the client stops reading.</summary>
internal sealed record StreamReply(int MiB) : ServerReply;

/// <summary>One request as the server saw it.</summary>
internal sealed record LoopbackRequest(string Method, string Path, string? Authorization, string Body)
{
    /// <summary>The body as a JSON object, or null when it is not one.</summary>
    public JsonObject? Json()
    {
        try { return JsonNode.Parse(Body) as JsonObject; }
        catch (JsonException) { return null; }
    }
}

/// <summary>
/// The tests' one OpenAI-compatible chat server: a real HTTP server on 127.0.0.1 (HttpListener, free port) whose replies
/// come from a script, a function of each request. Counts requests. Used by the evaluation client's tests (scripted
/// answers per question) and the reasoning tests (scripted LLM planners).
/// </summary>
internal sealed class LoopbackChatServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<LoopbackRequest, ServerReply> script;
    private readonly CancellationTokenSource stop = new();
    private int requests;

    public int Requests => Volatile.Read(ref requests);
    public Uri BaseUrl { get; }
    /// <summary>The planner SPEC that points at this server.</summary>
    public string Spec => $"openai:{BaseUrl}#scripted-llm";

    /// <summary>A server whose script reads each request's JSON body (messages, tools).</summary>
    public LoopbackChatServer(Func<JsonObject, ServerReply> script)
        : this((Func<LoopbackRequest, ServerReply>)(request => request.Json() is { } json ? script(json) : new StatusReply(400))) { }

    private LoopbackChatServer(Func<LoopbackRequest, ServerReply> script)
    {
        this.script = script;
        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/v1");
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(Loop);
    }

    /// <summary>A server whose script sees the whole request (method, path, authorization, raw body).</summary>
    public static LoopbackChatServer ForRequests(Func<LoopbackRequest, ServerReply> script) => new(script);

    /// <summary>A loopback port nothing listens on (at the moment of asking).</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>JSON text of a tool call's arguments.</summary>
    public static string Args(object value) => JsonSerializer.Serialize(value);

    private async Task Loop()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await listener.GetContextAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    private async Task Handle(HttpListenerContext ctx)
    {
        try
        {
            Interlocked.Increment(ref requests);
            string body;
            using (var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync();
            var request = new LoopbackRequest(ctx.Request.HttpMethod, ctx.Request.Url!.AbsolutePath, ctx.Request.Headers["Authorization"], body);
            await Send(ctx, request, script(request));
        }
        catch (Exception) { } // the client gave up, or the server is stopping
    }

    private async Task Send(HttpListenerContext ctx, LoopbackRequest request, ServerReply reply)
    {
        switch (reply)
        {
            case StatusReply s:
                ctx.Response.StatusCode = s.Code;
                if (s.RetryAfter != null) ctx.Response.AddHeader("Retry-After", s.RetryAfter);
                await Write(ctx, "{\"error\":{\"message\":\"scripted failure\"}}");
                break;
            case RawReply r:
                await Write(ctx, r.Body);
                break;
            case HangReply:
                await Task.Delay(Timeout.Infinite, stop.Token);
                break;
            case DelayedReply d:
                await Task.Delay(d.Delay, stop.Token);
                await Send(ctx, request, d.Then);
                break;
            case StreamReply big:
                ctx.Response.SendChunked = true;
                var chunk = Encoding.ASCII.GetBytes(new string('x', 1 << 20));
                for (int i = 0; i < big.MiB && !stop.IsCancellationRequested; i++) await ctx.Response.OutputStream.WriteAsync(chunk, stop.Token);
                ctx.Response.Close();
                break;
            case ChatReply c:
                var model = request.Json()?["model"] is JsonValue v && v.TryGetValue<string>(out var m) ? m : "scripted-llm";
                await Write(ctx, Completion(c, model));
                break;
        }
    }

    private static string Completion(ChatReply reply, string model)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content };
        if (reply.ToolCalls.Count > 0)
            message["tool_calls"] = new JsonArray(reply.ToolCalls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = $"call_{Guid.NewGuid():N}"[..16],
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
            }).ToArray());
        return new JsonObject
        {
            ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = reply.ToolCalls.Count > 0 ? "tool_calls" : "stop" }),
        }.ToJsonString();
    }

    private static async Task Write(HttpListenerContext ctx, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength64 = bytes.Length;
        await ctx.Response.OutputStream.WriteAsync(bytes);
        ctx.Response.Close();
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
    }
}
