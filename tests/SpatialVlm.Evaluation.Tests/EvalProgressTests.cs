using SpatialVlm.Evaluation;

namespace SpatialVlm.Evaluation.Tests;

public class EvalProgressTests
{
    [Fact]
    public async Task PlainLinesEveryTenthAndAtTheEndCountingOnlyRealFailures()
    {
        var log = new StringWriter();
        var item = SpatialMetricsTests.Item("distance", 1.0);
        var ok = new Prediction(item, "1 m", new ParsedAnswer(AnswerKind.Quantitative, Meters: 1), 1, null, Counted: true, Cached: false);
        var failed = ok with { Raw = null, Error = "HTTP 503; gave up after 3 attempts" };
        var notAsked = ok with { Raw = null, Error = "image not found: x.png", Counted = false };
        var result = await EvalProgress.RunAsync(25, log, interactive: false, async report =>
        {
            for (int i = 0; i < 25; i++)
            {
                report(i == 3 ? failed : i == 4 ? notAsked : ok);
                await Task.Yield();
            }
            return 42;
        });
        Assert.Equal(42, result);
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["answered 2/25", "answered 4/25 (1 failed)", "answered 6/25 (1 failed)"], lines.Take(3));
        Assert.Equal("answered 25/25 (1 failed)", lines[^1]);
        Assert.Equal(13, lines.Length); // every 2nd of 25, plus the last
    }
}
