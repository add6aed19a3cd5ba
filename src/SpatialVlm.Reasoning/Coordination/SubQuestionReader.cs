using SpatialVlm.Core;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SpatialVlm.Reasoning;

/// <summary>
/// Fills in what a free-text sub-question leaves out so a structured spatial model (the oracle) can answer it: the
/// objects it names (matched against the image's known objects, longest name first) and the question type (from its
/// wording); and reads the spatial model's answer back into a number with its unit, or yes/no.
/// </summary>
public static partial class SubQuestionReader
{
    /// <summary>The sub-question with object ids and a type filled in where they can be told.</summary>
    public static SubQuestion Complete(SubQuestion q, IReadOnlyList<ObjectReference> known)
    {
        var a = q.A is { } ra ? Resolve(ra, known) : null;
        var b = q.B is { } rb ? Resolve(rb, known) : null;
        if (a is null && known.Count > 0)
        {
            var mentioned = Mentions(q.Text, known);
            a = mentioned.ElementAtOrDefault(0);
            b ??= mentioned.ElementAtOrDefault(1);
        }
        var type = q.Type ?? InferType(q.Text);
        // A two-object type with one object found would be answered about A against itself (a distance of 0 m):
        // send it untyped instead, and let the spatial model say it cannot answer.
        if (type is { SingleObject: false } && b is null && q.Type is null) type = null;
        return q with { A = a, B = b, Type = type };
    }

    /// <summary>A reference with the id of the known object of the same name, when it has none.</summary>
    public static ObjectReference Resolve(ObjectReference r, IReadOnlyList<ObjectReference> known)
    {
        var phrase = CaptionText.WithoutLeadingArticle(r.Phrase);
        if (r.Id != null) return r with { Phrase = phrase };
        var match = known.Where(k => CaptionText.WithoutLeadingArticle(k.Phrase) == phrase).ToList();
        return match.Count == 1 ? match[0] : r with { Phrase = phrase };
    }

    /// <summary>Known objects named in the text, in order of appearance, longest names first where they overlap.</summary>
    public static List<ObjectReference> Mentions(string text, IReadOnlyList<ObjectReference> known)
    {
        var lower = " " + Squash(text.ToLowerInvariant()) + " ";
        var taken = new bool[lower.Length];
        var found = new List<(int Index, ObjectReference Object)>();
        foreach (var k in known.OrderByDescending(k => k.Phrase.Length))
        {
            var name = CaptionText.WithoutLeadingArticle(k.Phrase);
            for (int at = lower.IndexOf(name, StringComparison.Ordinal); at >= 0; at = lower.IndexOf(name, at + 1, StringComparison.Ordinal))
            {
                var end = at + name.Length;
                if (char.IsLetterOrDigit(lower[at - 1]) || (end < lower.Length && char.IsLetterOrDigit(lower[end]))) continue;
                if (Enumerable.Range(at, name.Length).Any(i => taken[i])) continue;
                for (int i = at; i < end; i++) taken[i] = true;
                found.Add((at, k));
                break;
            }
        }
        return found.OrderBy(f => f.Index).Select(f => f.Object).ToList();
    }

    /// <summary>The quantitative type a wording asks for, or null.</summary>
    public static QuestionType? InferType(string text)
    {
        var t = text.ToLowerInvariant();
        string? id = t switch
        {
            _ when GapWords().IsMatch(t) => "gap",
            _ when DistanceWords().IsMatch(t) => "distance",
            _ when WidthWords().IsMatch(t) => "width",
            _ when HeightWords().IsMatch(t) => "height",
            _ => null,
        };
        return id is null ? null : QuestionCatalog.Get(id);
    }

    /// <summary>A spatial model's answer as the planner gets it: "0.42 m" for lengths, "yes"/"no", else the text itself.</summary>
    public static (string FedBack, double? Meters, bool? Yes) Read(string answer, QuestionType? type)
    {
        var quantitative = type is null || type.Kind == QuestionKind.Quantitative;
        if (quantitative && LengthParser.ParseMeters(answer) is { } meters && double.IsFinite(meters))
            return (string.Create(CultureInfo.InvariantCulture, $"{meters:0.###} m"), meters, null);
        if ((type is null || type.Kind == QuestionKind.Predicate) && YesNoParser.Parse(answer) is { } yes)
            return (yes ? "yes" : "no", null, yes);
        var text = Squash(answer);
        return (text.Length == 0 ? "(empty answer)" : text, null, null);
    }

    /// <summary>The key that says two sub-questions are the same: type, objects, and the wording when no type says it.</summary>
    public static string Key(SubQuestion q)
    {
        static string Obj(ObjectReference? r) => r is null ? "-" : r.Id is { } id ? $"#{id}" : CaptionText.WithoutLeadingArticle(r.Phrase);
        if (q.Type is { } type && q.A != null)
        {
            var (a, b) = (Obj(q.A), Obj(q.B));
            if (type.Symmetric && string.CompareOrdinal(a, b) > 0) (a, b) = (b, a);
            return $"{type.Id}|{a}|{b}";
        }
        return "text|" + Squash(q.Text.ToLowerInvariant()).TrimEnd('?', '.', ' ');
    }

    private static string Squash(string s) => string.Join(' ', s.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"\bgap\b|space between|clearance|free space")]
    private static partial Regex GapWords();
    [GeneratedRegex(@"\bdistance\b|how far|far apart|far away|far from")]
    private static partial Regex DistanceWords();
    [GeneratedRegex(@"how wide|\bwidth\b")]
    private static partial Regex WidthWords();
    [GeneratedRegex(@"how tall|\bheight\b|how high")]
    private static partial Regex HeightWords();
}
