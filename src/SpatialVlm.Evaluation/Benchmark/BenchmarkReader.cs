using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Questions;

namespace SpatialVlm.Evaluation;

/// <summary>Something wrong with one line of a benchmark file; the line is skipped and the run goes on.</summary>
public sealed record BenchmarkProblem(string Source, int Line, string Message)
{
    public override string ToString() => $"{Source} line {Line}: {Message}";
}

public sealed record BenchmarkFile(IReadOnlyList<BenchmarkItem> Items, IReadOnlyList<BenchmarkProblem> Problems);

/// <summary>Where a benchmark's card goes: bench.jsonl → bench.card.md beside it (question benchmarks and task files alike).</summary>
public static class BenchmarkCardFile
{
    public static string PathFor(string benchmarkFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(benchmarkFile))!, Path.GetFileNameWithoutExtension(benchmarkFile) + ".card.md");
}

/// <summary>Reads the benchmark .jsonl of INTERFACES.md, one question per line; image paths resolve against the file's folder.</summary>
public static class BenchmarkReader
{
    /// <param name="imageRoots">Folders besides the benchmark's own that its image paths may point into.</param>
    public static BenchmarkFile Read(string path, IReadOnlyList<string>? imageRoots = null)
    {
        if (!File.Exists(path)) throw new SpatialVlmException($"{path}: no such benchmark file");
        RegularFile.Check(path, path);
        using var reader = new StreamReader(path);
        var file = Parse(reader, Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(path), imageRoots ?? []);
        if (file.Items.Count == 0)
            throw new SpatialVlmException(file.Problems.Count > 0
                ? $"{path}: no usable question ({file.Problems.Count} malformed lines, first: {file.Problems[0]})"
                : $"{path}: the benchmark is empty");
        return file;
    }

    public static BenchmarkFile Parse(TextReader reader, string baseDir, string source, IReadOnlyList<string>? imageRoots = null)
    {
        var items = new List<BenchmarkItem>();
        var problems = new List<BenchmarkProblem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                var item = ParseLine(line, lineNumber, baseDir, imageRoots ?? []);
                if (!ids.Add(item.Id)) throw new FormatException($"duplicate id '{item.Id}'");
                items.Add(item);
            }
            catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
            {
                problems.Add(new BenchmarkProblem(source, lineNumber, e is JsonException ? $"not valid JSON ({JsonReason(e.Message)})" : e.Message));
            }
        }
        return new BenchmarkFile(items, problems);
    }

    // System.Text.Json appends "LineNumber: 0 | BytePositionInLine: 7." — the file's line number is already given.
    private static string JsonReason(string message) => message.Split('\n')[0].Split(" LineNumber")[0].Split(" Path:")[0].TrimEnd('.', ' ');

    /// <summary>One line to an item; FormatException with a one-line reason when a field is missing or of the wrong kind.</summary>
    public static BenchmarkItem ParseLine(string line, int lineNumber, string baseDir, IReadOnlyList<string>? imageRoots = null)
    {
        using var doc = JsonDocument.Parse(line);
        var o = doc.RootElement;
        if (o.ValueKind != JsonValueKind.Object) throw new FormatException("not a JSON object");
        var id = RequiredString(o, "id");
        var image = RequiredString(o, "image");
        var typeId = RequiredString(o, "type");
        var question = RequiredString(o, "question");
        if (!QuestionCatalog.TryGet(typeId, out var type)) throw new FormatException($"unknown question type '{typeId}'");
        var kind = type.Kind;
        if (OptionalString(o, "kind") is { } declared)
        {
            var consistent = declared switch
            {
                "quantitative" => kind == QuestionKind.Quantitative,
                "qualitative" => kind != QuestionKind.Quantitative,
                "predicate" => kind == QuestionKind.Predicate,
                "choice" => kind == QuestionKind.Choice,
                "classify" => kind == QuestionKind.Classify,
                _ => throw new FormatException($"unknown kind '{declared}'"),
            };
            if (!consistent) throw new FormatException($"kind '{declared}' does not match type '{typeId}'");
        }
        var a = OptionalString(o, "a");
        var b = OptionalString(o, "b");
        double? depth = o.TryGetProperty("depth_m", out var d) && d.ValueKind != JsonValueKind.Null
            ? d.ValueKind == JsonValueKind.Number && d.GetDouble() is var dv && double.IsFinite(dv) && dv >= 0 ? dv
                : throw new FormatException("depth_m must be a non-negative number")
            : null;
        if (!o.TryGetProperty("answer", out var answer) || answer.ValueKind == JsonValueKind.Null)
            throw new FormatException("missing answer");
        var item = new BenchmarkItem
        {
            Id = id, Image = image, ImagePath = ImagePath(baseDir, image, imageRoots ?? []), Type = type,
            Question = question, A = a, B = b, AId = OptionalInt(o, "a_id"), BId = OptionalInt(o, "b_id"), DepthM = depth, Line = lineNumber,
        };
        return kind switch
        {
            QuestionKind.Predicate => item with { ExpectedYes = ReadBool(answer) },
            QuestionKind.Choice => item with { ExpectedText = ReadChoice(answer, a, b) },
            QuestionKind.Classify => item with { ExpectedText = ReadRelation(answer, type.Pair!) },
            _ => item with { ExpectedMeters = ReadMeters(answer) },
        };
    }

    private static bool ReadBool(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when e.GetString()!.Trim().ToLowerInvariant() is "yes" or "true" => true,
        JsonValueKind.String when e.GetString()!.Trim().ToLowerInvariant() is "no" or "false" => false,
        _ => throw new FormatException($"a predicate's answer must be true or false, not {e.GetRawText()}"),
    };

    private static string ReadChoice(JsonElement e, string? a, string? b)
    {
        if (a == null || b == null) throw new FormatException("a choice question needs the captions a and b");
        if (CaptionMentions.Normalize(a) == CaptionMentions.Normalize(b)) throw new FormatException($"captions a and b are the same ('{a}')");
        var s = e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new FormatException("a choice's answer must be the chosen caption");
        var n = CaptionMentions.Normalize(s);
        if (n != CaptionMentions.Normalize(a) && n != CaptionMentions.Normalize(b))
            throw new FormatException($"choice answer '{s}' is neither a ('{a}') nor b ('{b}')");
        return s;
    }

    private static string ReadRelation(JsonElement e, RelationPair pair)
    {
        var s = e.ValueKind == JsonValueKind.String ? e.GetString()!.Trim().ToLowerInvariant() : throw new FormatException("a classify answer must be a relation word");
        if (s != pair.Positive && s != pair.Negative) throw new FormatException($"classify answer '{s}' is neither '{pair.Positive}' nor '{pair.Negative}'");
        return s;
    }

    /// <summary>The image inside the benchmark's folder; a path leaving it fails the line.</summary>
    private static string ImagePath(string baseDir, string image, IReadOnlyList<string> roots)
    {
        try
        {
            return ContainedPath.ResolveUnder(baseDir, image, roots, "image");
        }
        catch (SpatialVlmException e)
        {
            throw new FormatException(e.Message);
        }
    }

    private static int? OptionalInt(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw new FormatException($"{name} must be an integer");

    private static double ReadMeters(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && e.GetDouble() is var v && double.IsFinite(v) && v >= 0 ? v
            : throw new FormatException($"a quantitative answer must be a non-negative number of meters, not {e.GetRawText()}");

    private static string RequiredString(JsonElement o, string name) =>
        OptionalString(o, name) is { Length: > 0 } s ? s : throw new FormatException($"missing {name}");

    private static string? OptionalString(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FormatException($"{name} must be a string");
}
