using SpatialVlm.Core;

namespace SpatialVlm.Questions.Tests;

/// <summary>Failure modes peers shipped: flipped left/right, inverted behind/front, width reported as height.</summary>
public class RelationSignTests
{
    static SpatialObject At(int id, double forward, double left, double up, double w = 0.2, double l = 0.2, double h = 0.2, double yaw = 0) =>
        new(id, $"object {id}", UprightBox.Create(new Point3(forward, left, up), w, l, h, yaw));

    static object Value(string type, SpatialObject a, SpatialObject b) => QuestionCatalog.ExactValue(type, a, b);

    [Fact]
    public void BehindMeansFartherFromTheViewerAlongForward()
    {
        var far = At(1, forward: 4.0, left: 0, up: 0.1);
        var near = At(2, forward: 1.5, left: 0, up: 0.1);
        Assert.Equal(true, Value("behind-predicate", far, near));
        Assert.Equal(false, Value("front-predicate", far, near));
        Assert.Equal(true, Value("front-predicate", near, far));
        Assert.Equal(1, Value("behind-choice", far, near));
        Assert.Equal(2, Value("front-choice", far, near));
        Assert.Equal("behind", Value("behind-front-classify", far, near));
        Assert.Equal("front", Value("behind-front-classify", near, far));
        Assert.Equal(2.5, (double)Value("behind-difference", far, near), 12);
    }

    [Fact]
    public void LeftIsPositiveLateral()
    {
        var leftObj = At(1, forward: 2, left: 0.8, up: 0.1);
        var rightObj = At(2, forward: 2, left: -0.4, up: 0.1);
        Assert.Equal(true, Value("left-predicate", leftObj, rightObj));
        Assert.Equal(true, Value("right-predicate", rightObj, leftObj));
        Assert.Equal(1, Value("left-choice", rightObj, leftObj));
        Assert.Equal(2, Value("right-choice", leftObj, rightObj));
        Assert.Equal("left", Value("left-right-classify", leftObj, rightObj));
        Assert.Equal("right", Value("left-right-classify", rightObj, leftObj));
    }

    [Fact]
    public void HeightIsVerticalExtentNeverAHorizontalSide()
    {
        // A long low bench (1.6 m × 0.4 m footprint, 0.45 m high) against a narrow tall lamp (0.3 × 0.3, 1.7 m).
        var bench = At(1, 2, 0, 0.225, w: 0.4, l: 1.6, h: 0.45, yaw: 0.3);
        var lamp = At(2, 2, 1, 0.85, w: 0.3, l: 0.3, h: 1.7);
        Assert.Equal(0.45, (double)Value("height", bench, lamp), 12);
        Assert.Equal(1.6, (double)Value("width", bench, lamp), 12);
        Assert.Equal("short", Value("tall-short-classify", bench, lamp));
        Assert.Equal("wide", Value("wide-thin-classify", bench, lamp));
        Assert.Equal(2, Value("tall-choice", bench, lamp));
        Assert.Equal(1, Value("wide-choice", bench, lamp));
    }

    [Fact]
    public void AboveBelowDifferencesAreAskedOfTheHigherAndLowerObject()
    {
        var onTable = At(1, 2, 0, 0.8, h: 0.1);   // bottom 0.75
        var onFloor = At(2, 2, 1, 0.3, h: 0.6);   // bottom 0
        var policy = new MarginPolicy();
        Assessment Of(string t, SpatialObject a, SpatialObject b) => QuestionCatalog.Assess(QuestionCatalog.Get(t), a, b, policy, () => 0);
        Assert.Equal(Eligibility.Askable, Of("above-difference", onTable, onFloor).Eligibility);
        Assert.Equal(Eligibility.WrongDirection, Of("above-difference", onFloor, onTable).Eligibility);
        Assert.Equal(Eligibility.Askable, Of("below-difference", onFloor, onTable).Eligibility);
        Assert.Equal(0.75, (double)Of("below-difference", onFloor, onTable).Value, 12);
    }

    [Fact]
    public void MarginScaleWidensTheMargin()
    {
        var a = At(1, 2, 0.30, 0.1);
        var b = At(2, 2, 0.20, 0.1);
        var pair = Relations.ByWord("left").Pair;
        Assert.True(RelationComparison.Of(pair, a, b, new MarginPolicy()).ClearsMargin);          // 0.10 > 0.05
        Assert.False(RelationComparison.Of(pair, a with { MarginScale = 2.5 }, b, new MarginPolicy()).ClearsMargin); // 0.10 < 0.125
        var tall = At(3, 2, 1, 0.6, h: 1.2);
        var less = At(4, 2, 2, 0.5, h: 1.0);
        Assert.True(RelationComparison.Of(Relations.ByWord("tall").Pair, tall, less, new MarginPolicy()).ClearsMargin);
        Assert.False(RelationComparison.Of(Relations.ByWord("tall").Pair, tall, less with { MarginScale = 3 }, new MarginPolicy()).ClearsMargin);
    }
}
