using System.Globalization;
using System.Text;
using System.Text.Json;
using SpatialVlm.Evaluation;
using SpatialVlm.Questions;

namespace SpatialVlm.Web;

/// <summary>A benchmark .jsonl as the viewer serves it: line offsets and each question's type, found in one pass; pages read by seeking.</summary>
public sealed class BenchmarkCatalog
{
    private readonly LineIndex index;
    private readonly string?[] types;
    private readonly FolderPaths paths;
    private readonly string baseDir;

    public BenchmarkFileSummary Summary { get; }

    private BenchmarkCatalog(LineIndex index, string?[] types, FolderPaths paths, string baseDir, BenchmarkFileSummary summary)
    {
        this.index = index;
        this.types = types;
        this.paths = paths;
        this.baseDir = baseDir;
        Summary = summary;
    }

    public static BenchmarkCatalog Open(string root, string file)
    {
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var types = new List<string?>();
        var byType = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byKind = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int problems = 0;
        var index = LineIndex.Build(file, (i, bytes) =>
        {
            var item = TryParse(Encoding.UTF8.GetString(bytes), i, baseDir, out _);
            if (item == null) { problems++; types.Add(null); return; }
            types.Add(item.Type.Id);
            byType[item.Type.Id] = byType.GetValueOrDefault(item.Type.Id) + 1;
            var kind = KindName(item);
            byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
        });
        return new BenchmarkCatalog(index, [.. types], new FolderPaths(root), baseDir,
            new BenchmarkFileSummary(Path.GetFileName(file), types.Count - problems, problems, byType, byKind));
    }

    public Page<BenchmarkItemView> Items(int offset, int limit, string? type, string? kind)
    {
        var items = new List<BenchmarkItemView>();
        int total = 0;
        for (int i = 0; i < types.Length; i++)
        {
            if (type != null && types[i] != type) continue;
            if (kind != null && (types[i] is not { } t || !QuestionCatalog.TryGet(t, out var qt) || KindName(qt) != kind)) continue;
            if (total >= offset && items.Count < limit) items.Add(View(i));
            total++;
        }
        return new Page<BenchmarkItemView>(total, offset, limit, items);
    }

    private BenchmarkItemView View(int i)
    {
        var item = TryParse(index.Read(i), i, baseDir, out var error);
        if (item == null) return new BenchmarkItemView(i, $"line {i + 1}", "", null, "", "", "", null, null, "", null, error);
        var relative = Path.GetRelativePath(paths.Root, item.ImagePath);
        var url = paths.Resolve(relative) is { } full && File.Exists(full) ? "/files?root=0&path=" + Uri.EscapeDataString(relative.Replace('\\', '/')) : null;
        var answer = item.ExpectedYes is { } y ? (y ? "yes" : "no")
            : item.ExpectedText ?? item.ExpectedMeters?.ToString("0.####", CultureInfo.InvariantCulture) + " m";
        return new BenchmarkItemView(i, item.Id, item.Image, url, item.Type.Id, KindName(item), item.Question, item.A, item.B, answer, item.DepthM, null);
    }

    private static BenchmarkItem? TryParse(string line, int i, string baseDir, out string? error)
    {
        try
        {
            error = null;
            return BenchmarkReader.ParseLine(line, i + 1, baseDir);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            error = e.Message.Split('\n')[0];
            return null;
        }
    }

    private static string KindName(BenchmarkItem item) => item.IsQualitative ? "qualitative" : "quantitative";
    private static string KindName(QuestionType type) => type.IsQualitative ? "qualitative" : "quantitative";
}
