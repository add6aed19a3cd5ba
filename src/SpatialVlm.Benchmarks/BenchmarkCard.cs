using System.Globalization;
using System.Text;
using SpatialVlm.Questions;

namespace SpatialVlm.Benchmarks;

/// <summary>The markdown card written beside a benchmark: source, truth, held-out rule, composition.</summary>
public static class BenchmarkCard
{
    public static string Render(BenchmarkSummary s, string benchmarkName, BenchmarkBuildOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# {benchmarkName}");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Source: {s.Source.Kind}, {s.Images} images asked about ({s.Source.Scenes.Count} usable, {s.Source.Skipped.Count} left out).");
        sb.AppendLine(inv, $"- Answers: {s.Source.Truth}. Each line's `depth_m` is the camera depth (optical axis) of the farther object of its pair.");
        sb.AppendLine(inv, $"- Questions: {s.Questions} ({s.Qualitative} qualitative, {s.Quantitative} quantitative; requested quantitative share {options.QuantitativeShare:0.##}), {options.QuestionsPerScene} drawn per image, types balanced within each half as far as the image's objects allow.");
        sb.AppendLine(inv, $"- Question sampling seed: {options.Seed} (mixed with each image id, so the draw differs from any training draw of the same image).");
        sb.AppendLine();
        sb.AppendLine("## Held-out rule");
        sb.AppendLine();
        if (s.Source.Kind.StartsWith("procedural", StringComparison.Ordinal))
            sb.AppendLine("Procedural scenes are held out by seed: a scene's id is its seed, so render the benchmark's scenes with seeds no training run used (`scenes --seed`).");
        else
            sb.AppendLine("Annotated frames are held out by frame: none of these frames may appear in a training dataset; a frame's id is its file stem, as in `synth --input` records.");
        sb.AppendLine(options.ExcludeDatasets.Count > 0
            ? $"Checked here: every id listed in {string.Join(", ", options.ExcludeDatasets.Select(Path.GetFileName))} was left out ({s.Source.Skipped.Count(x => x.EndsWith("excluded training dataset", StringComparison.Ordinal))} images)."
            : "Not checked here: pass the training datasets with `--exclude DATASET.jsonl` to leave out any image they contain.");
        sb.AppendLine();
        sb.AppendLine("## Questions per type");
        sb.AppendLine();
        sb.AppendLine("| type | kind | n |");
        sb.AppendLine("|---|---|---:|");
        foreach (var t in QuestionCatalog.All)
            sb.AppendLine(inv, $"| {t.Id} | {(t.Kind == QuestionKind.Quantitative ? "quantitative" : "qualitative")} | {s.ByType.GetValueOrDefault(t.Id)} |");
        var missing = QuestionCatalog.All.Where(t => !s.ByType.ContainsKey(t.Id)).Select(t => t.Id).ToList();
        if (missing.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"Not asked ({missing.Count}): {string.Join(", ", missing)} — the images' objects did not support them (pairs within the margin, or no canonical frame for the * types).");
        }
        if (s.Source.Skipped.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Left out");
            sb.AppendLine();
            foreach (var reason in s.Source.Skipped.Take(50)) sb.AppendLine(inv, $"- {reason}");
            if (s.Source.Skipped.Count > 50) sb.AppendLine(inv, $"- … and {s.Source.Skipped.Count - 50} more");
        }
        return sb.ToString();
    }
}
