using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;
using SpatialVlm.Core.Training;
using SpatialVlm.Imaging;

namespace SpatialVlm.Model;

/// <summary>
/// The general, non-spatial half of the co-training mix: questions about the images of folders `synth` wrote (presence,
/// count, colour, category, a list of the objects), with exact answers from their records. Nothing here needs 3D: a
/// model trained only on these learns to see objects and to answer, not where things are, which makes it the paper's
/// "no spatial data" baseline. Streamed in a fixed order; each image's questions are drawn with a seed from its id.
/// </summary>
public sealed class GeneralExamples : IEnumerable<TrainingExample>
{
    /// <summary>Questions drawn per image (fewer where fewer exist).</summary>
    public const int DefaultPerImage = 6;

    private readonly List<DatasetFolder> datasets;
    private readonly long seed;
    private readonly int perImage;
    private readonly RecordImages images = new();
    private IReadOnlyList<string>? vocabulary;

    public GeneralExamples(IReadOnlyList<string> folders, long seed, int perImage = DefaultPerImage)
    {
        if (perImage <= 0) throw new ModelException($"general questions per image must be positive, not {perImage}");
        datasets = folders.Select(f => new DatasetFolder(f)).ToList();
        this.seed = seed;
        this.perImage = perImage;
    }

    /// <summary>Images skipped so far (no decodable image), with the reason for each.</summary>
    public IReadOnlyDictionary<string, string> Skipped => images.Skipped;

    /// <summary>Every category named in the folders, sorted: the candidates for "is there a …?" questions answered no.</summary>
    public IReadOnlyList<string> Vocabulary => vocabulary ??=
        [.. datasets.SelectMany(d => d.Records()).SelectMany(r => r.Objects).Select(o => o.Category).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public IEnumerator<TrainingExample> GetEnumerator()
    {
        var categories = Vocabulary;
        foreach (var dataset in datasets)
            foreach (var record in dataset.Records())
            {
                var pairs = Questions(record, categories, seed, perImage);
                if (pairs.Count == 0) continue;
                if (images.Decode(dataset, record) is not { } image) continue;
                for (var i = 0; i < pairs.Count; i++)
                    yield return new TrainingExample($"{record.Id}#g{i}", image, pairs[i].Question, pairs[i].Answer, ExampleKind.General);
            }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The general questions of one record, at most perImage, drawn with a seed from the record id. Answers are exact for
    /// the record's objects; where the record left objects out (skipped), questions whose answer could depend on them
    /// (counts, absence) are not asked.
    /// </summary>
    public static IReadOnlyList<(string Question, string Answer)> Questions(DatasetRecord record, IReadOnlyList<string> vocabulary, long seed, int perImage)
    {
        var objects = record.Objects;
        if (objects.Count == 0) return [];
        var complete = !record.Skipped.Any(s => s.Scope == "object");
        var byCategory = objects.GroupBy(o => o.Category, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var candidates = new List<(string, string)>();
        foreach (var group in byCategory)
        {
            candidates.Add(($"Is there a {group.Key} in the image?", "Yes."));
            if (complete) candidates.Add(($"How many {group.Key} objects are in the image?", group.Count().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (group.Count() == 1 && ColourOf(group.First()) is { } colour)
            {
                candidates.Add(($"What color is the {group.Key}?", $"{Capitalised(colour)}."));
                // The colour names one object only when no other object shares it.
                if (objects.Count(o => ColourOf(o) == colour) == 1)
                    candidates.Add(($"What kind of object is {colour}?", $"The {colour} object is a {group.Key}."));
            }
        }
        var random = new Random(Seeds.Derive(seed, record.Id));
        if (complete)
        {
            // As many absent categories as present ones, so "is there a …?" is answered yes and no equally often.
            var absent = vocabulary.Where(c => byCategory.All(g => g.Key != c)).ToArray();
            random.Shuffle(absent);
            foreach (var category in absent.Take(byCategory.Count))
                candidates.Add(($"Is there a {category} in the image?", "No."));
            candidates.Add(("List the objects in the image.",
                $"{Capitalised(string.Join(", ", objects.Select(o => o.Caption).Order(StringComparer.Ordinal)))}."));
        }
        var drawn = candidates.ToArray();
        random.Shuffle(drawn);
        return drawn.Take(perImage).ToList();
    }

    /// <summary>The colour word of a caption "COLOUR CATEGORY" (the procedural scenes' form), or null for any other form.</summary>
    private static string? ColourOf(RecordObject o)
    {
        var suffix = " " + o.Category;
        return o.Caption.EndsWith(suffix, StringComparison.Ordinal) && o.Caption.Length > suffix.Length && !o.Caption[..^suffix.Length].Contains(' ')
            ? o.Caption[..^suffix.Length]
            : null;
    }

    private static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
