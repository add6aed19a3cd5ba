using SpatialVlm.Evaluation;

namespace SpatialVlm.Evaluation.Tests;

public class LengthParserTests
{
    private const double Ft = 0.3048, In = 0.0254;

    public static readonly TheoryData<string, double> Lengths = new()
    {
        // plain metric
        { "1.5 m", 1.5 }, { "1.5m", 1.5 }, { "1.5 meters", 1.5 }, { "1.5 metres", 1.5 }, { "2 meter", 2 },
        { "80cm", 0.8 }, { "80 cm", 0.8 }, { "about 80cm", 0.8 }, { "80 centimeters", 0.8 }, { "80 centimetres", 0.8 },
        { "1,200 mm", 1.2 }, { "1200mm", 1.2 }, { "350 millimeters", 0.35 }, { "0.002 km", 2 }, { "1.2 kilometers", 1200 },
        { ".5 m", 0.5 }, { "0.75 m.", 0.75 }, { "1,5 m", 1.5 }, { "3 mtrs", 3 }, { "45 cms", 0.45 },
        // imperial
        { "3 ft", 3 * Ft }, { "3 feet", 3 * Ft }, { "1 foot", Ft }, { "12 inches", 12 * In }, { "12 in", 12 * In },
        { "12 in.", 12 * In }, { "12\"", 12 * In }, { "6'", 6 * Ft }, { "2 yards", 2 * 0.9144 }, { "2 yd", 2 * 0.9144 },
        { "3 ft 2 in", 3 * Ft + 2 * In }, { "3 feet 2 inches", 3 * Ft + 2 * In }, { "5'10\"", 5 * Ft + 10 * In },
        { "5' 10''", 5 * Ft + 10 * In }, { "5 feet, 10 inches", 5 * Ft + 10 * In }, { "5 feet and 10 inches", 5 * Ft + 10 * In },
        { "He is 5 foot 10.", 5 * Ft + 10 * In }, { "5\u2032 10\u2033", 5 * Ft + 10 * In }, { "about 0.1 miles", 160.9344 },
        // number words
        { "It's roughly two and a half feet", 2.5 * Ft }, { "two and a half feet", 2.5 * Ft }, { "a meter and a half", 1.5 },
        { "a foot and a half", 1.5 * Ft }, { "one and a half meters", 1.5 }, { "half a meter", 0.5 }, { "half of a meter", 0.5 },
        { "a half meter", 0.5 }, { "three quarters of a meter", 0.75 }, { "a quarter of a meter", 0.25 },
        { "two meters", 2 }, { "twenty-five centimeters", 0.25 }, { "twenty five centimeters", 0.25 },
        { "one hundred and twenty centimeters", 1.2 }, { "one hundred twenty cm", 1.2 }, { "a hundred centimeters", 1 },
        { "one point five meters", 1.5 }, { "zero point eight meters", 0.8 }, { "an inch", In }, { "a yard", 0.9144 },
        { "a couple of meters", 2 }, { "about a foot", Ft }, { "ten feet", 10 * Ft }, { "fifteen inches", 15 * In },
        { "two meters and a half", 2.5 }, { "3 and a half feet", 3.5 * Ft }, { "nineteen cm", 0.19 }, { "ninety cm", 0.9 },
        { "two thousand millimeters", 2 }, { "seven feet three inches", 7 * Ft + 3 * In }, { "one metre", 1 },
        // fractions
        { "1/2 meter", 0.5 }, { "3/4 of a meter", 0.75 }, { "2 1/2 feet", 2.5 * Ft }, { "2\u00bd feet", 2.5 * Ft },
        { "\u00be m", 0.75 }, { "1 \u00bc meters", 1.25 },
        // ranges take the midpoint
        { "2-3 meters", 2.5 }, { "2 - 3 m", 2.5 }, { "2\u20133 m", 2.5 }, { "2 to 3 meters", 2.5 }, { "between 2 and 3 meters", 2.5 },
        { "between 2 m and 3 m", 2.5 }, { "50 cm to 1 m", 0.75 }, { "1-2m", 1.5 }, { "two to three feet", 2.5 * Ft },
        { "around 30 or 40 cm", 0.35 }, { "roughly 1.5-2 meters apart", 1.75 },
        // LaTeX-like
        { "\\scalar{1.2} m", 1.2 }, { "\\scalar{1.2} \\text{m}", 1.2 }, { "$1.2\\,\\mathrm{m}$", 1.2 }, { "\\scalar{80} cm", 0.8 },
        { "\\scalar{1.2}", 1.2 }, { "\\frac{1}{2} meter", 0.5 }, { "\\approx 3 \\text{ft}", 3 * Ft },
        // hyphenated adjectives, sentences, real-VLM style answers
        { "a 2-meter gap", 2 }, { "a 30-cm wide box", 0.3 }, { "The red mug is about 1.2 meters away from the blue box.", 1.2 },
        { "The distance between the chair and the table is approximately 85 centimeters.", 0.85 },
        { "I estimate the gap to be around 0.3 m (30 cm).", 0.3 }, { "Approximately 1.5 meters, or about 5 feet", 1.5 },
        { "The height of the lamp is roughly 60cm", 0.6 }, { "It is about 3 feet wide.", 3 * Ft },
        { "**Answer:** 2.4 m", 2.4 }, { "<think>the box is 5 m? no, smaller</think> about 1 meter", 1 },
        { "The mug sits 10 inches in front of the plate.", 10 * In }, { "The chair is 3 in front of the table.", 3 },
        { "The vertical distance is 45 cm.", 0.45 }, { "0 m, they are touching", 0 }, { "It is 1.20 m tall", 1.2 },
        { "approximately 7.5 ft", 7.5 * Ft }, { "It measures 1m 20cm", 1.2 }, { "1 meter and 20 centimeters", 1.2 },
        { "They are touching.", 0 }, { "The gap is zero.", 0 }, { "There is no gap; the mug is in contact with the box.", 0 },
        { "Approximately 45 degrees away, about 2 m", 2 }, { "2.5", 2.5 }, { "The answer is 0.9", 0.9 }, { "~40 cm", 0.4 }, { "\u2248 40 cm", 0.4 }, { "It's 1.1m.", 1.1 },
    };

    [Theory, MemberData(nameof(Lengths))]
    public void ReadsLengthInMeters(string answer, double meters)
    {
        var parsed = LengthParser.ParseMeters(answer);
        Assert.NotNull(parsed);
        Assert.Equal(meters, parsed!.Value, 1e-9);
    }

    public static readonly TheoryData<string> NoLength = new()
    {
        "", "I cannot determine the distance from this image.", "The red one is closer.", "It is far away.",
        "two objects, several meters apart", "a few meters", "Sorry, I can't help with that.", "3 or 4", "The 2 mugs are 3 apart", "The box is 3 times taller than the mug.", "About 45 degrees.", "There are 2 objects.",
        "They are touching at 2 points.", "It is 20% bigger.",
        "Unknown", "N/A", "1/0 m",
    };

    [Theory, MemberData(nameof(NoLength))]
    public void ReturnsNullWithoutALength(string answer) => Assert.Null(LengthParser.ParseMeters(answer));
}
