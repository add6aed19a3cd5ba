using System.Text.Json.Nodes;
using SpatialVlm.Evaluation;
using SpatialVlm.Questions;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>
/// Every answer the engine wrote for 200 procedural scenes is recomputed from scene.json's exact boxes
/// (the engine itself only saw depth and instance masks).
/// </summary>
public sealed class GroundTruthAgreementTests(ProceduralRunFixture run) : IClassFixture<ProceduralRunFixture>
{
    private sealed record Check(string Type, object Engine, object Truth);

    private IEnumerable<Check> Checks()
    {
        foreach (var record in run.Records)
        {
            var truth = run.Truth[(string)record["id"]!];
            var objects = truth.Objects.ToDictionary(o => o.Id, o => new SpatialObject(o.Id, o.Caption, o.Box));
            foreach (var qa in record["qa"]!.AsArray())
            {
                var type = (string)qa!["type"]!;
                var a = objects[(int)qa["a"]!];
                var b = qa["b"] is JsonValue bv ? objects[(int)bv] : a;
                var exact = QuestionCatalog.ExactValue(type, a, b);
                yield return new Check(type, ValueOf(qa["value"]!, exact), exact);
            }
        }
    }

    private static object ValueOf(JsonNode node, object like) => like switch
    {
        bool => (bool)node,
        int => (int)node,
        string => (string)node!,
        _ => (double)node,
    };

    [Fact]
    public void RunProducedEveryImageAndAllTypes()
    {
        Assert.Equal(ProceduralRunFixture.SceneCount, run.Records.Count);
        Assert.Equal(0, run.Summary.Failed);
        var types = run.Records.SelectMany(r => r["qa"]!.AsArray()).Select(q => (string)q!["type"]!).ToHashSet();
        var missing = QuestionCatalog.All.Select(t => t.Id).Where(t => !types.Contains(t)).ToList();
        Assert.True(missing.Count == 0, "types never asked: " + string.Join(", ", missing));
        Assert.Equal(43, types.Count);
    }

    [Fact]
    public void QualitativeAnswersAgreeWithExactBoxes()
    {
        var qualitative = Checks().Where(c => c.Truth is not double).ToList();
        Assert.True(qualitative.Count > 2000, $"only {qualitative.Count} qualitative answers");
        var agree = qualitative.Count(c => Equals(c.Engine, c.Truth)) / (double)qualitative.Count;
        Assert.True(agree >= 0.98, $"qualitative agreement {agree:P2}");
        // Per type, so one inverted predicate (behind/front, left/right...) cannot hide in the average.
        foreach (var g in qualitative.GroupBy(c => c.Type))
        {
            var share = g.Count(c => Equals(c.Engine, c.Truth)) / (double)g.Count();
            Assert.True(share >= 0.9, $"{g.Key}: agreement {share:P1} over {g.Count()}");
        }
    }

    [Fact]
    public void QuantitativeValuesAreCloseToExactBoxes()
    {
        var errors = Checks().Where(c => c.Truth is double t && t > 0.05)
            .Select(c => Math.Abs((double)c.Engine - (double)c.Truth) / (double)c.Truth).Order().ToList();
        Assert.True(errors.Count > 1000, $"only {errors.Count} quantitative answers");
        var median = errors[errors.Count / 2];
        var p90 = errors[(int)(errors.Count * 0.9)];
        Assert.True(median <= 0.10, $"median relative error {median:P1}");
        Assert.True(p90 <= 0.35, $"90th percentile relative error {p90:P1}");
    }

    [Fact]
    public void RenderedNumbersParseBackToTheirValues()
    {
        var items = run.Records.SelectMany(r => r["qa"]!.AsArray())
            .Where(q => q!["value"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number && !((string)q["type"]!).EndsWith("-choice"))
            .Select(q => (Answer: (string)q!["answer"]!, Value: (double)q["value"]!))
            .Where(x => x.Value > 0.01).ToList();
        Assert.NotEmpty(items);
        int within10 = 0;
        foreach (var (answer, value) in items)
        {
            var parsed = LengthParser.ParseMeters(answer);
            Assert.True(parsed is not null, $"unparsed: '{answer}'");
            var rel = Math.Abs(parsed!.Value - value) / value;
            Assert.True(rel <= 0.2, $"'{answer}' is {rel:P0} from {value:0.###} m");
            if (rel <= 0.1) within10++;
        }
        Assert.True(within10 >= 0.95 * items.Count, $"only {within10} of {items.Count} within 10 %");
    }

    [Fact]
    public void EstimatedGravityAgreesWithTheScenes()
    {
        var angles = run.Records.Select(r => r["frame"]!["gravity_disagreement_deg"]).OfType<JsonValue>().Select(v => (double)v).Order().ToList();
        Assert.True(angles.Count >= ProceduralRunFixture.SceneCount * 0.95, $"gravity estimated on only {angles.Count} scenes");
        Assert.True(angles[angles.Count / 2] < 1.0, $"median disagreement {angles[angles.Count / 2]:0.00}°");
        Assert.True(angles[(int)(angles.Count * 0.95)] < 3.0, $"95th percentile disagreement {angles[(int)(angles.Count * 0.95)]:0.00}°");
    }

    [Fact]
    public void CardCountsEveryTypeAndTheMessagesMatchTheQa()
    {
        var card = File.ReadAllText(Path.Combine(run.OutDir, "README.md"));
        Assert.Contains("| question types present | 43 of 43 |", card);
        Assert.Contains("## Margin policy", card);
        foreach (var r in run.Records.Take(20))
        {
            var qa = r["qa"]!.AsArray();
            var messages = r["messages"]!.AsArray();
            Assert.Equal(qa.Count * 2, messages.Count);
            Assert.Equal("image", (string)messages[0]!["content"]![0]!["type"]!);
            Assert.Equal((string)qa[0]!["answer"]!, (string)messages[1]!["content"]![0]!["text"]!);
        }
    }
}
