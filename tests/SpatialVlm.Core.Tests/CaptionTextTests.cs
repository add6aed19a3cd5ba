using CsCheck;
using SpatialVlm.Core;

namespace SpatialVlm.Core.Tests;

public class CaptionTextTests
{
    [Theory]
    // Perception's captions (the old CaptionNormalizer): case, articles anywhere, punctuation, spacing.
    [InlineData("A Red ceramic Mug.", "red ceramic mug")]
    [InlineData("the  wooden table", "wooden table")]
    [InlineData("an apple on a plate", "apple on plate")]
    [InlineData("Kid's toy-car", "kid's toy-car")]
    [InlineData("  Blue\tGLASS  bottle ", "blue glass bottle")]
    [InlineData("mug, cup; (bowl)!", "mug cup bowl")]
    [InlineData("The", "")]
    [InlineData("theater seat", "theater seat")]
    [InlineData("Stainless-steel pan 2", "stainless-steel pan 2")]
    [InlineData("", "")]
    public void CaptionKey(string raw, string expected) => Assert.Equal(expected, CaptionText.Normalize(raw));

    [Theory]
    // Referring expressions (the old ReferringExpressions.Normalize) and captions inside answers (CaptionMentions):
    // only a leading article goes, position clauses and punctuation stay.
    [InlineData("the red mug on the left", "red mug on the left")]
    [InlineData("The  Red Mug", "red mug")]
    [InlineData("A mug", "mug")]
    [InlineData("an apple", "apple")]
    [InlineData("  the mug  ", "mug")]
    [InlineData("the", "the")]
    [InlineData("mug on a table", "mug on a table")]
    [InlineData("theater seat", "theater seat")]
    [InlineData("the mug.", "mug.")]
    [InlineData("", "")]
    public void PhraseForm(string raw, string expected) => Assert.Equal(expected, CaptionText.WithoutLeadingArticle(raw));

    [Theory]
    [InlineData("red ceramic mug", "mug")]
    [InlineData("mug", "mug")]
    [InlineData("", "")]
    public void HeadIsTheLastWord(string normalized, string head) => Assert.Equal(head, CaptionText.Head(normalized));

    [Fact]
    public void ClassMatchesWholeCaptionOrHeadNoun()
    {
        var classes = new HashSet<string> { "wall", "floor tile" };
        Assert.True(CaptionText.IsOneOf("brick wall", classes));
        Assert.True(CaptionText.IsOneOf("floor tile", classes));
        Assert.False(CaptionText.IsOneOf("wall clock", classes));
    }

    [Fact]
    public void BothFormsAreIdempotentAndAgreeOnTheKey() =>
        Gen.String[Gen.Char["aeht .,-'ABT\t"], 0, 24].Sample(s =>
        {
            var key = CaptionText.Normalize(s);
            var phrase = CaptionText.WithoutLeadingArticle(s);
            return CaptionText.Normalize(key) == key
                && CaptionText.WithoutLeadingArticle(phrase) == CaptionText.WithoutLeadingArticle(CaptionText.WithoutLeadingArticle(phrase))
                && CaptionText.Normalize(phrase) == key;
        });
}
