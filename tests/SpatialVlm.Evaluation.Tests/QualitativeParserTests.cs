using SpatialVlm.Evaluation;

namespace SpatialVlm.Evaluation.Tests;

public class QualitativeParserTests
{
    private const string Mug = "red mug", Box = "blue box";

    /// <summary>(answer, relation asked, expected yes/no); relation "" = bare yes/no read.</summary>
    public static readonly TheoryData<string, string, bool> YesNo = new()
    {
        { "Yes", "", true }, { "yes.", "", true }, { "Yes, the mug is further from the camera", "behind", true },
        { "YES!", "", true }, { "Yeah, it is.", "", true }, { "Yep", "", true }, { "Indeed", "", true },
        { "Indeed, the red mug is to the left.", "left", true }, { "Correct.", "", true }, { "That's right.", "", true },
        { "That is correct, the box is taller.", "tall", true }, { "Absolutely.", "", true }, { "Of course!", "", true },
        { "Certainly, it is above the table.", "above", true }, { "True", "", true }, { "I think so.", "", true },
        { "Definitely yes", "", true }, { "**Yes**, the red mug is behind the blue box.", "behind", true },
        { "\"Yes\"", "", true }, { "Answer: yes", "", true }, { "The answer is yes.", "", true },
        { "It is.", "", true }, { "Sure, the red mug is wider.", "wide", true },
        { "No", "", false }, { "No.", "", false }, { "no, it is not", "", false }, { "Nope", "", false },
        { "Nah, the other way around.", "", false }, { "Not at all.", "", false }, { "False", "", false },
        { "Incorrect, it's on the right.", "left", false }, { "Absolutely not.", "", false }, { "Definitely not", "", false },
        { "Certainly not, it is closer.", "behind", false }, { "I don't think so.", "", false }, { "It is not.", "", false },
        { "It isn't.", "", false }, { "Negative.", "", false }, { "The answer is no.", "", false },
        { "No, the red mug is in front of the blue box.", "behind", false }, { "Probably not.", "", false },
        // statements without a yes/no word, read against the relation
        { "The red mug is to the left of the blue box.", "left", true }, { "The red mug is to the right of the blue box.", "left", false },
        { "The red mug is not to the left of the blue box.", "left", false }, { "The red mug isn't taller than the blue box.", "tall", false },
        { "The red mug is shorter than the blue box.", "tall", false }, { "The red mug is taller.", "tall", true },
        { "The red mug is closer to the camera.", "behind", false }, { "The red mug is further away than the blue box.", "behind", true },
        { "The red mug is farther from the camera.", "front", false }, { "The red mug is in front of the blue box.", "front", true },
        { "The red mug sits below the blue box.", "above", false }, { "The red mug is higher up than the blue box.", "above", true },
        { "The red mug is lower than the blue box.", "below", true }, { "The red mug appears narrower.", "wide", false },
        { "The red mug looks thinner than the blue box.", "thin", true }, { "The red mug is larger than the blue box.", "big", true },
        { "The red mug is smaller.", "big", false }, { "The red mug is tiny compared to the blue box.", "small", true },
        { "The blue box is to the right of the red mug.", "left", true }, { "The blue box is taller than the red mug.", "tall", false },
        { "The blue box is in front of the red mug.", "behind", true }, { "The blue box is not bigger than the red mug.", "big", true },
        { "The red mug is not as tall as the blue box.", "short", true }, { "Right.", "left", false },
        { "Based on the image, yes, the red mug is to the left.", "left", true }, { "Looking at the picture, no.", "", false },
        { "From the camera's viewpoint, yes.", "", true }, { "No doubt about it.", "", true },
        { "No doubt, the red mug is closer to the camera.", "behind", false }, { "No doubt the red mug is taller.", "tall", true }, { "In this image, no, it is closer.", "behind", false },
    };

    [Theory, MemberData(nameof(YesNo))]
    public void ReadsYesNo(string answer, string relation, bool expected) =>
        Assert.Equal(expected, YesNoParser.Parse(answer, relation == "" ? null : relation, Mug, Box));

    public static readonly TheoryData<string, string> YesNoUnreadable = new()
    {
        { "", "" }, { "I cannot determine that from the image.", "left" }, { "It's hard to say.", "left" },
        { "The image is blurry.", "" }, { "The mug is red.", "left" }, { "I don't know.", "behind" }, { "Maybe", "" },
        { "There is not enough information.", "tall" }, { "Not sure.", "" }, { "No idea.", "left" }, { "Not certain, it could go either way.", "" }, { "They are about equally tall.", "tall" },
        { "It is too close to call; the red mug and the blue box are nearly equally wide.", "wide" },
        { "Neither clearly, they are nearly in line from left to right.", "left" }, { "They are at about the same left-right position.", "right" },
    };

    [Theory, MemberData(nameof(YesNoUnreadable))]
    public void UnreadableYesNoIsNull(string answer, string relation) =>
        Assert.Null(YesNoParser.Parse(answer, relation == "" ? null : relation, Mug, Box));

    /// <summary>(answer, caption A, caption B, expected caption or "" for none).</summary>
    public static readonly TheoryData<string, string, string, string> Choices = new()
    {
        { "The red mug.", Mug, Box, Mug }, { "the blue box", Mug, Box, Box }, { "Red mug", Mug, Box, Mug },
        { "Blue box.", "the red mug", "the blue box", "the blue box" }, { "The red mug is further to the left.", Mug, Box, Mug },
        { "The blue box is taller than the red mug.", Mug, Box, Box }, { "The red mug is taller than the blue box.", Mug, Box, Mug },
        { "Between the red mug and the blue box, the blue box is higher.", Mug, Box, Box },
        { "Of the red mug and the blue box, the red mug is closer.", Mug, Box, Mug },
        { "Compared to the red mug, the blue box is wider.", Mug, Box, Box },
        { "It's the blue box, not the red mug.", Mug, Box, Box }, { "Not the red mug but the blue box.", Mug, Box, Box },
        { "The red mug is not taller than the blue box.", Mug, Box, Box }, { "The red mug isn't bigger.", Mug, Box, Box },
        { "The red one.", Mug, "blue mug", Mug }, { "The blue one is bigger.", Mug, "blue mug", "blue mug" },
        { "The mug.", Mug, Box, Mug }, { "The box is on the left.", Mug, Box, Box },
        { "The red mug or the blue box? The blue box is further.", Mug, Box, Box },
        { "Red mugs tend to be small; here the red mug is smaller.", Mug, Box, Mug },
        { "**The blue box** is closer to the camera.", Mug, Box, Box }, { "I'd say the chair.", "chair", "table", "chair" },
        { "The table is lower than the chair.", "chair", "table", "table" }, { "The wooden chair.", "wooden chair", "metal chair", "wooden chair" },
        { "the metal one", "wooden chair", "metal chair", "metal chair" }, { "The lamp.", "lamp", "desk lamp", "lamp" },
        { "The desk lamp is taller.", "lamp", "desk lamp", "desk lamp" }, { "The potted plant appears larger", "potted plant", "sofa", "potted plant" },
        { "Relative to the sofa, the potted plant is in front.", "potted plant", "sofa", "potted plant" },
        { "The sofa is bigger than the potted plant.", "potted plant", "sofa", "sofa" },
    };

    [Theory, MemberData(nameof(Choices))]
    public void ReadsChoice(string answer, string a, string b, string expected) =>
        Assert.Equal(expected == "" ? null : expected, ChoiceParser.Parse(answer, a, b));

    /// <summary>(answer, choice relation, expected caption): the clause's relation word says which way the named object points.</summary>
    public static readonly TheoryData<string, string, string> ChoicesWithRelation = new()
    {
        { "The blue box is to the right of the red mug.", "left", Mug }, { "The blue box is to the left of the red mug.", "left", Box },
        { "The red mug is shorter than the blue box.", "tall", Box }, { "The red mug is taller than the blue box.", "tall", Mug },
        { "The blue box is not further left than the red mug.", "left", Mug }, { "The blue box, since the red mug is shorter.", "tall", Box },
        { "The red mug is closer to the camera.", "behind", Box }, { "The red mug is closer to the camera.", "front", Mug },
        { "Between the red mug and the blue box, the blue box is higher.", "above", Box }, { "The blue box sits lower.", "above", Mug },
        { "The red mug is not taller than the blue box.", "tall", Box }, { "The red mug isn't bigger.", "big", Box },
        { "The red mug.", "small", Mug }, { "The blue box is narrower than the red mug.", "wide", Mug },
    };

    [Theory]
    [InlineData("The mug on the left is further to the right than the mug on the right.", "left", false)]
    [InlineData("The mug on the right is to the right of the mug on the left.", "left", true)]
    [InlineData("Yes, the mug on the left is more to the left.", "left", true)]
    public void RelationWordsInsideCaptionsAreNotStatements(string answer, string relation, bool expected) =>
        Assert.Equal(expected, YesNoParser.Parse(answer, relation, "mug on the left", "mug on the right"));

    [Theory]
    [InlineData("The mug on the right is taller.", "tall", "mug on the right")]
    [InlineData("The mug on the left is shorter than the mug on the right.", "tall", "mug on the right")]
    [InlineData("The one on the left.", "tall", "mug on the left")]
    public void ChoiceBetweenCaptionsThatDifferByAPlace(string answer, string relation, string expected) =>
        Assert.Equal(expected, ChoiceParser.Parse(answer, "mug on the left", "mug on the right", relation));

    [Fact]
    public void ClassifyIgnoresPlaceWordsInCaptions() =>
        Assert.Equal("right", RelationParser.Parse("The mug on the left is actually to the right of the mug on the right.", "left", "right",
            "mug on the left", "mug on the right"));

    [Theory, MemberData(nameof(ChoicesWithRelation))]
    public void ChoiceFollowsTheRelationOfTheClause(string answer, string relation, string expected) =>
        Assert.Equal(expected, ChoiceParser.Parse(answer, Mug, Box, relation));

    public static readonly TheoryData<string> ChoiceUnreadable = new()
    {
        "", "Neither.", "Both are the same height.", "I cannot determine which one.", "The green bottle.",
        "The red mug or the blue box.", "They are at the same distance.", "It is unclear from the image.",
    };

    [Theory, MemberData(nameof(ChoiceUnreadable))]
    public void UnreadableChoiceIsNull(string answer) => Assert.Null(ChoiceParser.Parse(answer, Mug, Box));

    /// <summary>(answer, classify type's two relations, expected relation).</summary>
    public static readonly TheoryData<string, string, string, string> Relations = new()
    {
        { "Left", "left", "right", "left" }, { "right.", "left", "right", "right" }, { "The red mug is to the left of the blue box.", "left", "right", "left" },
        { "It is on the right side.", "left", "right", "right" }, { "The red mug is not to the left; it is to the right.", "left", "right", "right" },
        { "The blue box is to the right of the red mug.", "left", "right", "left" }, { "Leftmost.", "left", "right", "left" },
        { "Above", "above", "below", "above" }, { "The red mug is below the blue box.", "above", "below", "below" },
        { "It is higher than the blue box.", "above", "below", "above" }, { "The red mug sits underneath the blue box.", "above", "below", "below" },
        { "The red mug is on top of the blue box.", "above", "below", "above" }, { "lower", "above", "below", "below" },
        { "Behind", "behind", "front", "behind" }, { "The red mug is in front of the blue box.", "behind", "front", "front" },
        { "In front.", "behind", "front", "front" }, { "It is further forward.", "behind", "front", "front" },
        { "The red mug is further back.", "behind", "front", "behind" }, { "It is further away from the camera.", "behind", "front", "behind" },
        { "The red mug is closer to the viewer.", "behind", "front", "front" }, { "The blue box is behind the red mug.", "behind", "front", "front" },
        { "Taller", "tall", "short", "tall" }, { "The red mug is shorter.", "tall", "short", "short" }, { "It is tall.", "tall", "short", "tall" },
        { "The red mug is not as tall as the blue box.", "tall", "short", "short" }, { "The red mug is less tall.", "tall", "short", "short" },
        { "Wider", "wide", "thin", "wide" }, { "The red mug is narrower.", "wide", "thin", "thin" }, { "thin", "wide", "thin", "thin" },
        { "The red mug is broader than the blue box.", "wide", "thin", "wide" }, { "The red mug is slimmer.", "wide", "thin", "thin" },
        { "Bigger", "big", "small", "big" }, { "The red mug is smaller than the blue box.", "big", "small", "small" },
        { "It's larger.", "big", "small", "big" }, { "The red mug is tiny.", "big", "small", "small" }, { "The blue box is larger.", "big", "small", "small" },
        { "The red mug isn't bigger; it is smaller.", "big", "small", "small" },
    };

    [Theory, MemberData(nameof(Relations))]
    public void ReadsRelationWord(string answer, string first, string second, string expected) =>
        Assert.Equal(expected, RelationParser.Parse(answer, first, second, Mug, Box));

    [Theory]
    [InlineData("I can't tell.", "left", "right")]
    [InlineData("The red mug is taller.", "left", "right")]
    [InlineData("", "big", "small")]
    [InlineData("They are level.", "above", "below")]
    [InlineData("Hard to say, since both are roughly as tall as each other.", "tall", "short")]
    [InlineData("They are about equally big.", "big", "small")]
    [InlineData("They are roughly lined up left to right.", "left", "right")]
    public void UnreadableRelationIsNull(string answer, string first, string second) =>
        Assert.Null(RelationParser.Parse(answer, first, second, Mug, Box));

    [Fact]
    public void AnswerParserDispatchesByKind()
    {
        BenchmarkItem Item(string type, string? a = Mug, string? b = Box) => new()
        {
            Id = "q", Image = "i.png", ImagePath = "i.png", Type = QuestionCatalog.Get(type), Question = "?", A = a, B = b,
        };
        Assert.Equal(true, AnswerParser.Parse(Item("left-predicate"), "The blue box is to the right of the red mug.").Yes);
        Assert.Equal(Box, AnswerParser.Parse(Item("tall-choice"), "The blue box.").Text);
        Assert.Equal("front", AnswerParser.Parse(Item("behind-front-classify"), "in front").Text);
        Assert.Equal(0.8, AnswerParser.Parse(Item("distance"), "about 80cm").Meters!.Value, 1e-12);
        Assert.False(AnswerParser.Parse(Item("distance"), "far").IsParsed);
        Assert.False(AnswerParser.Parse(Item("tall-choice", null, null), "The blue box.").IsParsed);
        Assert.False(AnswerParser.Parse(Item("left-predicate"), null).IsParsed);
    }
}

/// <summary>Answers in the style real VLMs give (verbose, hedged, markdown), read by item through <see cref="AnswerParser"/>.</summary>
public class RealVlmAnswerTests
{
    private static BenchmarkItem Item(string type) => SpatialMetricsTests.Item(type, type.EndsWith("-predicate") ? true : (object)"x");

    public static readonly TheoryData<string, string, string> Answers = new()
    {
        { "left-predicate", "Yes, the red mug is positioned to the left of the blue box in the image.", "yes" },
        { "left-predicate", "Based on the image, the red mug appears to be on the left side of the blue box.", "yes" },
        { "left-predicate", "No. From the camera's perspective the red mug is on the right.", "no" },
        { "behind-predicate", "The red mug appears to be closer to the camera than the blue box, so no.", "no" },
        { "tall-predicate", "**No**, the blue box is taller than the red mug.", "no" },
        { "above-predicate", "I'm sorry, but I can't determine the relative heights from this image.", "(unparsed)" },
        { "big-predicate", "Yes — the red mug is noticeably larger.", "yes" },
        { "tall-choice", "The taller object is the blue box.", "blue box" },
        { "front-choice", "The red mug is closer to the camera than the blue box.", "red mug" },
        { "wide-choice", "Comparing the two, the **blue box** is wider.", "blue box" },
        { "left-choice", "Looking at the image, the red mug is further to the left.", "red mug" },
        { "small-choice", "The red mug is smaller than the blue box.", "red mug" },
        { "left-right-classify", "The red mug is located to the left of the blue box.", "left" },
        { "behind-front-classify", "From the viewer's perspective, the red mug is in front of the blue box.", "front" },
        { "tall-short-classify", "The red mug is shorter than the blue box.", "short" },
        { "distance", "The red mug is approximately 2 feet away from the blue box.", "0.61 m" },
        { "distance", "It's roughly two and a half feet", "0.762 m" },
        { "distance", "I estimate the distance to be around 1.5 to 2 meters.", "1.75 m" },
        { "height", "The blue box is about 30 cm tall.", "0.3 m" },
        { "gap", "There is a gap of approximately 10-15 cm between them.", "0.125 m" },
        { "width", "The width of the red mug is approximately \\scalar{0.09} m.", "0.09 m" },
        { "elevation", "The red mug sits about 75 centimeters above the floor, on the table.", "0.75 m" },
        { "distance", "I cannot accurately determine distances from a single 2D image.", "(unparsed)" },
        { "horizontal-distance", "Horizontally, they are about 1 meter apart.", "1 m" },
        { "vertical-distance", "The vertical distance is roughly half a meter.", "0.5 m" },
        { "left-difference", "The red mug is about 40 cm further to the left.", "0.4 m" },
    };

    [Theory, MemberData(nameof(Answers))]
    public void ReadsRealStyleAnswers(string type, string answer, string expected) =>
        Assert.Equal(expected, AnswerParser.Parse(Item(type), answer).ToString());
}
