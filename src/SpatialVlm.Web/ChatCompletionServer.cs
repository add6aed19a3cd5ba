using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpatialVlm.Contracts.Answering;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Web;

/// <summary>Where `serve` listens, and how large a request may be.</summary>
public sealed record ChatServerOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 8000;
    /// <summary>The model name the server reports and accepts (any name is accepted; it is echoed back).</summary>
    public string ModelName { get; init; } = "spatialvlm";
    /// <summary>Largest request body (default 32 MiB: an image as a data URL).</summary>
    public long MaxRequestBytes { get; init; } = 32L << 20;
}

/// <summary>
/// `serve`: an OpenAI-compatible chat-completions endpoint (POST /v1/chat/completions, GET /v1/models) over any answerer.
/// The image comes as a data URL in the first user turn, as vLLM and llama.cpp take it; earlier user/assistant turns become
/// the request's history. A malformed request is a 400 with a message, a question the model cannot answer a 422, and the
/// server keeps serving.
/// </summary>
public sealed class ChatCompletionServer : IAsyncDisposable
{
    private readonly WebApplication app;
    public Uri BaseUrl { get; }

    private ChatCompletionServer(WebApplication app, Uri baseUrl) { this.app = app; BaseUrl = baseUrl; }

    public static async Task<ChatCompletionServer> StartAsync(ISpatialAnswerer answerer, ChatServerOptions options, CancellationToken cancel = default)
    {
        if (options.Port is < 0 or > 65535) throw new SpatialVlmException($"--port must be 0-65535, not {options.Port}");
        if (!IPAddress.TryParse(options.Host, out var address)) throw new SpatialVlmException($"--host must be an IP address, not '{options.Host}'");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => { k.Listen(address, options.Port); k.Limits.MaxRequestBodySize = options.MaxRequestBytes; });
        var app = builder.Build();
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = options.ModelName, @object = "model", owned_by = "spatialvlm" } } }));
        app.MapPost("/v1/chat/completions", (Delegate)((HttpContext ctx) => Complete(ctx, answerer, options)));
        app.MapFallback((HttpContext ctx) => Error(404, $"no such endpoint: {ctx.Request.Method} {ctx.Request.Path}"));
        try
        {
            await app.StartAsync(cancel);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            var inUse = e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
            throw new SpatialVlmException(inUse ? $"port {options.Port} on {options.Host} is already in use (pick another with --port)" : $"cannot listen on {options.Host}:{options.Port}: {e.Message.Split('\n')[0]}");
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ChatCompletionServer(app, new Uri(bound.Replace("[::]", "127.0.0.1") + "/v1"));
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new { error = new { message, type = status < 500 ? "invalid_request_error" : "server_error" } }, statusCode: status);

    /// <summary>A request read into the answerer's terms, or the reason it cannot be.</summary>
    private sealed record ParsedChat(string Question, byte[] Image, IReadOnlyList<ChatTurn> History, string Model);

    private static async Task<IResult> Complete(HttpContext ctx, ISpatialAnswerer answerer, ChatServerOptions options)
    {
        ParsedChat chat;
        try
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            chat = Parse(doc.RootElement, options.ModelName);
        }
        catch (JsonException) { return Error(400, "the body is not valid JSON"); }
        catch (BadHttpRequestException e) { return Error(413, e.Message); }
        catch (FormatException e) { return Error(400, e.Message); }
        RgbImage decoded;
        try { decoded = ColorImageFile.Decode(chat.Image, "image"); }
        catch (SpatialVlmException e) { return Error(400, e.Message); }
        // The answerers take a file: the decoded pixels are written to a private temporary file for this request only.
        var dir = Directory.CreateTempSubdirectory("spatialvlm-serve-");
        try
        {
            var path = Path.Combine(dir.FullName, "image.png");
            await File.WriteAllBytesAsync(path, ColorImageCodec.EncodePngFast(decoded), ctx.RequestAborted);
            var answer = await answerer.AnswerAsync(new AnswerRequest(path, chat.Question) { History = chat.History }, ctx.RequestAborted);
            return Results.Json(new
            {
                id = $"chatcmpl-{Guid.NewGuid():N}",
                @object = "chat.completion",
                created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                model = chat.Model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = answer.Text }, finish_reason = "stop" } },
            });
        }
        catch (AnswerFailedException e) { return Error(422, e.Message.Split('\n')[0]); }
        catch (ModelUnavailableException e) { return Error(503, e.Message.Split('\n')[0]); }
        catch (SpatialVlmException e) { return Error(422, e.Message.Split('\n')[0]); }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static ParsedChat Parse(JsonElement body, string defaultModel)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new FormatException("the body must be a JSON object");
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            throw new FormatException("'messages' must be a non-empty array");
        var model = body.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : defaultModel;
        byte[]? image = null;
        var turns = new List<(string Role, string Text)>();
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var r) || r.ValueKind != JsonValueKind.String)
                throw new FormatException("every message needs a string 'role'");
            var role = r.GetString()!;
            if (role == "system") continue;
            if (role is not ("user" or "assistant")) throw new FormatException($"unknown role '{role}'");
            if (!message.TryGetProperty("content", out var content)) throw new FormatException("every message needs 'content'");
            var text = "";
            if (content.ValueKind == JsonValueKind.String) text = content.GetString()!;
            else if (content.ValueKind == JsonValueKind.Array)
                foreach (var part in content.EnumerateArray())
                {
                    var type = part.TryGetProperty("type", out var t) ? t.GetString() : null;
                    if (type == "text" && part.TryGetProperty("text", out var tx) && tx.ValueKind == JsonValueKind.String) text += tx.GetString();
                    else if (type == "image_url")
                    {
                        var url = part.TryGetProperty("image_url", out var iu) && iu.ValueKind == JsonValueKind.Object && iu.TryGetProperty("url", out var u) ? u.GetString() : null;
                        if (url is null || !url.StartsWith("data:", StringComparison.Ordinal) || url.IndexOf(";base64,", StringComparison.Ordinal) is var comma && comma < 0)
                            throw new FormatException("images must be data URLs (data:image/...;base64,...); this server fetches nothing");
                        try { image = Convert.FromBase64String(url[(url.IndexOf(";base64,", StringComparison.Ordinal) + 8)..]); }
                        catch (FormatException) { throw new FormatException("the image data URL is not valid base64"); }
                    }
                }
            else throw new FormatException("'content' must be a string or an array of parts");
            turns.Add((role, text));
        }
        if (image is null) throw new FormatException("no image: send one as an image_url data URL in a user message");
        if (turns.Count == 0 || turns[^1].Role != "user" || string.IsNullOrWhiteSpace(turns[^1].Text)) throw new FormatException("the last message must be a user question with text");
        var history = new List<ChatTurn>();
        for (int i = 0; i + 1 < turns.Count - 1; i += 2)
            if (turns[i].Role == "user" && turns[i + 1].Role == "assistant") history.Add(new ChatTurn(turns[i].Text, turns[i + 1].Text));
        return new ParsedChat(turns[^1].Text, image, history, model);
    }

    public Task WaitForShutdownAsync(CancellationToken cancel = default) => app.WaitForShutdownAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
