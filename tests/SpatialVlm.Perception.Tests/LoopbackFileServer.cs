using System.Net;
using System.Net.Sockets;

namespace SpatialVlm.Perception.Tests;

/// <summary>
/// A real HTTP server on 127.0.0.1 (free port) serving byte arrays by path, honouring "Range: bytes=N-" with 206.
/// CutAfter makes the first full-body response for a path send that many bytes and then abort the connection.
/// </summary>
internal sealed class LoopbackFileServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Dictionary<string, byte[]> files;
    private readonly Dictionary<string, int> cutAfter;
    private readonly Thread loop;
    private readonly object gate = new();
    public List<(string Path, string? Range, int Status)> Requests { get; } = [];
    public string BaseUrl { get; }
    /// <summary>When set, Range headers are ignored and every answer is 200 with the whole body (as some mirrors do).</summary>
    public bool IgnoreRange { get; init; }

    public LoopbackFileServer(Dictionary<string, byte[]> files, Dictionary<string, int>? cutAfter = null)
    {
        this.files = files;
        this.cutAfter = cutAfter ?? [];
        int port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(BaseUrl + "/");
        listener.Start();
        loop = new Thread(Serve) { IsBackground = true };
        loop.Start();
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private void Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = listener.GetContext(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try { Handle(ctx); }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { }
        }
    }

    private void Handle(HttpListenerContext ctx)
    {
        var path = ctx.Request.Url!.AbsolutePath;
        var range = ctx.Request.Headers["Range"];
        var res = ctx.Response;
        if (!files.TryGetValue(path, out var body))
        {
            Log(path, range, 404);
            res.StatusCode = 404;
            res.Close();
            return;
        }
        long from = 0;
        if (!IgnoreRange && range != null && range.StartsWith("bytes=") && range.EndsWith('-')) from = long.Parse(range[6..^1]);
        if (from >= body.Length && from > 0)
        {
            Log(path, range, 416);
            res.StatusCode = 416;
            res.Close();
            return;
        }
        int status = from > 0 ? 206 : 200;
        Log(path, range, status);
        res.StatusCode = status;
        if (from > 0) res.AddHeader("Content-Range", $"bytes {from}-{body.Length - 1}/{body.Length}");
        res.ContentLength64 = body.Length - from;
        int cut;
        lock (gate) { if (cutAfter.Remove(path, out cut)) { } else cut = -1; }
        if (cut >= 0)
        {
            res.OutputStream.Write(body, (int)from, cut);
            res.OutputStream.Flush();
            res.Abort(); // the client sees the connection drop mid-body
            return;
        }
        res.OutputStream.Write(body, (int)from, (int)(body.Length - from));
        res.Close();
    }

    private void Log(string path, string? range, int status) { lock (gate) Requests.Add((path, range, status)); }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Join(TimeSpan.FromSeconds(5));
    }
}
