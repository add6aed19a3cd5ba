using SpatialVlm.Core;
using SpatialVlm.Questions;

namespace SpatialVlm.Contracts.Tests;

public class ConfigFieldsTests
{
    [Fact]
    public void EqualConfigurationsHashAlikeAndADifferenceIsNamed()
    {
        var a = ConfigFields.Flatten(new QuestionOptions());
        var b = ConfigFields.Flatten(new QuestionOptions());
        Assert.Equal(ConfigFields.Hash(a), ConfigFields.Hash(b));
        var c = ConfigFields.Flatten(new QuestionOptions { QaPerImage = 10, Margins = new MarginPolicy(MinimumMeters: 0.07) });
        Assert.NotEqual(ConfigFields.Hash(a), ConfigFields.Hash(c));
        Assert.Equal(["Margins.MinimumMeters: 0.05 → 0.07", "QaPerImage: 30 → 10"], ConfigFields.Differences(a, c));
        Assert.Equal(TemplateTable.Default.Fingerprint, a["Templates"]);
    }

    [Fact]
    public void DictionariesAreFlattenedByKey()
    {
        var a = ConfigFields.Flatten(new QuestionOptions { TypeWeights = new Dictionary<string, double> { ["distance"] = 2 } });
        Assert.Equal("2", a["TypeWeights.distance"]);
    }
}
