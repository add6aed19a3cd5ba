using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SpatialVlm.Core;

namespace SpatialVlm.Questions.Tests;

public class QuestionEngineTests
{
    static readonly QuestionEngine Engine = new(new QuestionOptions());

    static bool Same(object expected, object actual) =>
        expected is double e ? Math.Abs(e - (double)actual) < 1e-12 : expected.Equals(actual);

    [Fact]
    public void EveryItemCarriesTheExactValueAndClearsItsMargin()
    {
        for (int seed = 0; seed < 60; seed++)
        {
            var rng = new Random(seed);
            var objects = Scenes.Random(rng, 2 + seed % 7);
            var set = Engine.Generate(objects, canonicalized: true, rng);
            var byId = objects.ToDictionary(o => o.Id);
            foreach (var item in set.Items)
            {
                var type = item.Type;
                var a = byId[item.A];
                var b = item.B == QaItem.NoObject ? a : byId[item.B];
                Assert.True(Same(QuestionCatalog.ExactValue(item.Type.Id, a, b), item.Value), $"{item.Type} {item.Value}");
                Assert.False(item.Uncertain);
                var assessment = QuestionCatalog.Assess(type, a, b, new MarginPolicy(), () => BoxGap.Between(a.Box, b.Box));
                Assert.Equal(Eligibility.Askable, assessment.Eligibility);
            }
        }
    }

    [Fact]
    public void AllFortyThreeTypesAppearAcrossScenes()
    {
        var seen = new HashSet<string>();
        for (int seed = 0; seed < 40; seed++)
        {
            var rng = new Random(seed);
            seen.UnionWith(Engine.Generate(Scenes.Random(rng, 6), true, rng).Items.Select(i => i.Type.Id));
        }
        Assert.Equal(QuestionCatalog.All.Select(t => t.Id).Order(), seen.Order());
    }

    [Fact]
    public void BalancesTypesAndPairs()
    {
        var rng = new Random(5);
        var objects = Scenes.Random(rng, 5);
        var engine = new QuestionEngine(new QuestionOptions { QaPerImage = 60 });
        var set = engine.Generate(objects, true, rng);
        Assert.Equal(60, set.Items.Count);
        // Every askable question of the scene, per type: sampling is without replacement, so asking for far more
        // than exist returns them all.
        var available = new QuestionEngine(new QuestionOptions { QaPerImage = 100_000 }).Generate(objects, true, new Random(0)).Items
            .GroupBy(i => i.Type.Id).ToDictionary(g => g.Key, g => g.Count());
        var counts = QuestionCatalog.All.ToDictionary(t => t.Id, t => set.Items.Count(i => i.Type.Id == t.Id));
        // Round robin over types: a type is asked fewer times than the most-asked type less one only when it has run
        // out of questions, and no type is asked twice before every type with questions has been asked once.
        int most = counts.Values.Max();
        Assert.All(counts, c =>
        {
            int has = available.GetValueOrDefault(c.Key);
            Assert.True(c.Value <= has, $"{c.Key}: asked {c.Value} of {has}");
            Assert.True(c.Value == has || c.Value >= most - 1, $"{c.Key}: asked {c.Value} times, has {has}, the most asked type {most} times");
        });
        Assert.True(available.Count >= 30, $"only {available.Count} types askable in this scene");
        Assert.Equal(30, set.Items.Take(30).Select(i => i.Type).Distinct().Count());
        var pairs = set.Items.Where(i => i.B != QaItem.NoObject).GroupBy(i => (Math.Min(i.A, i.B), Math.Max(i.A, i.B))).Select(g => g.Count()).ToList();
        Assert.Equal(10, pairs.Count); // all C(5,2) pairs used
        Assert.True(pairs.Max() <= 3 * pairs.Min(), string.Join(",", pairs));
        var answers = set.Items.Where(i => i.Value is bool).Select(i => (bool)i.Value).ToList();
        Assert.Contains(true, answers);
        Assert.Contains(false, answers);
    }

    [Fact]
    public void TypeWeightsShapeTheMix()
    {
        var weights = QuestionCatalog.All.ToDictionary(t => t.Id, t => t.Kind == QuestionKind.Quantitative ? 1.0 : 0.0);
        var engine = new QuestionEngine(new QuestionOptions { TypeWeights = weights });
        var rng = new Random(2);
        var set = engine.Generate(Scenes.Random(rng, 6), true, rng);
        Assert.All(set.Items, i => Assert.Equal(QuestionKind.Quantitative, i.Type.Kind));
        Assert.Contains(set.Skipped, s => s.Type == "left-predicate" && s.Reason == SkipReasons.DisabledByOptions);
        Assert.Throws<SpatialVlmException>(() => new QuestionEngine(new QuestionOptions { TypeWeights = new Dictionary<string, double> { ["leftish"] = 1 } }));
    }

    [Fact]
    public void SameRandomStateSameOutput()
    {
        string Run(int seed)
        {
            var rng = new Random(seed);
            var set = Engine.Generate(Scenes.Random(rng, 5), true, rng);
            return string.Join("\n", set.Items.Select(i => $"{i} {i.Value}"));
        }
        Assert.Equal(Run(3), Run(3));
        Assert.NotEqual(Run(3), Run(4));
        Assert.Equal(QuestionOptions.SceneRandom(7, "scene-000001").Next(), QuestionOptions.SceneRandom(7, "scene-000001").Next());
        Assert.NotEqual(QuestionOptions.SceneRandom(7, "scene-000001").Next(), QuestionOptions.SceneRandom(7, "scene-000002").Next());
    }

    [Fact]
    public void WithoutCanonicalizationStarredTypesAreSkipped()
    {
        var rng = new Random(9);
        var set = Engine.Generate(Scenes.Random(rng, 6), canonicalized: false, rng);
        var starred = QuestionCatalog.All.Where(t => t.NeedsCanonicalization).Select(t => t.Id).ToHashSet();
        Assert.Equal(21, starred.Count);
        Assert.DoesNotContain(set.Items, i => starred.Contains(i.Type.Id));
        Assert.NotEmpty(set.Items);
        foreach (var id in starred) Assert.Contains(new SkippedQuestion(id, QaItem.NoObject, QaItem.NoObject, SkipReasons.NeedsCanonicalization), set.Skipped);
    }

    [Fact]
    public void RenderedTextIsCompleteAndAgreesWithTheValue()
    {
        var numberSpan = new Regex(@"(?:(?:about|around|roughly|approximately) )?\d+(?:\.\d+)? (?:millimeters?|centimeters?|meters?|mm|cm|m|inch|inches|in|foot|feet|ft)(?: \d+ (?:inch|inches|in))?\b");
        for (int seed = 0; seed < 40; seed++)
        {
            var rng = new Random(seed);
            var objects = Scenes.Random(rng, 2 + seed % 6);
            var set = Engine.Generate(objects, true, rng);
            foreach (var item in set.Items)
            {
                foreach (var text in new[] { item.Question, item.Answer })
                {
                    Assert.DoesNotContain("{", text);
                    Assert.DoesNotContain("}", text);
                    Assert.True(char.IsUpper(text[0]), text);
                }
                Assert.EndsWith("?", item.Question);
                Assert.Contains(set.Names[item.A], item.Question, StringComparison.OrdinalIgnoreCase);
                if (item.B != QaItem.NoObject) Assert.Contains(set.Names[item.B], item.Question, StringComparison.OrdinalIgnoreCase);
                switch (item.Type.Kind)
                {
                    case QuestionKind.Predicate:
                        Assert.StartsWith((bool)item.Value ? "Yes," : "No,", item.Answer);
                        break;
                    case QuestionKind.Choice:
                        var other = item.A == (int)item.Value ? item.B : item.A;
                        Assert.Contains(set.Names[(int)item.Value], item.Answer, StringComparison.OrdinalIgnoreCase);
                        Assert.DoesNotContain(set.Names[other], item.Answer, StringComparison.OrdinalIgnoreCase);
                        break;
                    case QuestionKind.Classify:
                        Assert.Contains(Relations.ByWord((string)item.Value).Phrase, item.Answer);
                        break;
                    default:
                        var m = numberSpan.Match(item.Answer);
                        Assert.True(m.Success, item.Answer);
                        var back = HumanNumberTests.ReadBack(m.Value);
                        var v = (double)item.Value;
                        Assert.True(Math.Abs(back - v) <= 0.2 * v + 1e-12, $"{item.Answer} vs {v}");
                        break;
                }
            }
        }
    }

    [Fact]
    public void TwoObjectsSharingACaptionGetPositionClauses()
    {
        var objects = new List<SpatialObject>
        {
            Scenes.Box(1, "mug", forward: 2, left: 0.5),
            Scenes.Box(2, "mug", forward: 2.2, left: -0.4),
            Scenes.Box(3, "blue box", forward: 3, left: 0),
        };
        var set = Engine.Generate(objects, true, new Random(1));
        Assert.Equal("the mug on the left", set.Names[1]);
        Assert.Equal("the mug on the right", set.Names[2]);
        Assert.Equal("the blue box", set.Names[3]);
        Assert.Contains(set.Items, i => i.Question.Contains("the mug on the left") || i.Question.StartsWith("The mug on the left"));

        // Laterally in line: told apart by depth instead.
        var inLine = new List<SpatialObject> { Scenes.Box(1, "Mug", 1.5, 0.0), Scenes.Box(2, "a mug", 3.0, 0.02), Scenes.Box(3, "lamp", 2, 1) };
        var names = Engine.Generate(inLine, true, new Random(1)).Names;
        Assert.Equal(("the nearer mug", "the farther mug"), (names[1], names[2]));
    }

    [Fact]
    public void IndistinguishableOrThreeSharedCaptionsAreDropped()
    {
        var three = new List<SpatialObject>
        {
            Scenes.Box(1, "mug", 2, 1), Scenes.Box(2, "mug", 2, 0), Scenes.Box(3, "mug", 2, -1), Scenes.Box(4, "lamp", 3, 0), Scenes.Box(5, "vase", 4, 1),
        };
        var set = Engine.Generate(three, true, new Random(1));
        Assert.All(set.Items, i => Assert.DoesNotContain(i.A, new[] { 1, 2, 3 }));
        Assert.All(set.Items, i => Assert.DoesNotContain(i.B, new[] { 1, 2, 3 }));
        Assert.Equal(3, set.Skipped.Count(s => s.Reason == SkipReasons.AmbiguousCaption));
        Assert.NotEmpty(set.Items);

        // The rule is configurable: allow three, told apart left / middle / right.
        var lenient = new QuestionEngine(new QuestionOptions { Ambiguity = new AmbiguityOptions(MaxSharingCaption: 3) });
        Assert.Equal("the mug in the middle", lenient.Generate(three, true, new Random(1)).Names[2]);

        var sameSpot = new List<SpatialObject> { Scenes.Box(1, "mug", 2, 0), Scenes.Box(2, "mug", 2.01, 0.01), Scenes.Box(3, "lamp", 3, 1) };
        var s2 = Engine.Generate(sameSpot, true, new Random(1));
        Assert.Equal(2, s2.Skipped.Count(s => s.Reason == SkipReasons.AmbiguousCaption));
        Assert.All(s2.Items, i => Assert.Equal(3, i.A));
    }

    [Fact]
    public void FewerThanTwoObjectsLeavesOnlySingleObjectQuestions()
    {
        var set = Engine.Generate([Scenes.Box(1, "lamp", 2, 0, h: 1.2)], true, new Random(1));
        Assert.Equal(new[] { "elevation", "height", "width" }, set.Items.Select(i => i.Type.Id).Order());
        Assert.All(set.Items, i => Assert.Equal(QaItem.NoObject, i.B));
        Assert.Contains(set.Skipped, s => s.Type == "distance" && s.Reason == SkipReasons.FewerThanTwoObjects);
        var empty = Engine.Generate([], true, new Random(1));
        Assert.Empty(empty.Items);
        Assert.Contains(empty.Skipped, s => s.Type == "height" && s.Reason == SkipReasons.NoObjects);
    }

    [Fact]
    public void WithinMarginPairsAreSkippedOrAnsweredAsUncertain()
    {
        // Same lateral position within 3 cm, clearly different depth; identical sizes.
        var objects = new List<SpatialObject> { Scenes.Box(1, "mug", 2, 0.0), Scenes.Box(2, "lamp", 3, 0.03) };
        var set = new QuestionEngine(new QuestionOptions { QaPerImage = 200 }).Generate(objects, true, new Random(1));
        Assert.DoesNotContain(set.Items, i => i.Type.Id.StartsWith("left") || i.Type.Id.StartsWith("right") || i.Type.Id.StartsWith("tall"));
        Assert.Contains(new SkippedQuestion("left-predicate", 1, 2, SkipReasons.WithinMargin), set.Skipped);
        Assert.Contains(new SkippedQuestion("left-difference", 2, 1, SkipReasons.WithinMargin), set.Skipped);

        var withUncertain = new QuestionEngine(new QuestionOptions { QaPerImage = 40, UncertaintyAnswers = true, MaxUncertainShare = 0.25 })
            .Generate(objects, true, new Random(1));
        var uncertain = withUncertain.Items.Where(i => i.Uncertain).ToList();
        Assert.InRange(uncertain.Count, 1, 10);
        Assert.All(uncertain, i => Assert.NotEqual(QuestionKind.Quantitative, i.Type.Kind));
        Assert.All(uncertain, i => Assert.Matches("(about|too close|hard to say|Neither)", i.Answer));
    }

    [Fact]
    public void GapOverrideReplacesTheBoxGap()
    {
        var objects = new List<SpatialObject> { Scenes.Box(1, "mug", 2, 0.5), Scenes.Box(2, "lamp", 3, -0.5) };
        var weights = QuestionCatalog.All.ToDictionary(t => t.Id, t => t.Id == "gap" ? 1.0 : 0.0);
        var engine = new QuestionEngine(new QuestionOptions { TypeWeights = weights });
        var item = Assert.Single(engine.Generate(objects, true, new Random(1), (a, b) => 0.123).Items);
        Assert.Equal(0.123, (double)item.Value);
        var exact = Assert.Single(engine.Generate(objects, true, new Random(1), (a, b) => null).Items);
        Assert.Equal(BoxGap.Between(objects[0].Box, objects[1].Box), (double)exact.Value, 12);
        var touching = Assert.Single(engine.Generate(objects, true, new Random(1), (a, b) => 0).Items);
        Assert.Matches(@"\b0 (centimeters|cm|inches|in)\b", touching.Answer);
        Assert.Throws<SpatialVlmException>(() => engine.Generate(objects, true, new Random(1), (a, b) => double.NaN));
    }

    [Fact]
    public void BadObjectsGiveClearErrors()
    {
        var ok = Scenes.Box(1, "mug", 2, 0);
        Assert.Throws<SpatialVlmException>(() => Engine.Generate([ok, ok with { Caption = "lamp" }], true, new Random(1)));
        Assert.Throws<SpatialVlmException>(() => Engine.Generate([ok with { Caption = " " }], true, new Random(1)));
        Assert.Throws<SpatialVlmException>(() => Engine.Generate([ok with { MarginScale = 0.5 }], true, new Random(1)));
        Assert.Throws<SpatialVlmException>(() => Engine.Generate([ok with { Box = ok.Box with { Height = double.NaN } }], true, new Random(1)));
    }

}
