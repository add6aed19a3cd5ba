using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpatialVlm.Core;

namespace SpatialVlm.Web;

public sealed record ViewerOptions
{
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; } = 8765;
    /// <summary>The 3D view down-samples an image's points beyond this count.</summary>
    public int MaxPoints { get; init; } = 200_000;
    public int MaxPageSize { get; init; } = 500;
}

/// <summary>The running viewer: the folder's catalogs built once, then an HTTP server on loopback answering the page and the JSON API.</summary>
public sealed class ViewerServer : IAsyncDisposable
{
    private readonly WebApplication app;

    public ViewedFolder Folder { get; }
    public Uri Url { get; }

    private ViewerServer(WebApplication app, ViewedFolder folder, Uri url)
    {
        this.app = app;
        Folder = folder;
        Url = url;
    }

    public static async Task<ViewerServer> StartAsync(ViewedFolder folder, ViewerOptions options, CancellationToken cancel = default)
    {
        if (options.Port is < 0 or > 65535) throw new SpatialVlmException($"--port must be 0-65535, not {options.Port}");
        if (!IPAddress.TryParse(options.Host, out var address)) throw new SpatialVlmException($"--host must be an IP address, not '{options.Host}'");
        var api = new ViewerApi(folder, options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = folder.Root, Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, options.Port));
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        });
        var app = builder.Build();
        api.Map(app);
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
        return new ViewerServer(app, folder, new Uri(bound.Replace("[::]", "127.0.0.1") + "/"));
    }

    public Task WaitForShutdownAsync(CancellationToken cancel = default) => app.WaitForShutdownAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Whether three.js was bundled into this build (npm was there when it was built).</summary>
    public static bool ThreeJsBundled => typeof(ViewerServer).Assembly.GetManifestResourceInfo("web/vendor/three.module.js") != null;

    internal static Stream? Asset(string name) => typeof(ViewerServer).Assembly.GetManifestResourceStream("web/" + name);
}
