using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SpatialVlm.Evaluation.Tests;

/// <summary>
/// A real chat-completions server on loopback (HttpListener, free port) that answers each question from a script:
/// for every request carrying that question it plays the next step, repeating the last one when the script runs out.
/// A system message, when sent, is prefixed to the question key as "SYSTEM | question".
/// Steps: "429", "500", "503", "401", "slow" (answers after 10 s, past any client timeout), "malformed", "huge" (a 256 MiB
/// body), or any other text = the answer.
/// </summary>
internal sealed class ScriptedChatServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Dictionary<string, string[]> script;
    private readonly CancellationTokenSource stop = new();
    public ConcurrentDictionary<string, int> Requests { get; } = new();
    public ConcurrentBag<string> Problems { get; } = [];
    public Uri BaseUrl { get; }

    public ScriptedChatServer(Dictionary<string, string[]> script)
    {
        this.script = script;
        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/v1");
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(Loop);
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
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
            string body;
            using (var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync();
            var (question, problem) = Inspect(ctx.Request, body);
            if (problem != null) Problems.Add(problem);
            var n = Requests.AddOrUpdate(question, 1, (_, c) => c + 1);
            var steps = script.TryGetValue(question, out var s) ? s : ["no script for this question"];
            var step = steps[Math.Min(n - 1, steps.Length - 1)];
            switch (step)
            {
                case "429" or "500" or "503" or "401":
                    ctx.Response.StatusCode = int.Parse(step);
                    if (step == "429") ctx.Response.AddHeader("Retry-After", "0");
                    await Write(ctx, "{\"error\":{\"message\":\"scripted\"}}");
                    break;
                case "slow":
                    await Task.Delay(10_000, stop.Token);
                    await Write(ctx, Completion("too late"));
                    break;
                case "huge":
                    // 256 MiB of body, streamed without a length, until the client stops reading.
                    ctx.Response.SendChunked = true;
                    var chunk = Encoding.ASCII.GetBytes(new string('x', 1 << 20));
                    for (int i = 0; i < 256 && !stop.IsCancellationRequested; i++) await ctx.Response.OutputStream.WriteAsync(chunk, stop.Token);
                    ctx.Response.Close();
                    break;
                case "malformed":
                    await Write(ctx, "{\"choices\": [ {\"mess");
                    break;
                default:
                    await Write(ctx, Completion(step));
                    break;
            }
        }
        catch (Exception) { } // the client gave up (timeout) or the server is stopping
    }

    /// <summary>The question text, and what is wrong with the request's shape if anything.</summary>
    private static (string Question, string? Problem) Inspect(HttpListenerRequest request, string body)
    {
        if (request.HttpMethod != "POST" || request.Url!.AbsolutePath != "/v1/chat/completions")
            return ("", $"{request.HttpMethod} {request.Url!.AbsolutePath}");
        using var doc = JsonDocument.Parse(body);
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
        if (request.Headers["Authorization"] != null && request.Headers["Authorization"] != "Bearer sk-test") problem = "wrong key";
        return (question ?? "", problem);
    }

    private static string Completion(string text) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1", @object = "chat.completion", model = "test-vlm",
        choices = new[] { new { index = 0, message = new { role = "assistant", content = text }, finish_reason = "stop" } },
    });

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
