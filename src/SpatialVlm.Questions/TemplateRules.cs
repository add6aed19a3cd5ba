using System.Text.RegularExpressions;

namespace SpatialVlm.Questions;

/// <summary>
/// Checks a template table against the 43 types: enough templates per type (10 questions, 5 answers, 5 of
/// each for yes and no), all distinct, one sentence each (two sentence marks mean two templates merged),
/// the right placeholders per slot, no hedge next to a number (the number renderer hedges).
/// </summary>
public static partial class TemplateRules
{
    public const int MinQuestions = 10, MinAnswers = 5;

    [GeneratedRegex(@"\{([A-Z]+)\}")] private static partial Regex Placeholder();
    [GeneratedRegex(@"\b(about|around|roughly|approximately|nearly|almost)\s+\{V\}", RegexOptions.IgnoreCase)] private static partial Regex HedgedNumber();

    public static List<string> Problems(TemplateTable table)
    {
        var problems = new List<string>();
        var expected = QuestionCatalog.All.Select(t => t.Id)
            .Concat(Relations.Pairs.Select(QuestionEngine.UncertainSection)).ToHashSet();
        foreach (var s in table.Sections.Where(s => !expected.Contains(s))) problems.Add($"[{s}]: not a question type");

        foreach (var type in QuestionCatalog.All)
        {
            string[] objects = type.SingleObject ? ["A"] : ["A", "B"];
            Check(type.Id, "Q", MinQuestions, objects, objects, '?');
            switch (type.Kind)
            {
                case QuestionKind.Predicate:
                    Check(type.Id, "YES", MinAnswers, ["A", "B"], [], '.', mustStart: "Yes");
                    Check(type.Id, "NO", MinAnswers, ["A", "B"], [], '.', mustStart: "No");
                    break;
                case QuestionKind.Choice:
                    Check(type.Id, "A", MinAnswers, ["X"], ["X"], '.');
                    break;
                case QuestionKind.Classify:
                    Check(type.Id, "A", MinAnswers, ["A", "B", "PHRASE"], ["PHRASE"], '.');
                    break;
                default:
                    Check(type.Id, "A", MinAnswers, [.. objects, "V"], ["V"], '.');
                    Check(type.Id, "ZERO", 0, [.. objects, "V"], ["V"], '.');
                    break;
            }
            foreach (var slot in TemplateTable.Slots.Where(s => !AllowedSlots(type.Kind).Contains(s) && table.Get(type.Id, s).Count > 0))
                problems.Add($"[{type.Id}] {slot}: slot not used by {type.Kind} questions");
        }
        foreach (var pair in Relations.Pairs)
            Check(QuestionEngine.UncertainSection(pair), "A", MinAnswers, ["A", "B"], [], '.');
        return problems;

        void Check(string section, string slot, int min, string[] allowed, string[] required, char end, string? mustStart = null)
        {
            var list = table.Get(section, slot);
            var where = $"[{section}] {slot}";
            if (list.Count < min) problems.Add($"{where}: {list.Count} templates, need at least {min}");
            foreach (var dup in list.GroupBy(x => x).Where(g => g.Count() > 1)) problems.Add($"{where}: duplicate '{dup.Key}'");
            foreach (var t in list)
            {
                if (t[^1] != end) problems.Add($"{where}: '{t}' does not end with '{end}'");
                if (t[..^1].IndexOfAny(['.', '?', '!']) >= 0) problems.Add($"{where}: '{t}' has two sentence marks (merged templates?)");
                if (t.Count(ch => ch == '{') != t.Count(ch => ch == '}')) problems.Add($"{where}: '{t}' has unbalanced braces");
                var used = Placeholder().Matches(t).Select(m => m.Groups[1].Value).ToList();
                foreach (var u in used.Where(u => !allowed.Contains(u)).Distinct()) problems.Add($"{where}: '{t}' uses {{{u}}}");
                foreach (var r in required.Where(r => used.Count(u => u == r) != 1)) problems.Add($"{where}: '{t}' needs {{{r}}} exactly once");
                if (HedgedNumber().IsMatch(t)) problems.Add($"{where}: '{t}' hedges the number itself");
                if (mustStart != null && !t.StartsWith(mustStart + ",", StringComparison.Ordinal)) problems.Add($"{where}: '{t}' must start with '{mustStart},'");
            }
        }
    }

    static string[] AllowedSlots(QuestionKind kind) => kind switch
    {
        QuestionKind.Predicate => ["Q", "YES", "NO"],
        QuestionKind.Quantitative => ["Q", "A", "ZERO"],
        _ => ["Q", "A"],
    };
}
