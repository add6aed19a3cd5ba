using SpatialVlm.Core;

namespace SpatialVlm.Questions.Tests;

public class TemplateTests
{
    [Fact]
    public void ShippedTemplatesFollowEveryRule()
    {
        var problems = TemplateRules.Problems(TemplateTable.Default);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryTypeHasTenQuestionsAndFiveAnswersOfItsOwn()
    {
        var t = TemplateTable.Default;
        foreach (var type in QuestionCatalog.All)
        {
            Assert.True(t.Get(type.Id, "Q").Count >= 10, type.Id);
            if (type.Kind == QuestionKind.Predicate)
            {
                Assert.True(t.Get(type.Id, "YES").Count >= 5, type.Id);
                Assert.True(t.Get(type.Id, "NO").Count >= 5, type.Id);
            }
            else Assert.True(t.Get(type.Id, "A").Count >= 5, type.Id);
        }
        // Questions are each type's own wording: no two types share a question.
        var questions = QuestionCatalog.All.SelectMany(type => t.Get(type.Id, "Q")).ToList();
        Assert.Equal(questions.Count, questions.Distinct().Count());
    }

    static TemplateTable One(string section, params string[] lines) =>
        TemplateTable.Parse([("test.txt", $"[{section}]\n" + string.Join("\n", lines))]);

    [Fact]
    public void MergedTemplatesAreCaught()
    {
        // What a missing comma between two C# literals, or two templates on one line, produces.
        var merged = One("left-predicate", "Q: Is {A} to the left of {B}?Is {A} left of {B}?");
        Assert.Contains(TemplateRules.Problems(merged), p => p.Contains("[left-predicate] Q") && p.Contains("two sentence marks"));
        var mergedAnswers = One("distance", "A: They are {V} apart.{A} is {V} from {B}.");
        Assert.Contains(TemplateRules.Problems(mergedAnswers), p => p.Contains("two sentence marks"));
        Assert.Contains(TemplateRules.Problems(mergedAnswers), p => p.Contains("needs {V} exactly once"));
    }

    [Fact]
    public void MissingDuplicateAndMisplacedTemplatesAreCaught()
    {
        var problems = TemplateRules.Problems(One("left-choice",
            "Q: Which is more to the left, {A} or {B}?", "Q: Which is more to the left, {A} or {B}?",
            "A: {X} is further left than {Y}.", "A: {A} is roughly {V}.", "YES: Yes, it is."));
        Assert.Contains(problems, p => p.Contains("[left-choice] Q: 2 templates"));
        Assert.Contains(problems, p => p.Contains("duplicate"));
        Assert.Contains(problems, p => p.Contains("uses {Y}"));
        Assert.Contains(problems, p => p.Contains("uses {V}"));
        Assert.Contains(problems, p => p.Contains("slot not used"));
        Assert.Contains(problems, p => p.Contains("[right-choice] Q: 0 templates"));
        Assert.Contains(TemplateRules.Problems(One("height", "A: It is about {V} tall.")), p => p.Contains("hedges the number"));
        Assert.Contains(TemplateRules.Problems(One("left-predicate", "YES: It is.")), p => p.Contains("must start with 'Yes,'"));
    }

    [Fact]
    public void ParserRejectsMalformedFiles()
    {
        Assert.Throws<SpatialVlmException>(() => TemplateTable.Parse([("x.txt", "Q: before any section?")]));
        Assert.Throws<SpatialVlmException>(() => TemplateTable.Parse([("x.txt", "[a]\nQUESTION: what?")]));
        Assert.Throws<SpatialVlmException>(() => TemplateTable.Parse([("x.txt", "[a]\nQ: x?\n[a]\nQ: y?")]));
        var e = Assert.Throws<SpatialVlmException>(() => TemplateTable.Parse([("x.txt", "[a]\n\nQ:   ")]));
        Assert.Contains("x.txt:3", e.Message);
    }

    [Fact]
    public void FillReplacesEveryPlaceholderAndCapitalizes()
    {
        var values = new Dictionary<string, string> { ["A"] = "the red mug", ["B"] = "the box" };
        Assert.Equal("The red mug is left of the box.", TemplateTable.Fill("{A} is left of {B}.", values));
        Assert.Throws<SpatialVlmException>(() => TemplateTable.Fill("{A} is {V} away.", values));
        Assert.Throws<SpatialVlmException>(() => TemplateTable.Fill("{A is away.", values));
    }
}
