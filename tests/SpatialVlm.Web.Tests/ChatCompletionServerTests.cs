using System.Net;
using System.Text;
using SpatialVlm.Contracts.Answering;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;
using SpatialVlm.Imaging;

namespace SpatialVlm.Web.Tests;

/// <summary>`serve`'s endpoint over real HTTP on loopback, with our own OpenAI-compatible client and with raw requests.</summary>
public sealed class ChatCompletionServerTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("serve-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Answers with what it was asked and what it saw: the question, the image's size, and the turns before.</summary>
    private sealed class EchoAnswerer : ISpatialAnswerer
    {
        public Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct)
        {
            var image = ColorImageFile.DecodeFile(request.ImagePath);
            if (request.Question.Contains("unanswerable")) throw new AnswerFailedException("cannot answer that", 1);
            return Task.FromResult(SpatialAnswer.Single($"{request.Question} | {image.Width}x{image.Height} | {request.History.Count} earlier"));
        }
    }

    private string Image(int w, int h)
    {
        var path = Path.Combine(dir, $"i{w}x{h}.png");
        File.WriteAllBytes(path, ColorImageCodec.EncodePng(new RgbImage(w, h)));
        return path;
    }

    [Fact]
    public async Task OurOwnClientGetsAnswersAndMalformedRequestsGet4xxWhileTheServerKeepsServing()
    {
        await using var server = await ChatCompletionServer.StartAsync(new EchoAnswerer(), new ChatServerOptions { Port = 0 });
        Assert.Equal("127.0.0.1", server.BaseUrl.Host);
        using var client = new OpenAiChatAnswerer(server.BaseUrl, "spatialvlm", new OpenAiChatOptions { MaxRetries = 0 });
        var answer = await client.AnswerAsync(new AnswerRequest(Image(12, 8), "How far is the mug?"), CancellationToken.None);
        Assert.Equal("How far is the mug? | 12x8 | 0 earlier", answer.Text);
        var followUp = await client.AnswerAsync(new AnswerRequest(Image(12, 8), "And the box?") { History = [new ChatTurn("How far is the mug?", "2 m")] }, CancellationToken.None);
        Assert.Equal("And the box? | 12x8 | 1 earlier", followUp.Text);

        using var http = new HttpClient();
        var endpoint = new Uri(server.BaseUrl + "/chat/completions");
        var png = Convert.ToBase64String(File.ReadAllBytes(Image(4, 4)));
        string Chat(string content) => "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":" + content + "}]}";
        // ImagePart + TextPart make a content array: "[{image}" + ",{text}]".
        static string ImagePart(string base64) => "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + base64 + "\"}}";
        static string TextPart(string text) => ",{\"type\":\"text\",\"text\":\"" + text + "\"}]";
        var cases = new (string Body, HttpStatusCode Status, string Says)[]
        {
            ("not json", HttpStatusCode.BadRequest, "not valid JSON"),
            ("[]", HttpStatusCode.BadRequest, "JSON object"),
            ("""{"messages":[]}""", HttpStatusCode.BadRequest, "non-empty array"),
            (Chat("\"no image here\""), HttpStatusCode.BadRequest, "no image"),
            (Chat("""[{"type":"image_url","image_url":{"url":"http://example.com/a.png"}},{"type":"text","text":"?"}]"""), HttpStatusCode.BadRequest, "data URLs"),
            (Chat("""[{"type":"image_url","image_url":{"url":"data:image/png;base64,@@@"}},{"type":"text","text":"?"}]"""), HttpStatusCode.BadRequest, "base64"),
            (Chat(ImagePart(Convert.ToBase64String(Encoding.ASCII.GetBytes("not a png"))) + TextPart("?")), HttpStatusCode.BadRequest, "image: "),
            (Chat(ImagePart(png) + "]"), HttpStatusCode.BadRequest, "user question"),
            (Chat(ImagePart(png) + TextPart("unanswerable?")), (HttpStatusCode)422, "cannot answer that"),
        };
        foreach (var (body, status, says) in cases)
        {
            using var response = await http.PostAsync(endpoint, new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{body[..Math.Min(60, body.Length)]}: {(int)response.StatusCode} {text}");
            Assert.Contains(says, text);
        }
        using (var missing = await http.GetAsync(new Uri(server.BaseUrl, "/nowhere"))) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var models = await http.GetAsync(new Uri(server.BaseUrl + "/models"))) Assert.Contains("spatialvlm", await models.Content.ReadAsStringAsync());
        // Still serving after every bad request.
        Assert.Equal("Still there? | 12x8 | 0 earlier", (await client.AnswerAsync(new AnswerRequest(Image(12, 8), "Still there?"), CancellationToken.None)).Text);
    }

    [Fact]
    public async Task APortInUseIsOneLine()
    {
        await using var first = await ChatCompletionServer.StartAsync(new EchoAnswerer(), new ChatServerOptions { Port = 0 });
        var e = await Assert.ThrowsAsync<SpatialVlmException>(() => ChatCompletionServer.StartAsync(new EchoAnswerer(), new ChatServerOptions { Port = first.BaseUrl.Port }));
        Assert.Contains("already in use", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
