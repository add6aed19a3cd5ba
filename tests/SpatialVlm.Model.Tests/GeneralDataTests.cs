using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;
using SpatialVlm.Core.Training;

namespace SpatialVlm.Model.Tests;

/// <summary>The general (non-spatial) stream: questions generated from records with exact answers, and LLaVA files.</summary>
public sealed class GeneralDataTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("general-data-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static RecordObject Object(int id, string caption, string category) =>
        new(id, caption, category, caption, new UprightBox(Point3.Zero, 1, 1, 1, 0), 100, true, 1, 0, false, false, null);

    private static DatasetRecord Record(string id, IReadOnlyList<RecordObject> objects, IReadOnlyList<RecordSkip>? skipped = null) =>
        new(id, $"images/{id}.png", 8, 8, new RecordFrame(true, "known", null, null, RigidTransform.Identity), objects, [],
            skipped ?? [], new Dictionary<string, int>());

    private static readonly string[] Vocabulary = ["box", "chair", "lamp", "plant", "sofa", "table"];

    [Fact]
    public void Answers_are_exact_for_the_records_objects()
    {
        var record = Record("r1", [Object(1, "black box", "box"), Object(2, "red chair", "chair"), Object(3, "gray chair", "chair")]);
        var all = GeneralExamples.Questions(record, Vocabulary, seed: 1, perImage: 100).ToDictionary(q => q.Question, q => q.Answer);
        Assert.Equal("Yes.", all["Is there a box in the image?"]);
        Assert.Equal("Yes.", all["Is there a chair in the image?"]);
        Assert.Equal("1", all["How many box objects are in the image?"]);
        Assert.Equal("2", all["How many chair objects are in the image?"]);
        Assert.Equal("Black.", all["What color is the box?"]);
        Assert.Equal("The black object is a box.", all["What kind of object is black?"]);
        Assert.False(all.ContainsKey("What color is the chair?"));   // two chairs: the question has no single answer
        Assert.Equal("Black box, gray chair, red chair.", all["List the objects in the image."]);
        var absent = all.Where(p => p.Value == "No.").Select(p => p.Key).ToList();
        Assert.Equal(2, absent.Count);   // as many absent categories as present ones
        Assert.All(absent, q => Assert.DoesNotContain(q, new[] { "Is there a box in the image?", "Is there a chair in the image?" }));
    }

    [Fact]
    public void A_record_that_left_objects_out_asks_nothing_whose_answer_could_depend_on_them()
    {
        var record = Record("r2", [Object(1, "black box", "box")], [new RecordSkip("object", "r2/2", "too few points")]);
        var all = GeneralExamples.Questions(record, Vocabulary, 1, 100);
        Assert.NotEmpty(all);
        Assert.DoesNotContain(all, q => q.Question.StartsWith("How many", StringComparison.Ordinal));
        Assert.DoesNotContain(all, q => q.Answer == "No.");
        Assert.DoesNotContain(all, q => q.Question.StartsWith("List", StringComparison.Ordinal));
    }

    [Fact]
    public void Questions_per_image_are_capped_and_drawn_with_a_seed_from_the_record()
    {
        var record = Record("r3", [Object(1, "black box", "box"), Object(2, "red chair", "chair"), Object(3, "green plant", "plant")]);
        var a = GeneralExamples.Questions(record, Vocabulary, 5, 4);
        Assert.Equal(4, a.Count);
        Assert.Equal(a, GeneralExamples.Questions(record, Vocabulary, 5, 4));
        var seeds = Enumerable.Range(0, 20).Select(s => string.Join("|", GeneralExamples.Questions(record, Vocabulary, s, 4))).Distinct().Count();
        Assert.True(seeds > 5, $"only {seeds} distinct draws over 20 seeds");
    }

    [Fact]
    public void A_folder_streams_general_examples_in_a_fixed_order_and_counts_undecodable_images()
    {
        var folder = Path.Combine(dir, "data");
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        var records = new[]
        {
            Record("a", [Object(1, "black box", "box"), Object(2, "red chair", "chair")]),
            Record("b", [Object(1, "white lamp", "lamp")]),
            Record("c", [Object(1, "blue sofa", "sofa")]),
        };
        File.WriteAllLines(Path.Combine(folder, "dataset.jsonl"), records.Select(DatasetRecordJson.Serialize));
        File.WriteAllBytes(Path.Combine(folder, "images", "a.png"), Imaging.ColorImageCodec.EncodePng(new RgbImage(8, 8)));
        File.WriteAllBytes(Path.Combine(folder, "images", "b.png"), Imaging.ColorImageCodec.EncodePng(new RgbImage(8, 8)));
        File.WriteAllText(Path.Combine(folder, "images", "c.png"), "not a png");
        var general = new GeneralExamples([folder], seed: 3);
        Assert.Equal(["box", "chair", "lamp", "sofa"], general.Vocabulary);
        var first = general.Select(e => (e.Id, e.Question, e.Answer, e.Kind)).ToList();
        Assert.Equal(first, general.Select(e => (e.Id, e.Question, e.Answer, e.Kind)).ToList());
        Assert.All(first, e => Assert.Equal(ExampleKind.General, e.Kind));
        Assert.Contains(first, e => e.Id.StartsWith("a#", StringComparison.Ordinal));
        Assert.Contains(first, e => e.Id.StartsWith("b#", StringComparison.Ordinal));
        Assert.DoesNotContain(first, e => e.Id.StartsWith("c#", StringComparison.Ordinal));
        Assert.Single(general.Skipped);
        Assert.Contains("c", general.Skipped.Keys);
    }

    [Fact]
    public void A_llava_file_gives_one_example_per_question_answer_turn()
    {
        Directory.CreateDirectory(Path.Combine(dir, "img"));
        File.WriteAllBytes(Path.Combine(dir, "img", "one.png"), Imaging.ColorImageCodec.EncodePng(new RgbImage(8, 8)));
        var file = Path.Combine(dir, "llava.json");
        File.WriteAllText(file, """
            [
              {"id": 17, "image": "img/one.png", "conversations": [
                {"from": "human", "value": "<image>\nWhat is this?"}, {"from": "gpt", "value": "A square."},
                {"from": "human", "value": "Is it red?"}, {"from": "gpt", "value": "No."}]},
              {"id": "missing", "image": "img/none.png", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}]},
              {"id": "outside", "image": "../../etc/passwd", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}]},
              {"id": "text-only", "conversations": [{"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}]}
            ]
            """);
        var llava = new LlavaExamples(file);
        var examples = llava.ToList();
        Assert.Equal([("17#0", "What is this?", "A square."), ("17#1", "Is it red?", "No.")], examples.Select(e => (e.Id, e.Question, e.Answer)));
        Assert.All(examples, e => Assert.Equal(ExampleKind.General, e.Kind));
        Assert.Equal(["missing", "outside", "text-only"], llava.Skipped.Keys.Order());
    }

    [Fact]
    public void A_file_that_is_not_llava_json_is_a_one_line_error()
    {
        var file = Path.Combine(dir, "bad.json");
        File.WriteAllText(file, "{\"not\": \"an array\"");
        var e = Assert.Throws<ModelException>(() => new LlavaExamples(file).ToList());
        Assert.Contains("not a LLaVA JSON array", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Throws<ModelException>(() => new LlavaExamples(Path.Combine(dir, "absent.json")));
    }
}
