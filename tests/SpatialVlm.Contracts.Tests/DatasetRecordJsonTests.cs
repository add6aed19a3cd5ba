using CsCheck;
using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;
using SpatialVlm.Questions;

namespace SpatialVlm.Contracts.Tests;

public class DatasetRecordJsonTests
{
    internal static DatasetRecord Sample()
    {
        var mask = RleMask.FromPixels([0, 1, 5, 6, 7, 11], 4, 3);
        var objects = new[]
        {
            new RecordObject(1, "red mug", "mug", "the red mug", new UprightBox(new Point3(2.1, 0.4, 0.05), 0.09, 0.08, 0.1, 0.3), 812, true, 1.25, 0.05, false, false, mask, "points/s/1.ply"),
            new RecordObject(2, "blue box", "box", null, new UprightBox(new Point3(-1.5e-5, -0.25, 0.5), 1, 0.5, 1, -0.7), 40, false, 2.5, 0.2, true, true, null),
        };
        var qa = new[]
        {
            new QaItem(QuestionCatalog.Get("left-predicate"), 1, 2, "Is the red mug left of the blue box?", "Yes.", true, false),
            new QaItem(QuestionCatalog.Get("left-choice"), 2, 1, "Which is more to the left?", "The red mug.", 1, false),
            new QaItem(QuestionCatalog.Get("left-right-classify"), 1, 2, "Left or right?", "Left.", "left", false),
            new QaItem(QuestionCatalog.Get("height"), 1, QaItem.NoObject, "How tall is the red mug?", "10 cm", 0.1, false),
            new QaItem(QuestionCatalog.Get("distance"), 1, 2, "How far apart \"are\" they?", "About 3 m ≥ ×", 3.0000000000000004, true),
        };
        var frame = new RecordFrame(true, "ransac", null, 1.234, RigidTransform.FromAxes(new Point3(0, 0, 1), new Point3(-1, 0, 0), new Point3(0, -1, 0), new Point3(0, 0, 1.5)));
        var perception = new PerceptionNotes
        {
            Depth = new DepthNote("sensor", "given", 500.5, 500.5, 65.2),
            Detections = [new DetectionNote(0, "mug", "red mug", 0.91, [1, 2, 3.5, 4], 12, false, true, 1, null), new DetectionNote(1, "floor", "floor", 0.5, [0, 0, 4, 3], null, true, false, null, "support surface only")],
            Groups = [new CaptionGroupNote([0, 2], ["mug", "cup"], "share caption 'mug'")],
            Support = new SupportNote("floor", 6, [1], null),
            Source = new PhotoOriginNote("a.tar/0001.jpg", "a kitchen"),
        };
        return new DatasetRecord("scene-000001", "images/scene-000001.png", 4, 3, frame, objects, qa,
            [new RecordSkip("object", "scene-000001/3", "mostly hidden (45 %)")],
            new SortedDictionary<string, int>(StringComparer.Ordinal) { ["within margin"] = 3, ["ambiguous caption"] = 1 }, perception);
    }

    [Fact]
    public void WriteReadWriteGivesTheSameBytesAndTheSameValues()
    {
        var text = DatasetRecordJson.Serialize(Sample());
        var back = DatasetRecordJson.Deserialize(text, "test");
        Assert.Equal(text, DatasetRecordJson.Serialize(back));
        Assert.StartsWith("{\"schema\":2,", text);
        Assert.Equal(5, back.Qa.Count);
        Assert.Equal(true, back.Qa[0].Value);
        Assert.Equal(1, back.Qa[1].Value);
        Assert.Equal("left", back.Qa[2].Value);
        Assert.Equal(3.0000000000000004, back.Qa[4].Value);
        Assert.Equal(QaItem.NoObject, back.Qa[3].B);
        Assert.Same(QuestionCatalog.Get("height"), back.Qa[3].Type);
        Assert.Null(back.Objects[1].Name);
        Assert.Equal("the red mug", back.Objects[0].Name);
        Assert.Equal([0, 1, 5, 6, 7, 11], back.Objects[0].Mask!.ToPixels());
        Assert.Null(back.Objects[1].Mask);
        Assert.Equal(1.5, back.Frame.WorldFromCamera.Translation.Z);
        Assert.Equal(3, back.SkippedQuestions["within margin"]);
        Assert.Equal(500.5, back.Perception!.Depth!.Fx);
        Assert.Equal("support surface only", back.Perception.Detections[1].Dropped);
        Assert.Equal([1, 2, 3.5, 4], back.Perception.Detections[0].Box);
        Assert.Equal(["mug", "cup"], back.Perception.Groups[0].Captions);
        Assert.Equal("a kitchen", back.Perception.Source!.Caption);
        Assert.Null(back.Perception.SceneFilter);
    }

    [Fact]
    public void MessagesFollowTheInterfaceAndCarryTheImageOnTheFirstTurnOnly()
    {
        var record = Sample();
        var messages = ChatMessages.Of(record.Qa).ToList();
        Assert.Equal(2 * record.Qa.Count, messages.Count);
        Assert.Equal(["user", "assistant"], messages.Take(2).Select(m => m.Role));
        Assert.Single(messages, m => m.WithImage);
        Assert.True(messages[0].WithImage);
        Assert.Equal(record.Qa[0].Answer, messages[1].Text);
        using var doc = System.Text.Json.JsonDocument.Parse(DatasetRecordJson.Serialize(record));
        var first = doc.RootElement.GetProperty("messages")[0];
        Assert.Equal("image", first.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal(record.Qa[0].Question, first.GetProperty("content")[1].GetProperty("text").GetString());
    }

    [Fact]
    public void AnOldFormatRecordIsRefusedInOneLineNamingItsVersion()
    {
        var old = """{"id":"x","image":"images/x.png","width":4,"height":3,"canonicalized":true,"objects":[],"qa":[],"messages":[]}""";
        var e = Assert.Throws<SpatialVlmException>(() => DatasetRecordJson.Deserialize(old, "old/dataset.jsonl line 1"));
        Assert.Contains("version-1", e.Message);
        Assert.Contains("version 2", e.Message);
        Assert.StartsWith("old/dataset.jsonl line 1:", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        var newer = DatasetRecordJson.Serialize(Sample()).Replace("{\"schema\":2,", "{\"schema\":3,");
        var n = Assert.Throws<SpatialVlmException>(() => DatasetRecordJson.Deserialize(newer, "new"));
        Assert.Contains("version-3", n.Message);
        Assert.Contains("newer build", n.Message);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"schema\":2,\"id\":\"x\"}", "missing image")]
    public void MalformedRecordsAreOneLineErrors(string line, string reason)
    {
        var e = Assert.Throws<SpatialVlmException>(() => DatasetRecordJson.Deserialize(line, "f line 7"));
        Assert.Contains(reason, e.Message);
        Assert.StartsWith("f line 7:", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AnUnknownQuestionTypeIsRefused()
    {
        var text = DatasetRecordJson.Serialize(Sample()).Replace("\"left-predicate\"", "\"sideways-predicate\"");
        var e = Assert.Throws<SpatialVlmException>(() => DatasetRecordJson.Deserialize(text, "f"));
        Assert.Contains("unknown question type 'sideways-predicate'", e.Message);
    }

    [Fact]
    public void RleOfAnyMaskDecodesToTheSameMaskAndItsStringToTheSameRuns()
    {
        Gen.Int[1, 12].Select(Gen.Int[1, 12]).SelectMany((w, h) => Gen.Bool.Array[w * h].Select(bits => (w, h, bits)))
            .Sample(t =>
            {
                var pixels = Enumerable.Range(0, t.w * t.h).Where(i => t.bits[i]).ToArray();
                var rle = RleMask.FromPixels(pixels, t.w, t.h);
                Assert.Equal(pixels, rle.ToPixels());
                Assert.Equal((long)t.w * t.h, rle.Counts.Sum(c => (long)c));
                Assert.Equal(rle.Counts, RleMask.DecodeCounts(rle.ToCocoString()));
            }, iter: 300);
    }

    [Fact]
    public void RleRunsAreColumnMajorAsPycocotoolsWritesThem()
    {
        // 3 wide, 2 high; pixels (x=1,y=0) and (x=1,y=1) and (x=2,y=1): column-major 0 0 | 1 1 | 0 1.
        var rle = RleMask.FromPixels([1, 4, 5], 3, 2);
        Assert.Equal([2u, 2u, 1u, 1u], rle.Counts);
        Assert.Equal(2, rle.Height);
    }
}
