using SpatialVlm.Core;
using SpatialVlm.Perception.Captioning;
using SpatialVlm.Perception.Detectors;

namespace SpatialVlm.Perception.Tests;

public sealed class ByteLevelBpeTokenizerTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"svlm-bpe-{Guid.NewGuid():N}");
    private readonly ByteLevelBpeTokenizer tok;

    public ByteLevelBpeTokenizerTests()
    {
        FlorenceTestModels.WriteTokenizer(dir);
        tok = ByteLevelBpeTokenizer.Load(Path.Combine(dir, "tokenizer.json"));
    }

    public void Dispose() { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }

    private static int Byte(char c) => 60000 + c; // byte symbols of the test vocabulary (ASCII and Latin-1 printable map to themselves)

    [Fact]
    public void TaskPromptsEncodeToThePublishedIds()
    {
        Assert.Equal(FlorenceTestModels.OdPrompt, tok.Encode(Florence2Task.ObjectDetection.Prompt()));
        Assert.Equal(FlorenceTestModels.DensePrompt, tok.Encode(Florence2Task.DenseRegionCaption.Prompt()));
    }

    [Fact]
    public void HandWorkedWords()
    {
        // "Locate": L o c a t e; the chains give Loc + ate (no merge joins them).
        Assert.Equal([574, 22486], tok.Encode("Locate", addSpecialTokens: false));
        // The space belongs to the following word: " the" is one token, "the" without it has no merge and stays bytes.
        Assert.Equal([5], tok.Encode(" the", addSpecialTokens: false));
        Assert.Equal([Byte('t'), Byte('h'), Byte('e')], tok.Encode("the", addSpecialTokens: false));
        // Rank decides, not position: "b c" (rank 0) merges before "a b" (rank 1), so abc → a + bc, not ab + c.
        Assert.Equal([Byte('a'), 40006], tok.Encode("abc", addSpecialTokens: false));
        // No lowercasing (unlike CLIP): "The" is T h e, not " the".
        Assert.Equal([Byte('T'), Byte('h'), Byte('e')], tok.Encode("The", addSpecialTokens: false));
        // UTF-8 bytes: é = C3 A9 → 'Ã' '©' (printable Latin-1, map to themselves).
        Assert.Equal([Byte('\u00C3'), Byte('\u00A9')], tok.Encode("é", addSpecialTokens: false));
        // Added tokens are cut out before the BPE: car + <loc_53> at their real ids.
        Assert.Equal([0, 5901, 50322, 2], tok.Encode("car<loc_53>"));
    }

    [Fact]
    public void DecodesThePublishedOdOutputAndItParsesToThePublishedBoxes()
    {
        // transformers' Florence-2 test: "<OD>" on car.jpg (640×480) with the base model.
        int[] ids = [2, 0, 5901, 50322, 50602, 51202, 51043, 11219, 3679, 50694, 50772, 50743, 50784, 13630, 50978, 50845, 51134, 51041, 50419, 50853, 50578, 51042, 2];
        var text = tok.Decode(ids);
        Assert.Equal("</s><s>car<loc_53><loc_333><loc_933><loc_774>door handle<loc_425><loc_503><loc_474><loc_515>wheel<loc_709><loc_576><loc_865><loc_772><loc_150><loc_584><loc_309><loc_773></s>", text);
        Assert.Equal("cardoor handlewheel", tok.Decode(ids.Where(i => i < 50269 || i > 51268), skipSpecialTokens: true));
        var regions = Florence2RegionText.Parse(text, 640, 480);
        Assert.Equal(["car", "door handle", "wheel", "wheel"], regions.Select(r => r.Caption));
        // The published (floored) boxes: [34,160,597,371], [272,241,303,247], [454,276,553,370], [96,280,198,371].
        int[][] floors = [[34, 160, 597, 371], [272, 241, 303, 247], [454, 276, 553, 370], [96, 280, 198, 371]];
        for (int i = 0; i < 4; i++)
        {
            var b = regions[i].Box;
            Assert.Equal(floors[i], new[] { b.X0, b.Y0, b.X1, b.Y1 }.Select(v => (int)MathF.Floor(v)));
        }
        Assert.Equal(53.5f / 1000 * 640, regions[0].Box.X0, 4);
    }

    [Fact]
    public void BytesSplitAcrossTokensDecodeTogether() =>
        Assert.Equal("é", tok.Decode([Byte('\u00C3'), Byte('\u00A9')]));

    [Fact]
    public void BadInputIsAOneLineError()
    {
        var unknown = Assert.Throws<SpatialVlmException>(() => tok.Decode([59999]));
        Assert.Contains("59999", unknown.Message);
        var path = Path.Combine(dir, "wordpiece.json");
        File.WriteAllText(path, """{"model":{"type":"WordPiece","vocab":{}},"pre_tokenizer":{"type":"BertPreTokenizer"}}""");
        var e = Assert.Throws<SpatialVlmException>(() => ByteLevelBpeTokenizer.Load(path));
        Assert.Contains("not BPE", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        File.WriteAllText(path, """{"model":{"type":"BPE","vocab":{},"merges":[]},"pre_tokenizer":{"type":"Metaspace"}}""");
        Assert.Contains("no ByteLevel pre-tokenizer", Assert.Throws<SpatialVlmException>(() => ByteLevelBpeTokenizer.Load(path)).Message);
    }

    [Fact]
    public void MergesGivenAsPairsLoadLikeStrings()
    {
        var json = File.ReadAllText(Path.Combine(dir, "tokenizer.json"));
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        var merges = node["model"]!["merges"]!.AsArray().Select(m => ((string)m!).Split(' ')).ToList();
        node["model"]!["merges"] = new System.Text.Json.Nodes.JsonArray(merges.Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonArray(p[0], p[1])).ToArray());
        var path = Path.Combine(dir, "pairs.json");
        File.WriteAllText(path, node.ToJsonString());
        Assert.Equal(FlorenceTestModels.DensePrompt, ByteLevelBpeTokenizer.Load(path).Encode(Florence2Task.DenseRegionCaption.Prompt()));
    }
}
