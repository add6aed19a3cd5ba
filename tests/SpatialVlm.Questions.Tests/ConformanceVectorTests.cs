using System.Text.Json.Nodes;
using SpatialVlm.Core;

namespace SpatialVlm.Questions.Tests;

/// <summary>The 32 box pairs of shared/spec/vectors/ground_truth.jsonl, every type and every relation margin.</summary>
public class ConformanceVectorTests
{
    internal static string SpecFile(params string[] parts) => SpatialVlm.Tests.SharedFolder.Spec(parts);

    internal static SpatialObject ObjectOf(JsonNode o, string caption)
    {
        var c = o["center"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var s = o["size"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var box = UprightBox.Create(Point3.FromArray(c), s[0], s[1], s[2], o["yaw"]!.GetValue<double>());
        return new SpatialObject(o["id"]!.GetValue<int>(), caption, box);
    }

    static readonly JsonNode[] Cases = File.ReadAllLines(SpecFile("vectors", "ground_truth.jsonl"))
        .Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l)!).ToArray();

    public static TheoryData<int> CaseIndices() => new(Enumerable.Range(0, 32));

    [Fact]
    public void FileHasAllCasesAndEveryTypeOnce()
    {
        Assert.Equal(32, Cases.Length);
        foreach (var c in Cases)
        {
            var keys = c["expected"]!.AsObject().Select(kv => kv.Key).Order().ToArray();
            Assert.Equal(QuestionCatalog.All.Select(t => t.Id).Order().ToArray(), keys);
        }
        Assert.Equal(43, QuestionCatalog.All.Count);
    }

    [Theory, MemberData(nameof(CaseIndices))]
    public void EveryTypeMatchesExpectedAnswer(int index)
    {
        var c = Cases[index];
        var (a, b) = (ObjectOf(c["a"]!, "first box"), ObjectOf(c["b"]!, "second box"));
        foreach (var (id, expected) in c["expected"]!.AsObject())
        {
            var actual = QuestionCatalog.ExactValue(id, a, b);
            var type = QuestionCatalog.Get(id);
            switch (type.Kind)
            {
                case QuestionKind.Predicate: Assert.True(expected!.GetValue<bool>() == (bool)actual, $"case {index} {id}"); break;
                case QuestionKind.Choice: Assert.True(expected!.GetValue<int>() == (int)actual, $"case {index} {id}"); break;
                case QuestionKind.Classify: Assert.True(expected!.GetValue<string>() == (string)actual, $"case {index} {id}: {actual}"); break;
                default:
                    var want = expected!.GetValue<double>();
                    Assert.True(Math.Abs(want - (double)actual) <= 6e-5, $"case {index} {id}: expected {want}, got {actual}");
                    break;
            }
        }
    }

    [Theory, MemberData(nameof(CaseIndices))]
    public void RelationDifferencesAndMarginsMatch(int index)
    {
        var c = Cases[index];
        var (a, b) = (ObjectOf(c["a"]!, "first box"), ObjectOf(c["b"]!, "second box"));
        foreach (var (word, rel) in c["relations"]!.AsObject())
        {
            var cmp = RelationComparison.Of(Relations.ByWord(word).Pair, a, b, new MarginPolicy());
            Assert.True(Math.Abs(rel!["difference"]!.GetValue<double>() - cmp.Difference) <= 6e-5, $"case {index} {word} difference {cmp.Difference}");
            Assert.True(Math.Abs(rel["min_margin"]!.GetValue<double>() - cmp.Margin) <= 6e-5, $"case {index} {word} margin {cmp.Margin}");
            Assert.True(rel["clears_margin"]!.GetValue<bool>() == cmp.ClearsMargin, $"case {index} {word} clears");
        }
    }
}
