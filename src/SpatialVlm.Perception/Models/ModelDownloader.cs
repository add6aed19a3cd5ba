using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using SpatialVlm.Core;

namespace SpatialVlm.Perception.Models;

/// <summary>Options of <see cref="ModelDownloader"/>.</summary>
public sealed record DownloadOptions
{
    /// <summary>Base address replacing the host's public one (a mirror, or a test server). Null = the host's.</summary>
    public string? BaseUrl { get; init; }
    /// <summary>Attempts per file; each retry resumes from the bytes already in the .partial file (default 4).</summary>
    public int MaxAttempts { get; init; } = 4;
    /// <summary>Pause before a retry (default 1 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Time allowed without receiving any data before the attempt fails (default 60 s).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Progress of one file: bytes on disk so far and the total when the server tells it.</summary>
public sealed record DownloadProgress(string File, long Bytes, long? Total);

/// <summary>What a pull did for one file. Sha256 is the digest of the file on disk; Verified says it matched the registry.</summary>
public sealed record PulledFile(string Path, long Bytes, string Sha256, bool Verified, bool AlreadyCached);

/// <summary>
/// Downloads a model's files into the store. Each file goes to "&lt;path&gt;.partial" first; a retry or a later pull
/// resumes it with an HTTP Range request. Only a complete file whose sha256 matches (when the registry knows it) is
/// renamed to its final path; a mismatch deletes the partial file. Failures are one-line SpatialVlmExceptions.
/// </summary>
public sealed class ModelDownloader(HttpClient http, DownloadOptions options)
{
    public IReadOnlyList<PulledFile> Pull(ModelStore store, string name, IProgress<DownloadProgress>? progress = null, CancellationToken ct = default)
    {
        var entry = store.Find(name);
        var result = new List<PulledFile>();
        foreach (var file in entry.Files)
            result.Add(PullFile(entry, file, store.FilePath(entry, file), progress, ct));
        return result;
    }

    private PulledFile PullFile(ModelEntry entry, ModelFile file, string finalPath, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        if (File.Exists(finalPath))
        {
            var existing = Sha256Of(finalPath);
            if (file.Sha256 == null || Same(existing, file.Sha256))
                return new PulledFile(finalPath, new FileInfo(finalPath).Length, existing, file.Sha256 != null, AlreadyCached: true);
            File.Delete(finalPath); // a corrupted cached file is fetched again
        }
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        var partial = finalPath + ".partial";
        var uri = entry.FileUri(options.BaseUrl ?? entry.DefaultBaseUrl, file);
        if (options.MaxAttempts < 1) throw new SpatialVlmException($"download attempts must be at least 1, got {options.MaxAttempts}");
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                FetchInto(uri, partial, file.Path, progress, ct);
                break;
            }
            catch (TransientDownloadException e)
            {
                if (attempt >= options.MaxAttempts)
                    throw new SpatialVlmException($"{entry.Name}: {file.Path}: {e.Message} after {attempt} attempt(s); run the pull again to resume ({new FileInfo(partial).Length} bytes kept)");
                Thread.Sleep(options.RetryDelay);
            }
        }
        var digest = Sha256Of(partial);
        if (file.Sha256 != null && !Same(digest, file.Sha256))
        {
            File.Delete(partial);
            throw new SpatialVlmException($"{entry.Name}: {file.Path}: sha256 mismatch (expected {file.Sha256}, got {digest}); the download was removed");
        }
        File.Move(partial, finalPath, overwrite: true);
        return new PulledFile(finalPath, new FileInfo(finalPath).Length, digest, file.Sha256 != null, AlreadyCached: false);
    }

    /// <summary>One attempt: appends to the partial file from where it ends.</summary>
    private void FetchInto(Uri uri, string partial, string label, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        HttpResponseMessage response;
        try
        {
            response = http.Send(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new SpatialVlmException($"cannot reach {uri.GetLeftPart(UriPartial.Authority)}: {OneLine(e)}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TransientDownloadException("the server did not answer in time");
        }
        using (response)
        {
            if (have > 0 && response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return; // already complete
            if (response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
                throw new TransientDownloadException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            if (!response.IsSuccessStatusCode)
                throw new SpatialVlmException($"{uri}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            bool append = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
            if (append && response.Content.Headers.ContentRange?.From is { } from && from != have)
                throw new SpatialVlmException($"{uri}: server resumed at byte {from}, expected {have}");
            if (!append) have = 0;
            long? total = response.Content.Headers.ContentRange?.Length ?? have + response.Content.Headers.ContentLength;
            using var fs = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            try
            {
                using var body = response.Content.ReadAsStream(ct);
                var buffer = new byte[1 << 16];
                long lastReport = 0;
                while (true)
                {
                    using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    stall.CancelAfter(options.StallTimeout);
                    int n = body.ReadAsync(buffer, stall.Token).AsTask().GetAwaiter().GetResult();
                    if (n == 0) break;
                    fs.Write(buffer, 0, n);
                    have += n;
                    if (have - lastReport >= 8 << 20) { progress?.Report(new DownloadProgress(label, have, total)); lastReport = have; }
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                throw new TransientDownloadException($"connection lost at byte {have}: {OneLine(e)}");
            }
            progress?.Report(new DownloadProgress(label, have, total));
            if (total is { } t && have != t) throw new TransientDownloadException($"connection closed at byte {have} of {t}");
        }
    }

    public static string Sha256Of(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string OneLine(Exception e) => (e.InnerException?.Message ?? e.Message).Split('\n')[0].Trim();

    /// <summary>A failure worth retrying with a resume (cut connection, stall, 5xx).</summary>
    private sealed class TransientDownloadException(string message) : Exception(message);
}
