using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpatialVlm.Reasoning.Tests;

/// <summary>What a scripted LLM does with one request.</summary>
internal abstract record ServerReply;
/// <summary>An assistant message: text content and/or tool calls (name, JSON arguments).</summary>
internal sealed record ChatReply(string? Content, IReadOnlyList<(string Name, string Arguments)> ToolCalls) : ServerReply
{
    public static ChatReply Text(string content) => new(content, []);
    public static ChatReply Tool(string name, string arguments) => new(null, [(name, arguments)]);
}
/// <summary>An HTTP status with an error body.</summary>
internal sealed record StatusReply(int Code) : ServerReply;
/// <summary>A body that is not a chat completion.</summary>
internal sealed record RawReply(string Body) : ServerReply;
/// <summary>No reply until the client gives up.</summary>
internal sealed record HangReply : ServerReply;

/// <summary>
/// A real chat-completions server on 127.0.0.1 (HttpListener, free port) whose replies come from a script: a function
/// of the request's JSON body (messages, tools). Counts requests.
/// </summary>
internal sealed class LoopbackChatServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<JsonObject, ServerReply> script;
    private readonly CancellationTokenSource stop = new();
    private int requests;
    public int Requests => Volatile.Read(ref requests);
    public Uri BaseUrl { get; }
    public string Spec => $"openai:{BaseUrl}#scripted-llm";

    public LoopbackChatServer(Func<JsonObject, ServerReply> script)
    {
        this.script = script;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/v1");
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(Loop);
    }

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
            var request = (JsonObject)JsonNode.Parse(body)!;
            switch (script(request))
            {
                case StatusReply s:
                    ctx.Response.StatusCode = s.Code;
                    await Write(ctx, "{\"error\":{\"message\":\"scripted failure\"}}");
                    break;
                case RawReply r:
                    await Write(ctx, r.Body);
                    break;
                case HangReply:
                    await Task.Delay(Timeout.Infinite, stop.Token);
                    break;
                case ChatReply c:
                    await Write(ctx, Completion(c));
                    break;
            }
        }
        catch (Exception) { } // the client gave up, or the server is stopping
    }

    private static string Completion(ChatReply reply)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content };
        if (reply.ToolCalls.Count > 0)
            message["tool_calls"] = new JsonArray(reply.ToolCalls.Select((c, i) => (JsonNode)new JsonObject
            {
                ["id"] = $"call_{Guid.NewGuid():N}"[..16],
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
            }).ToArray());
        return new JsonObject
        {
            ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["model"] = "scripted-llm",
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

    public static string Args(object value) => JsonSerializer.Serialize(value);

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
    }
}
