using SpatialVlm.Core;

namespace SpatialVlm.Questions.Tests;

public class SizeKnownTests
{
    [Fact]
    public void ObjectsWithUnknownSizeGetNoSizeQuestionsButKeepPositionalOnes()
    {
        var objects = new List<SpatialObject>
        {
            new(1, "red mug", UprightBox.Create(new Point3(2, 1, 0.05), 0.09, 0.09, 0.1, 0)),
            new(2, "blue lamp", UprightBox.Create(new Point3(2.5, -1, 0.3), 0.3, 0.3, 0.6, 0), SizeKnown: false),
            new(3, "green box", UprightBox.Create(new Point3(3.5, 0, 0.2), 0.5, 0.4, 0.4, 0.2)),
        };
        var set = new QuestionEngine(new QuestionOptions { QaPerImage = 200 }).Generate(objects, canonicalized: true, new Random(1));
        string[] sizeTypes = ["tall", "short", "wide", "thin", "big", "small"];
        bool IsSize(string type) => type is "height" or "width" || sizeTypes.Any(s => type.StartsWith(s + "-", StringComparison.Ordinal));
        Assert.DoesNotContain(set.Items, q => IsSize(q.Type.Id) && (q.A == 2 || q.B == 2));
        Assert.Contains(set.Items, q => IsSize(q.Type.Id) && q.A == 1 && q.B == 3 || IsSize(q.Type.Id) && q.A == 3 && q.B == 1);
        Assert.Contains(set.Items, q => q.Type.Id == "left-predicate" && (q.A == 2 || q.B == 2));
        Assert.Contains(set.Skipped, s => s.Reason == SkipReasons.SizeUnknown && s.A == 2);
    }
}
