using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialVlm.Core;

namespace SpatialVlm.Evaluation;

/// <summary>
/// Any OpenAI-compatible chat-completions server (vLLM, llama.cpp server, Ollama, hosted APIs). The image goes
/// as a base64 data URL in the user message with the question. 429, 5xx, timeouts and dropped connections are
/// retried with doubling backoff (bounded); a malformed body or another 4xx fails that question only; a refused
/// connection, unknown host, rejected key or unknown endpoint stops the run with one <see cref="ModelUnavailableException"/>.
/// Plain HttpClient rather than the OpenAI SDK, whose own retry pipeline would retry underneath this one and
/// hide which failures are transient.
/// </summary>
public sealed class OpenAiChatAnswerer : ISpatialAnswerer, IDisposable
{
    private readonly HttpClient http;
    private readonly Uri endpoint;
    private readonly string model;
    private readonly OpenAiChatOptions options;

    public OpenAiChatAnswerer(Uri baseUrl, string model, OpenAiChatOptions options, HttpMessageHandler? handler = null)
    {
        this.model = model;
        this.options = options;
        endpoint = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/chat/completions");
        http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = options.RequestTimeout }, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own limit
        };
    }

    public void Dispose() => http.Dispose();

    public async Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct)
    {
        if (request.Samples < 1) throw new SpatialVlmException($"samples must be at least 1, not {request.Samples}");
        var body = RequestBody(request);
        var samples = new List<string>(request.Samples);
        for (int i = 0; i < request.Samples; i++) samples.Add(await AskOnce(body, ct).ConfigureAwait(false));
        return new SpatialAnswer(samples[0], samples);
    }

    private async Task<string> AskOnce(string body, CancellationToken ct)
    {
        string lastError = "no attempt";
        int attempt = 0;
        for (; attempt <= options.MaxRetries; attempt++)
        {
            TimeSpan? retryAfter = null;
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attemptCts.CancelAfter(options.RequestTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (!string.IsNullOrEmpty(options.ApiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                // Headers first, then the body through a counting reader: a server streaming gigabytes fails this question, not the process.
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token).ConfigureAwait(false);
                var text = await ReadBounded(response.Content, options.MaxResponseBytes, attempt + 1, attemptCts.Token).ConfigureAwait(false);
                var code = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                    return ContentOf(text) ?? throw new AnswerFailedException($"malformed response body: {Snippet(text)}", attempt + 1);
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    throw new ModelUnavailableException($"{endpoint}: HTTP {code}, the server refused the API key (set OPENAI_API_KEY)");
                if (response.StatusCode == HttpStatusCode.NotFound)
                    throw new ModelUnavailableException($"{endpoint}: HTTP 404 ({Snippet(text)}); check the base URL and the model name '{model}'");
                if (code != 429 && code < 500)
                    throw new AnswerFailedException($"HTTP {code}: {Snippet(text)}", attempt + 1);
                lastError = $"HTTP {code}";
                retryAfter = response.Headers.RetryAfter?.Delta ??
                             (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                lastError = $"timed out after {options.RequestTimeout.TotalSeconds:0.###} s";
            }
            catch (HttpRequestException e) when (IsUnreachable(e))
            {
                throw new ModelUnavailableException($"cannot reach {endpoint.GetLeftPart(UriPartial.Authority)}: {e.Message}", e);
            }
            catch (HttpRequestException e)
            {
                lastError = e.Message.Split('\n')[0];
            }
            if (attempt == options.MaxRetries) break;
            var wait = retryAfter is { } ra && ra > TimeSpan.Zero ? ra : options.InitialBackoff * Math.Pow(2, attempt);
            await Task.Delay(wait < options.MaxBackoff ? wait : options.MaxBackoff, ct).ConfigureAwait(false);
        }
        throw new AnswerFailedException($"{lastError}; gave up after {attempt + 1} attempts", attempt + 1);
    }

    private static async Task<string> ReadBounded(HttpContent content, long limit, int attempts, CancellationToken ct)
    {
        if (content.Headers.ContentLength is { } declared && declared > limit)
            throw new AnswerFailedException($"the reply is {declared:N0} bytes, over the {limit:N0}-byte limit", attempts);
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > limit) throw new AnswerFailedException($"the reply exceeds the {limit:N0}-byte limit", attempts);
            buffer.Write(chunk, 0, n);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The chat: the system prompt, earlier turns (the image rides on the first user turn), then the question.</summary>
    private string RequestBody(AnswerRequest request)
    {
        var imagePath = request.ImagePath;
        // Only a decoded image leaves the machine: the file is decoded and its pixels sent as PNG, never the file's bytes as they are.
        RegularFile.Check(imagePath, imagePath);
        var pixels = Imaging.ColorImageFile.DecodeFile(imagePath);
        var dataUrl = $"data:image/png;base64,{Convert.ToBase64String(Imaging.ColorImageCodec.EncodePngFast(pixels))}";
        var messages = new JsonArray();
        if (options.SystemPrompt is { Length: > 0 } system)
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = system });
        var turns = request.History.Append(new ChatTurn(request.Question, "")).ToList();
        for (int i = 0; i < turns.Count; i++)
        {
            var content = new JsonArray();
            if (i == 0) content.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = dataUrl } });
            content.Add(new JsonObject { ["type"] = "text", ["text"] = turns[i].Question });
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = content });
            if (i < turns.Count - 1) messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = turns[i].Answer });
        }
        return new JsonObject
        {
            ["model"] = model,
            ["messages"] = messages,
            ["max_tokens"] = options.MaxTokens,
            ["temperature"] = options.Temperature,
        }.ToJsonString();
    }

    /// <summary>choices[0].message.content as text (a string, or an array of text parts); null when the body is not that.</summary>
    public static string? ContentOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object ||
                !doc.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array ||
                choices.GetArrayLength() == 0 || !choices[0].TryGetProperty("message", out var message) ||
                message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("content", out var content))
                return null;
            if (content.ValueKind == JsonValueKind.String) return content.GetString();
            if (content.ValueKind != JsonValueKind.Array) return null;
            var sb = new StringBuilder();
            foreach (var part in content.EnumerateArray())
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                    sb.Append(t.GetString());
            return sb.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsUnreachable(HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.NameResolutionError ||
        e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound
            or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.AddressNotAvailable };

    private static string Snippet(string text)
    {
        var oneLine = string.Join(' ', text.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return oneLine.Length == 0 ? "(empty)" : oneLine.Length <= 120 ? oneLine : oneLine[..120] + "…";
    }
}
