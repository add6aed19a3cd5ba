using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SpatialVlm.Core;

namespace SpatialVlm.Web;

/// <summary>
/// The HTTP surface: the page (/, /static/*, /vendor/*), the folder's files (/files?root=R&amp;path=P, refused outside the
/// folder), and the JSON API under /api. Every failure is a JSON {error} with a 4xx (or 500 for a bug); the server keeps serving.
/// </summary>
internal sealed class ViewerApi
{
    private readonly ViewedFolder folder;
    private readonly ViewerOptions options;
    private readonly DatasetCatalog? dataset;
    private readonly BenchmarkCatalog? benchmark;
    private readonly IReadOnlyList<EvalCatalog> runs;
    private readonly IReadOnlyList<FolderPaths> roots;

    public ViewerApi(ViewedFolder folder, ViewerOptions options)
    {
        this.folder = folder;
        this.options = options;
        switch (folder.Kind)
        {
            case FolderKind.Dataset: dataset = DatasetCatalog.Open(folder.Root); break;
            case FolderKind.Benchmark: benchmark = BenchmarkCatalog.Open(folder.Root, folder.BenchmarkFile!); break;
        }
        runs = folder.EvalRoots.Select(EvalCatalog.Open).ToList();
        roots = (folder.EvalRoots.Count > 0 ? folder.EvalRoots : [folder.Root]).Select(r => new FolderPaths(r)).ToList();
    }

    public void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (RequestException e)
            {
                await Error(context, e.Status, e.Message);
            }
            catch (SpatialVlmException e)
            {
                await Error(context, 422, e.Message.Split('\n')[0]);
            }
            catch (BadHttpRequestException e)
            {
                await Error(context, e.StatusCode, e.Message.Split('\n')[0]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Error(context, 500, e.Message.Split('\n')[0]);
            }
        });
        app.MapGet("/", () => AssetResult("index.html"));
        app.MapGet("/static/{name}", (string name) => AssetResult(name));
        app.MapGet("/vendor/{name}", (string name) => AssetResult("vendor/" + name));
        app.MapGet("/files", (HttpContext c) => File(c));
        app.MapGet("/api/info", () => new FolderInfo(folder.KindName, folder.Root, roots.Select(r => r.Root).ToList(), ViewerServer.ThreeJsBundled, options.MaxPoints));

        app.MapGet("/api/dataset/summary", () => Dataset().Summary);
        app.MapGet("/api/dataset/records", (HttpContext c) =>
        {
            var (offset, limit) = Paging(c);
            return Dataset().Cards(offset, limit, Text(c, "type"), Text(c, "reason"));
        });
        app.MapGet("/api/dataset/records/{index}", (string index, HttpContext c) => Dataset().Detail(Index(index), Text(c, "type")));
        app.MapGet("/api/dataset/records/{index}/points", (string index) => Dataset().Points(Index(index), options.MaxPoints));

        app.MapGet("/api/benchmark/summary", () => Benchmark().Summary);
        app.MapGet("/api/benchmark/items", (HttpContext c) =>
        {
            var (offset, limit) = Paging(c);
            return Benchmark().Items(offset, limit, Text(c, "type"), Text(c, "kind"));
        });

        app.MapGet("/api/eval/runs", () => Runs().Select(r => r.Summary).ToList());
        app.MapGet("/api/eval/runs/{run}/predictions", (string run, HttpContext c) =>
        {
            var (offset, limit) = Paging(c);
            return Run(run).Page(offset, limit, Text(c, "type"), Text(c, "depth"), Text(c, "outcome"), Text(c, "sort"));
        });
        app.MapGet("/api/eval/compare", (HttpContext c) =>
        {
            if (runs.Count != 2) throw new RequestException("comparison needs two eval folders (view RUN1 RUN2)", 404);
            var (offset, limit) = Paging(c);
            IEnumerable<int> selected = runs[0].Select(Text(c, "type"), Text(c, "depth"), Text(c, "outcome"), Text(c, "sort"));
            if (Text(c, "differ") == "true")
                selected = selected.Where(i =>
                {
                    var (id, outcome) = runs[0].Outline(i);
                    return runs[1].IndexOf(id) is not { } j || runs[1].Outline(j).Outcome != outcome;
                });
            var chosen = selected.ToList();
            var rows = chosen.Skip(offset).Take(limit).Select(i => runs[0].Read(i))
                .Select(first => new ComparedPrediction(first, runs[1].IndexOf(first.Id) is { } j ? runs[1].Read(j) : null)).ToList();
            return new Page<ComparedPrediction>(chosen.Count, offset, limit, rows);
        });
        app.MapFallback((HttpContext c) => Results.Json(new ErrorBody($"no such page or API: {c.Request.Path}"), statusCode: 404));
    }

    private static Task Error(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted) return Task.CompletedTask;
        context.Response.Clear();
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(message));
    }

    private DatasetCatalog Dataset() => dataset ?? throw new RequestException($"this is a {folder.KindName} folder, not a dataset", 404);
    private BenchmarkCatalog Benchmark() => benchmark ?? throw new RequestException($"this is a {folder.KindName} folder, not a benchmark", 404);
    private IReadOnlyList<EvalCatalog> Runs() => runs.Count > 0 ? runs : throw new RequestException($"this is a {folder.KindName} folder, not an eval folder", 404);

    private EvalCatalog Run(string run) =>
        int.TryParse(run, out var i) && i >= 0 && i < Runs().Count ? runs[i] : throw new RequestException($"run must be 0-{runs.Count - 1}, not '{run}'", runs.Count > 0 ? 400 : 404);

    private static int Index(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i
            : throw new RequestException($"a record index is a non-negative integer, not '{text}'");

    private (int Offset, int Limit) Paging(HttpContext c)
    {
        int offset = Number(c, "offset", 0), limit = Number(c, "limit", 50);
        if (offset < 0) throw new RequestException($"offset must be ≥ 0, not {offset}");
        if (limit < 1 || limit > options.MaxPageSize) throw new RequestException($"limit must be 1-{options.MaxPageSize}, not {limit}");
        return (offset, limit);
    }

    private static int Number(HttpContext c, string name, int fallback)
    {
        var text = Text(c, name);
        return text == null ? fallback
            : int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v
            : throw new RequestException($"{name} must be an integer, not '{text}'");
    }

    private static string? Text(HttpContext c, string name) => c.Request.Query[name] is { Count: > 0 } v && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    private IResult File(HttpContext c)
    {
        var rootText = Text(c, "root") ?? "0";
        if (!int.TryParse(rootText, out var r) || r < 0 || r >= roots.Count) throw new RequestException($"root must be 0-{roots.Count - 1}, not '{rootText}'");
        var path = Text(c, "path") ?? throw new RequestException("path is missing");
        var full = roots[r].Resolve(path) ?? throw new RequestException($"{path}: outside the viewed folder", 403);
        if (!System.IO.File.Exists(full)) throw new RequestException($"{path}: no such file", 404);
        return Results.File(full, ContentType(full), enableRangeProcessing: true);
    }

    private static IResult AssetResult(string name)
    {
        if (name.Contains("..", StringComparison.Ordinal)) throw new RequestException($"{name}: not a page file", 403);
        var stream = ViewerServer.Asset(name) ?? throw new RequestException(
            name.StartsWith("vendor/", StringComparison.Ordinal) ? $"{name}: not bundled (npm was not available when the viewer was built)" : $"{name}: no such page file", 404);
        return Results.Stream(stream, ContentType(name));
    }

    private static string ContentType(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".json" or ".jsonl" => "application/json",
        ".md" => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    };
}
