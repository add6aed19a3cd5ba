using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpatialVlm.Web.Tests;

/// <summary>A viewer on a free loopback port and an HTTP client for it.</summary>
public sealed class ViewerHost : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly ViewerServer server;
    public HttpClient Http { get; }
    public Uri Url => server.Url;

    private ViewerHost(ViewerServer server)
    {
        this.server = server;
        Http = new HttpClient { BaseAddress = server.Url };
    }

    public static async Task<ViewerHost> StartAsync(ViewerOptions? options = null, params string[] paths) =>
        new(await ViewerServer.StartAsync(ViewedFolder.Detect(paths), (options ?? new ViewerOptions()) with { Port = 0 }));

    public static Task<ViewerHost> StartAsync(params string[] paths) => StartAsync(null, paths);

    public async Task<T> Get<T>(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }

    /// <summary>A request that must fail: its status and the one-line message of its JSON body.</summary>
    public async Task<(HttpStatusCode Status, string Error)> Fail(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(response.IsSuccessStatusCode, $"GET {path} should fail but gave {text}");
        var body = JsonSerializer.Deserialize<ErrorBody>(text, Json);
        Assert.False(string.IsNullOrWhiteSpace(body?.Error), $"GET {path}: no error message in {text}");
        Assert.DoesNotContain('\n', body!.Error);
        return (response.StatusCode, body.Error);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await server.DisposeAsync();
    }
}
