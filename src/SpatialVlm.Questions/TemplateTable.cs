using System.Text;
using SpatialVlm.Core;

namespace SpatialVlm.Questions;

/// <summary>
/// Question and answer templates loaded from data files: "[section]" headers (a type id, or
/// "&lt;pair&gt;-uncertain"), then one template per line as "SLOT: text" with SLOT one of Q (question),
/// YES / NO (predicate answers), A (answer), ZERO (answer when a length is 0). '#' starts a comment line.
/// </summary>
public sealed class TemplateTable : IFingerprinted
{
    public static readonly IReadOnlyList<string> Slots = ["Q", "YES", "NO", "A", "ZERO"];

    readonly Dictionary<string, Dictionary<string, List<string>>> sections;

    TemplateTable(Dictionary<string, Dictionary<string, List<string>>> sections) => this.sections = sections;

    /// <summary>The templates shipped with the assembly (Templates/*.txt).</summary>
    public static TemplateTable Default => DefaultTable.Value;

    static readonly Lazy<TemplateTable> DefaultTable = new(() =>
    {
        var asm = typeof(TemplateTable).Assembly;
        var files = asm.GetManifestResourceNames().Where(n => n.StartsWith("SpatialVlm.Questions.Templates.", StringComparison.Ordinal)).Order()
            .Select(n =>
            {
                using var s = asm.GetManifestResourceStream(n)!;
                using var r = new StreamReader(s, Encoding.UTF8);
                return (n, r.ReadToEnd());
            });
        return Parse(files);
    });

    public IEnumerable<string> Sections => sections.Keys;

    /// <summary>SHA-256 of every section, slot and template, in order: two tables with the same text have the same fingerprint.</summary>
    public string Fingerprint => fingerprint ??= ComputeFingerprint();

    string? fingerprint;

    string ComputeFingerprint()
    {
        var sb = new StringBuilder();
        foreach (var (name, slots) in sections.OrderBy(s => s.Key, StringComparer.Ordinal))
            foreach (var (slot, list) in slots.OrderBy(s => s.Key, StringComparer.Ordinal))
                foreach (var t in list) sb.Append(name).Append('|').Append(slot).Append('|').Append(t).Append('\n');
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>Templates of one slot of one section; empty when absent.</summary>
    public IReadOnlyList<string> Get(string section, string slot) =>
        sections.TryGetValue(section, out var s) && s.TryGetValue(slot, out var list) ? list : [];

    public static TemplateTable Parse(IEnumerable<(string Source, string Text)> files)
    {
        var sections = new Dictionary<string, Dictionary<string, List<string>>>();
        foreach (var (source, text) in files)
        {
            Dictionary<string, List<string>>? current = null;
            var lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                if (line.StartsWith('[') && line.EndsWith(']'))
                {
                    var name = line[1..^1].Trim();
                    if (sections.ContainsKey(name)) throw new SpatialVlmException($"{source}:{i + 1}: section [{name}] defined twice");
                    sections[name] = current = [];
                    continue;
                }
                var colon = line.IndexOf(':');
                var slot = colon > 0 ? line[..colon] : "";
                if (!Slots.Contains(slot)) throw new SpatialVlmException($"{source}:{i + 1}: expected 'SLOT: text' with SLOT one of {string.Join("/", Slots)}");
                if (current == null) throw new SpatialVlmException($"{source}:{i + 1}: template before any [section]");
                var template = line[(colon + 1)..].Trim();
                if (template.Length == 0) throw new SpatialVlmException($"{source}:{i + 1}: empty template");
                if (!current.TryGetValue(slot, out var list)) current[slot] = list = [];
                list.Add(template);
            }
        }
        return new TemplateTable(sections);
    }

    /// <summary>Fills {NAME} placeholders and capitalizes the first letter; a placeholder without a value is an error.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        var sb = new StringBuilder(template.Length + 32);
        int i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0) { sb.Append(template, i, template.Length - i); break; }
            var close = template.IndexOf('}', open);
            if (close < 0) throw new SpatialVlmException($"template has an unclosed placeholder: {template}");
            sb.Append(template, i, open - i);
            var key = template[(open + 1)..close];
            if (!values.TryGetValue(key, out var value)) throw new SpatialVlmException($"template placeholder {{{key}}} has no value: {template}");
            sb.Append(value);
            i = close + 1;
        }
        if (sb.Length > 0) sb[0] = char.ToUpperInvariant(sb[0]);
        return sb.ToString();
    }
}
