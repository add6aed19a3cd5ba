using System.Net;
using System.Net.Sockets;
using SpatialVlm.Core;

namespace SpatialVlm.Web.Tests;

[Collection(ViewerCollection.Name)]
public sealed class BadInputTests(ViewerFolders folders)
{
    [Fact]
    public void FolderKindsAreNamedAndOthersRefusedInOneLine()
    {
        Assert.Equal(FolderKind.Dataset, ViewedFolder.Detect([folders.Dataset]).Kind);
        Assert.Equal(FolderKind.Benchmark, ViewedFolder.Detect([folders.BenchmarkFolder]).Kind);
        Assert.Equal(FolderKind.Benchmark, ViewedFolder.Detect([folders.BenchmarkFile]).Kind);
        Assert.Equal(FolderKind.Eval, ViewedFolder.Detect([folders.OracleRun]).Kind);
        Assert.Equal(FolderKind.Compare, ViewedFolder.Detect([folders.OracleRun, folders.ConstantRun]).Kind);

        var empty = Assert.Throws<SpatialVlmException>(() => ViewedFolder.Detect([folders.Empty]));
        Assert.Contains("not a dataset", empty.Message);
        var missing = Assert.Throws<SpatialVlmException>(() => ViewedFolder.Detect([Path.Combine(folders.Root, "nowhere")]));
        Assert.Contains("no such folder", missing.Message);
        var mixed = Assert.Throws<SpatialVlmException>(() => ViewedFolder.Detect([folders.OracleRun, folders.Dataset]));
        Assert.Contains("both are eval folders", mixed.Message);
        var records = Assert.Throws<SpatialVlmException>(() => ViewedFolder.Detect([Path.Combine(folders.Dataset, "manifest.json")]));
        Assert.Contains("not a folder", records.Message);
        var halfEval = Path.Combine(folders.Root, "half-eval");
        Directory.CreateDirectory(halfEval);
        File.Copy(Path.Combine(folders.OracleRun, "metrics.json"), Path.Combine(halfEval, "metrics.json"), overwrite: true);
        Assert.Contains("predictions.jsonl is missing", Assert.Throws<SpatialVlmException>(() => ViewedFolder.Detect([halfEval])).Message);
        foreach (var e in new[] { empty, missing, mixed, records }) Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task PathsOutsideTheFolderAreRefused()
    {
        await using var host = await ViewerHost.StartAsync(folders.Dataset);
        var outside = Path.Combine(folders.Root, "secret.txt");
        File.WriteAllText(outside, "TOP-SECRET-CONTENT");
        var link = Path.Combine(folders.Dataset, "link-out.txt");
        if (!File.Exists(link)) File.CreateSymbolicLink(link, outside);
        foreach (var path in new[] { "../secret.txt", "images/../../secret.txt", "/etc/passwd", outside, "link-out.txt", "..", "images/../../dataset/../secret.txt" })
        {
            var (status, error) = await host.Fail("/files?path=" + Uri.EscapeDataString(path));
            Assert.True(status == HttpStatusCode.Forbidden, $"{path}: {status} {error}");
            Assert.Contains("outside the viewed folder", error);
        }
        using var raw = await host.Http.GetAsync("/files?path=..%2F..%2Fetc%2Fpasswd");
        Assert.Equal(HttpStatusCode.Forbidden, raw.StatusCode);
        using var staticEscape = await host.Http.GetAsync("/static/..%2F..%2Fsecret.txt");
        Assert.True((int)staticEscape.StatusCode is 403 or 404, $"{staticEscape.StatusCode}");
        Assert.DoesNotContain("TOP-SECRET-CONTENT", await staticEscape.Content.ReadAsStringAsync());
        using var inside = await host.Http.GetAsync("/files?path=README.md");
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
    }

    [Fact]
    public async Task MalformedRequestsGetA4xxWithAMessageAndTheServerKeepsServing()
    {
        await using var host = await ViewerHost.StartAsync(folders.Dataset);
        foreach (var path in new[] { "/api/dataset/records?offset=-1", "/api/dataset/records?limit=0", "/api/dataset/records?limit=100000",
                     "/api/dataset/records?offset=abc", "/api/dataset/records/abc", "/api/dataset/records/-3", "/api/dataset/records/99999",
                     "/api/benchmark/items", "/api/eval/runs", "/api/nothing", "/files", "/files?root=7&path=README.md", "/static/nothing.js" })
        {
            var (status, _) = await host.Fail(path);
            Assert.True((int)status is >= 400 and < 500, $"{path}: {status}");
        }
        var summary = await host.Get<DatasetSummary>("/api/dataset/summary");
        Assert.True(summary.Images > 0);
    }

    [Fact]
    public async Task APortInUseIsAOneLineError()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var e = await Assert.ThrowsAsync<SpatialVlmException>(() => ViewerServer.StartAsync(ViewedFolder.Detect([folders.Dataset]), new ViewerOptions { Port = port }));
        Assert.Equal($"port {port} on 127.0.0.1 is already in use (pick another with --port)", e.Message);
    }

    [Fact]
    public async Task ThePageAndThreeJsAreServedFromTheBuild()
    {
        await using var host = await ViewerHost.StartAsync(folders.Dataset);
        Assert.Contains("/static/app.js", await host.Http.GetStringAsync("/"));
        Assert.Contains("REVISION = '187'", await host.Http.GetStringAsync("/vendor/three.core.js"));
        Assert.Contains("three.core.js", await host.Http.GetStringAsync("/vendor/three.module.js"));
        Assert.Contains("OrbitControls", await host.Http.GetStringAsync("/vendor/OrbitControls.js"));
    }
}
