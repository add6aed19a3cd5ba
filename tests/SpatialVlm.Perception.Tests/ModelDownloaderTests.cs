using System.Security.Cryptography;
using SpatialVlm.Core;
using SpatialVlm.Perception.Models;

namespace SpatialVlm.Perception.Tests;

public sealed class ModelDownloaderTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), $"svlm-models-{Guid.NewGuid():N}");

    public void Dispose() { if (Directory.Exists(home)) Directory.Delete(home, recursive: true); }

    private static byte[] Payload(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    private static ModelEntry Entry(string name, params ModelFile[] files) =>
        new(name, ModelRole.Depth, "metric3d", ModelHost.HuggingFace, "org/repo", "main", files, "MIT");

    private static ModelDownloader Downloader(string baseUrl, int attempts = 1) =>
        new(new HttpClient(), new DownloadOptions { BaseUrl = baseUrl, MaxAttempts = attempts, RetryDelay = TimeSpan.Zero, StallTimeout = TimeSpan.FromSeconds(10) });

    [Fact]
    public void CutConnectionKeepsPartialAndNextPullResumesWithRange()
    {
        var body = Payload(300_000, 1);
        var store = new ModelStore(home, [Entry("m", new ModelFile("onnx/model.onnx", body.Length, Sha(body)))]);
        using var server = new LoopbackFileServer(new() { ["/org/repo/resolve/main/onnx/model.onnx"] = body },
            new() { ["/org/repo/resolve/main/onnx/model.onnx"] = 120_000 });
        var final = store.FilePath(store.Find("m"), store.Find("m").Files[0]);

        var e = Assert.Throws<SpatialVlmException>(() => Downloader(server.BaseUrl).Pull(store, "m"));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("pull again to resume", e.Message);
        Assert.False(File.Exists(final));
        var kept = new FileInfo(final + ".partial").Length;
        Assert.InRange(kept, 1, body.Length - 1);

        var pulled = Downloader(server.BaseUrl).Pull(store, "m");
        Assert.Equal(body, File.ReadAllBytes(final));
        Assert.False(File.Exists(final + ".partial"));
        Assert.True(pulled[0].Verified);
        Assert.Equal((206, $"bytes={kept}-"), (server.Requests[^1].Status, server.Requests[^1].Range));
        Assert.True(store.IsCached(store.Find("m")));
    }

    [Fact]
    public void RetriesWithinOnePullResumeAfterACut()
    {
        var body = Payload(200_000, 2);
        var store = new ModelStore(home, [Entry("m", new ModelFile("model.onnx", null, Sha(body)))]);
        using var server = new LoopbackFileServer(new() { ["/org/repo/resolve/main/model.onnx"] = body },
            new() { ["/org/repo/resolve/main/model.onnx"] = 50_000 });
        Downloader(server.BaseUrl, attempts: 3).Pull(store, "m");
        Assert.Equal(body, File.ReadAllBytes(store.FilePath(store.Find("m"), store.Find("m").Files[0])));
        Assert.Equal([200, 206], server.Requests.Select(r => r.Status));
    }

    [Fact]
    public void ServerIgnoringRangeRestartsTheFileInsteadOfAppending()
    {
        var body = Payload(100_000, 6);
        var store = new ModelStore(home, [Entry("m", new ModelFile("model.onnx", null, Sha(body)))]);
        using var server = new LoopbackFileServer(new() { ["/org/repo/resolve/main/model.onnx"] = body },
            new() { ["/org/repo/resolve/main/model.onnx"] = 30_000 }) { IgnoreRange = true };
        Downloader(server.BaseUrl, attempts: 2).Pull(store, "m");
        Assert.Equal(body, File.ReadAllBytes(store.FilePath(store.Find("m"), store.Find("m").Files[0])));
        Assert.Equal([(200, (string?)null), (200, "bytes=30000-")], server.Requests.Select(r => (r.Status, r.Range)));
    }

    [Fact]
    public void ChecksumMismatchRemovesTheDownloadAndLeavesNoFinalFile()
    {
        var body = Payload(10_000, 3);
        var wrong = Sha(Payload(10_000, 4));
        var store = new ModelStore(home, [Entry("m", new ModelFile("model.onnx", null, wrong))]);
        using var server = new LoopbackFileServer(new() { ["/org/repo/resolve/main/model.onnx"] = body });
        var final = store.FilePath(store.Find("m"), store.Find("m").Files[0]);
        var e = Assert.Throws<SpatialVlmException>(() => Downloader(server.BaseUrl).Pull(store, "m"));
        Assert.Contains("sha256 mismatch", e.Message);
        Assert.Contains(Sha(body), e.Message);
        Assert.False(File.Exists(final));
        Assert.False(File.Exists(final + ".partial"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(final)!));
    }

    [Fact]
    public void NotFoundIsOneLineErrorNamingTheAddress()
    {
        var store = new ModelStore(home, [Entry("m", new ModelFile("absent.onnx"))]);
        using var server = new LoopbackFileServer([]);
        var e = Assert.Throws<SpatialVlmException>(() => Downloader(server.BaseUrl, attempts: 3).Pull(store, "m"));
        Assert.Contains("HTTP 404", e.Message);
        Assert.Contains("/org/repo/resolve/main/absent.onnx", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Single(server.Requests); // a 404 is not retried
    }

    [Fact]
    public void UnreachableHostIsOneLineError()
    {
        var store = new ModelStore(home, [Entry("m", new ModelFile("model.onnx"))]);
        string baseUrl;
        using (var server = new LoopbackFileServer([])) baseUrl = server.BaseUrl; // the port is closed again
        var e = Assert.Throws<SpatialVlmException>(() => Downloader(baseUrl).Pull(store, "m"));
        Assert.StartsWith("cannot reach http://127.0.0.1:", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MissingModelErrorNamesThePullCommand()
    {
        var store = new ModelStore(home, [Entry("m", new ModelFile("model.onnx"))]);
        var e = Assert.Throws<SpatialVlmException>(() => store.Require("m"));
        Assert.Contains("spatialvlm models pull m", e.Message);
        Assert.Contains("unknown model 'zz'", Assert.Throws<SpatialVlmException>(() => store.Require("zz")).Message);
    }

    [Fact]
    public void GitHubReleaseFilesUseTheReleaseDownloadPath()
    {
        var body = Payload(1000, 5);
        var entry = new ModelEntry("g", ModelRole.Depth, "depth-anything-v2-metric", ModelHost.GitHubRelease, "owner/proj", "v2.0.0",
            [new ModelFile("d.onnx", null, Sha(body))], "Apache-2.0");
        var store = new ModelStore(home, [entry]);
        using var server = new LoopbackFileServer(new() { ["/owner/proj/releases/download/v2.0.0/d.onnx"] = body });
        Downloader(server.BaseUrl).Pull(store, "g");
        Assert.Equal(body, File.ReadAllBytes(Path.Combine(store.Require("g"), "d.onnx")));
    }

    [Fact]
    public void DefaultCatalogNamesAreUniqueAndHomeFollowsTheEnvironment()
    {
        Assert.Equal(ModelCatalog.Default.Count, ModelCatalog.Default.Select(e => e.Name).Distinct().Count());
        Assert.Equal("/x/h", ModelStore.ResolveHome(k => k == "SPATIALVLM_HOME" ? "/x/h" : null));
        Assert.Equal(Path.Combine("/c", "spatialvlm"), ModelStore.ResolveHome(k => k == "XDG_CACHE_HOME" ? "/c" : null));
    }
}
