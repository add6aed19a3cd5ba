using System.Globalization;
using System.Text;
using SpatialVlm.Core;

namespace SpatialVlm.Evaluation;

/// <summary>Several runs side by side in one markdown table, from their metrics.json files.</summary>
public static class RunComparison
{
    public static string Build(IReadOnlyList<string> runDirs)
    {
        if (runDirs.Count == 0) throw new SpatialVlmException("--compare needs at least one run folder");
        var runs = runDirs.Select(dir =>
        {
            var path = Path.Combine(dir, EvalOutputs.Metrics);
            if (!File.Exists(path)) throw new SpatialVlmException($"{dir}: no {EvalOutputs.Metrics} (not an eval output folder)");
            return (Name: RunName(dir), Metrics: MetricsReport.ParseJson(File.ReadAllText(path), path));
        }).ToList();
        if (runs.Select(r => r.Name).Distinct().Count() < runs.Count)
            runs = runs.Select((r, i) => (runDirs[i], r.Metrics)).ToList(); // same folder names: show the paths as given
        return Build(runs);
    }

    public static string Build(IReadOnlyList<(string Name, MetricsReport Metrics)> runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| metric | " + string.Join(" | ", runs.Select(r => r.Name.Replace("|", "\\|"))) + " |");
        sb.AppendLine("|---|" + string.Concat(runs.Select(_ => "---:|")));
        void Row(string label, Func<MetricsReport, string> cell) =>
            sb.AppendLine($"| {label} | " + string.Join(" | ", runs.Select(r => cell(r.Metrics))) + " |");
        Row("qualitative n", m => m.Qualitative.N.ToString(CultureInfo.InvariantCulture));
        Row("qualitative accuracy", m => Pct(m.Qualitative.Accuracy, m.Qualitative.N));
        Row("quantitative n", m => m.Quantitative.N.ToString(CultureInfo.InvariantCulture));
        Row("output numbers", m => Pct(m.Quantitative.OutputNumbers, m.Quantitative.N));
        Row("in range [0.5, 2]", m => Pct(m.Quantitative.InRange50To200, m.Quantitative.N));
        Row("in range [0.667, 1.5]", m => Pct(m.Quantitative.InRange66To150, m.Quantitative.N));
        Row("in range [0.75, 1.25]", m => Pct(m.Quantitative.InRange75To125, m.Quantitative.N));
        Row("in range [0.9, 1.1]", m => Pct(m.Quantitative.InRange90To110, m.Quantitative.N));
        Row("sMAPE", m => Num(m.Quantitative.Smape, m.Quantitative.N));
        Row("median abs. rel. error", m => Num(m.Quantitative.MedianAbsRelErr, m.Quantitative.N));
        var types = runs.SelectMany(r => r.Metrics.ByType).OrderBy(kv => kv.Value.Kind == QuestionKind.Quantitative)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key).Distinct().ToList();
        foreach (var type in types)
            Row(type, m => m.ByType.TryGetValue(type, out var t) ? Pct(t.Score, t.N) : "—");
        return sb.ToString();
    }

    /// <summary>A run's column name: its folder name.</summary>
    private static string RunName(string dir) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));

    private static string Pct(double share, int n) => n == 0 ? "n/a" : (100 * share).ToString("0.0", CultureInfo.InvariantCulture);
    private static string Num(double v, int n) => n == 0 ? "n/a" : v.ToString("0.000", CultureInfo.InvariantCulture);
}
