using System.Text.RegularExpressions;
using SpatialVlm.Core;

namespace SpatialVlm.Evaluation;

/// <summary>Where an answer names object A or object B: by full caption, or by a word only that caption has ("the red one").</summary>
public static partial class CaptionMentions
{
    /// <summary>Which = 0 for A, 1 for B; Full when the whole caption is named, not just a word only it has.</summary>
    public readonly record struct Mention(int Which, int Index, int Length, bool Full)
    {
        public int End => Index + Length;
    }

    private static readonly HashSet<string> StopWords =
        ["the", "a", "an", "of", "on", "in", "at", "with", "and", "to", "one", "object", "thing", "item", "is", "near", "by"];

    /// <summary>Caption in the answer text's normal form (<see cref="AnswerText.Normalize"/>) without a leading article, so it can be found inside a normalised answer.</summary>
    public static string Normalize(string caption) => CaptionText.WithoutLeadingArticle(AnswerText.Normalize(caption));

    /// <summary>Mentions in normalized text, left to right, none overlapping; empty when the captions are the same.</summary>
    public static List<Mention> Find(string normalized, string captionA, string captionB)
    {
        var captions = new[] { Normalize(captionA), Normalize(captionB) };
        if (captions[0] == captions[1] || captions.Any(c => c.Length == 0)) return [];
        var found = new List<Mention>();
        // Longer caption first, so "mug" does not claim the inside of "red mug".
        foreach (var which in captions[0].Length >= captions[1].Length ? new[] { 0, 1 } : [1, 0])
            foreach (Match m in Regex.Matches(normalized, $@"\b{Regex.Escape(captions[which])}(?:e?s)?\b"))
                AddIfFree(found, new Mention(which, m.Index, m.Length, Full: true));
        var words = captions.Select(c => Word().Matches(c).Select(m => m.Value).Where(w => !StopWords.Contains(w)).ToHashSet()).ToArray();
        for (int which = 0; which < 2; which++)
            foreach (var w in words[which].Except(words[1 - which]))
                foreach (Match m in Regex.Matches(normalized, $@"\b{Regex.Escape(w)}(?:e?s)?\b"))
                    AddIfFree(found, new Mention(which, m.Index, m.Length, Full: false));
        found.Sort((x, y) => x.Index.CompareTo(y.Index));
        return found;
    }

    private static void AddIfFree(List<Mention> found, Mention m)
    {
        if (!found.Any(f => m.Index < f.End && f.Index < m.End)) found.Add(m);
    }

    /// <summary>True when [index, index+length) lies inside a full caption ("left" in "red mug on the left").</summary>
    public static bool InsideCaption(List<Mention> mentions, int index, int length) =>
        mentions.Any(m => m.Full && m.Index <= index && index + length <= m.End);

    /// <summary>The caption mentioned last before index, or null.</summary>
    public static int? SubjectBefore(List<Mention> mentions, int index)
    {
        int? which = null;
        foreach (var m in mentions)
            if (m.End <= index) which = m.Which;
        return which;
    }

    [GeneratedRegex(@"[a-z0-9]+")]
    private static partial Regex Word();
}
