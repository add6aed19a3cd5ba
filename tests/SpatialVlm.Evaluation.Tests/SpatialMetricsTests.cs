using System.Text.Json;
using SpatialVlm.Evaluation;

namespace SpatialVlm.Evaluation.Tests;

public class SpatialMetricsTests
{
    private const string Mug = "red mug", Box = "blue box";

    internal static BenchmarkItem Item(string type, object expected, double? depth = null, string id = "q") => new()
    {
        Id = id, Image = "i.png", ImagePath = "i.png", Type = QuestionCatalog.Get(type), Question = "?",
        A = Mug, B = Box, DepthM = depth,
        ExpectedYes = expected as bool?, ExpectedText = expected as string, ExpectedMeters = expected as double?,
    };

    private static ItemOutcome Answer(BenchmarkItem item, string answer) => new(item, AnswerParser.Parse(item, answer));

    private static List<ItemOutcome> HandWorkedRun() =>
    [
        Answer(Item("left-predicate", true, 0.5), "Yes"),
        Answer(Item("left-predicate", true, 1.5), "No"),
        Answer(Item("tall-choice", Box, 1.5), "The blue box."),
        Answer(Item("tall-choice", Box, 2.5), "I can't tell"),
        Answer(Item("left-right-classify", "left", 7), "left"),
        Answer(Item("distance", 1.0, 0.5), "1.5 m"),      // ratio 1.5
        Answer(Item("distance", 2.0, 1.5), "80 cm"),      // ratio 0.4
        Answer(Item("distance", 0.5, 2.5), "far away"),   // unparsed
        Answer(Item("gap", 0.0, 4), "0 m"),              // zero truth, floored: ratio 1
        Answer(Item("gap", 0.004, 4), "30 cm"),           // tiny truth, floored: ratio 30
        Answer(Item("height", 1.0), "1.05 m"),            // ratio 1.05, no depth
    ];

    [Fact]
    public void HandComputedRun()
    {
        var m = SpatialMetrics.Compute(HandWorkedRun());
        Assert.Equal(5, m.Qualitative.N);
        Assert.Equal(0.6, m.Qualitative.Accuracy, 12);
        var q = m.Quantitative;
        Assert.Equal(6, q.N);
        Assert.Equal(5, q.Parsed);
        Assert.Equal(5.0 / 6, q.OutputNumbers, 12);
        Assert.Equal(3.0 / 6, q.InRange50To200, 12);
        Assert.Equal(3.0 / 6, q.InRange66To150, 12);
        Assert.Equal(2.0 / 6, q.InRange75To125, 12);
        Assert.Equal(2.0 / 6, q.InRange90To110, 12);
        var smape = (2 * 0.5 / 2.5 + 2 * 0.6 / 1.4 + 0 + 2 * 29 / 31.0 + 2 * 0.05 / 2.05) / 5;
        Assert.Equal(smape, q.Smape, 12);
        Assert.Equal(0.5, q.MedianAbsRelErr, 12); // sorted |r−1|: 0, 0.05, 0.5, 0.6, 29

        Assert.Equal(new[] { "distance", "gap", "height", "left-predicate", "left-right-classify", "tall-choice" }, m.ByType.Keys);
        Assert.Equal((3, 1.0 / 3), (m.ByType["distance"].N, m.ByType["distance"].Score));
        Assert.Equal(0.5, m.ByType["gap"].Score, 12);
        Assert.Equal(1.0, m.ByType["height"].Score, 12);
        Assert.Equal(0.5, m.ByType["left-predicate"].Score, 12);
        Assert.Equal(0.5, m.ByType["tall-choice"].Score, 12);
        Assert.Equal(1.0, m.ByType["left-right-classify"].Score, 12);
        Assert.Equal(QuestionKind.Choice, m.ByType["tall-choice"].Kind);
    }

    [Fact]
    public void DepthBinsSplitByGroundTruthDepth()
    {
        var bins = SpatialMetrics.Compute(HandWorkedRun()).ByDepth;
        Assert.Equal(new[] { "0-1 m", "1-2 m", "2-3 m", "3-5 m", "5+ m", "unknown" }, bins.Select(b => b.Label));
        Assert.Equal((1, 1.0, 1, 1.0), (bins[0].QualitativeN, bins[0].QualitativeAccuracy, bins[0].QuantitativeN, bins[0].InRange50To200));
        Assert.Equal((2, 0.5, 1, 0.0), (bins[1].QualitativeN, bins[1].QualitativeAccuracy, bins[1].QuantitativeN, bins[1].InRange50To200));
        Assert.Equal((1, 0.0, 1, 0.0), (bins[2].QualitativeN, bins[2].QualitativeAccuracy, bins[2].QuantitativeN, bins[2].InRange50To200));
        Assert.Equal((0, 2, 0.5), (bins[3].QualitativeN, bins[3].QuantitativeN, bins[3].InRange50To200));
        Assert.Equal(14.5, bins[3].MedianAbsRelErr, 12); // |r−1| of 0 and 29
        Assert.Equal((1, 1.0, 0), (bins[4].QualitativeN, bins[4].QualitativeAccuracy, bins[4].QuantitativeN));
        Assert.Equal((0, 1, 1.0), (bins[5].QualitativeN, bins[5].QuantitativeN, bins[5].InRange50To200));
    }

    [Fact]
    public void BandEdgesAreInclusive()
    {
        var o = new MetricsOptions();
        Assert.True(ItemScoring.InBand(0.3 / 0.6, ItemScoring.Bands[0]));
        Assert.True(ItemScoring.InBand(2.0, ItemScoring.Bands[0]));
        Assert.False(ItemScoring.InBand(2.001, ItemScoring.Bands[0]));
        Assert.False(ItemScoring.InBand(0.499, ItemScoring.Bands[0]));
        Assert.True(ItemScoring.InBand(1.1, ItemScoring.Bands[3]));
        Assert.Equal(1.0, ItemScoring.Score(Answer(Item("width", 0.6), "30 cm"), o));
        Assert.Equal(0.0, ItemScoring.Score(Answer(Item("width", 0.6), "29 cm"), o));
    }

    [Fact]
    public void ZeroAndTinyTruthsUseTheFloor()
    {
        var o = new MetricsOptions();
        Assert.Equal(1.0, ItemScoring.Ratio(Answer(Item("gap", 0.0), "5 mm"), o));   // both below 1 cm
        Assert.Equal(2.0, ItemScoring.Ratio(Answer(Item("gap", 0.0), "2 cm"), o));
        Assert.Equal(0.5, ItemScoring.Ratio(Answer(Item("gap", 0.02), "0"), o));
        Assert.Equal(4.0, ItemScoring.Ratio(Answer(Item("gap", 0.0), "2 cm"), o with { FloorMeters = 0.005 })!.Value, 12);
    }

    [Fact]
    public void EmptyHalvesGiveZerosNotNaN()
    {
        var onlyQualitative = HandWorkedRun().Where(o => o.Item.IsQualitative).ToList();
        var m = SpatialMetrics.Compute(onlyQualitative);
        Assert.Equal(0, m.Quantitative.N);
        Assert.Equal(0, m.Quantitative.InRange50To200);
        Assert.Equal(0, m.Quantitative.Smape);
        var onlyQuantitative = SpatialMetrics.Compute(HandWorkedRun().Where(o => !o.Item.IsQualitative).ToList());
        Assert.Equal((0, 0.0), (onlyQuantitative.Qualitative.N, onlyQuantitative.Qualitative.Accuracy));
        var empty = SpatialMetrics.Compute([]);
        var json = empty.ToJson();
        Assert.DoesNotContain("NaN", json);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(0, doc.RootElement.GetProperty("quantitative").GetProperty("n").GetInt32());
        Assert.Equal(0, doc.RootElement.GetProperty("quantitative").GetProperty("median_abs_rel_err").GetDouble());
        Assert.Empty(doc.RootElement.GetProperty("by_type").EnumerateObject());
    }

    [Fact]
    public void AllUnparsedQuantitativeHasZeroOutputNumbers()
    {
        var m = SpatialMetrics.Compute([Answer(Item("distance", 1.0), "no idea"), Answer(Item("distance", 2.0), "far")]);
        Assert.Equal((2, 0, 0.0, 0.0, 0.0), (m.Quantitative.N, m.Quantitative.Parsed, m.Quantitative.OutputNumbers, m.Quantitative.InRange50To200, m.Quantitative.Smape));
    }

    [Fact]
    public void MetricsJsonHasExactlyTheInterfaceKeys()
    {
        var m = SpatialMetrics.Compute(HandWorkedRun());
        using var doc = JsonDocument.Parse(m.ToJson());
        var root = doc.RootElement;
        Assert.Equal(new[] { "qualitative", "quantitative", "by_type" }, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(new[] { "n", "accuracy" }, root.GetProperty("qualitative").EnumerateObject().Select(p => p.Name));
        Assert.Equal(new[] { "n", "output_numbers", "in_range_50_200", "in_range_66_150", "in_range_75_125", "in_range_90_110", "smape", "median_abs_rel_err" },
            root.GetProperty("quantitative").EnumerateObject().Select(p => p.Name));
        Assert.Equal(new[] { "n", "score" }, root.GetProperty("by_type").GetProperty("distance").EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.6, root.GetProperty("qualitative").GetProperty("accuracy").GetDouble(), 6);
        Assert.Equal(0.5, root.GetProperty("quantitative").GetProperty("in_range_50_200").GetDouble(), 6);

        var back = MetricsReport.ParseJson(m.ToJson(), "metrics.json");
        Assert.Equal(m.Qualitative, back.Qualitative);
        Assert.Equal(m.Quantitative.InRange75To125, back.Quantitative.InRange75To125, 6);
        Assert.Equal(m.ByType.Keys, back.ByType.Keys);
        Assert.Throws<Core.SpatialVlmException>(() => MetricsReport.ParseJson("{\"qualitative\":{}}", "x.json"));
    }

    [Fact]
    public void MedianOfEvenAndOddCounts()
    {
        Assert.Equal(2.5, SpatialMetrics.Median([4, 1, 3, 2]));
        Assert.Equal(3, SpatialMetrics.Median([5, 1, 3]));
        Assert.Equal(0, SpatialMetrics.Median([]));
    }
}
