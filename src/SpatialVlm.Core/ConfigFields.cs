using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace SpatialVlm.Core;

/// <summary>A configuration part that names itself by a digest of its content (e.g. a template table) instead of its fields.</summary>
public interface IFingerprinted
{
    string Fingerprint { get; }
}

/// <summary>
/// Flattens a configuration object (records of options) into "path = value" fields, so two configurations can be
/// hashed and their differences named ("Questions.QaPerImage: 30 → 10"). Public readable instance properties are
/// walked; numbers are written invariantly and round-trippably; dictionaries and lists by key and index.
/// </summary>
public static class ConfigFields
{
    public static SortedDictionary<string, string> Flatten(object? config, string prefix = "")
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(config, prefix, fields, depth: 0);
        return fields;
    }

    /// <summary>SHA-256 (hex) of the fields, one "key=value" line each, in key order.</summary>
    public static string Hash(IReadOnlyDictionary<string, string> fields)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in fields.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sb.Append(k).Append('=').Append(v).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The fields that differ between two flattenings, as "key: old → new" (absent shown as "(none)").</summary>
    public static List<string> Differences(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var diffs = new List<string>();
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var a = before.TryGetValue(key, out var x) ? x : "(none)";
            var b = after.TryGetValue(key, out var y) ? y : "(none)";
            if (a != b) diffs.Add($"{key}: {a} → {b}");
        }
        return diffs;
    }

    private static void Walk(object? value, string path, SortedDictionary<string, string> fields, int depth)
    {
        if (depth > 12) throw new InvalidOperationException($"configuration nests too deeply at {path}");
        switch (value)
        {
            case null: fields[path] = "null"; return;
            case string s: fields[path] = s; return;
            case bool b: fields[path] = b ? "true" : "false"; return;
            case Enum e: fields[path] = e.ToString(); return;
            case double d: fields[path] = d.ToString("R", CultureInfo.InvariantCulture); return;
            case float f: fields[path] = f.ToString("R", CultureInfo.InvariantCulture); return;
            case IFormattable n when value.GetType().IsPrimitive || value is decimal: fields[path] = n.ToString(null, CultureInfo.InvariantCulture); return;
            case TimeSpan t: fields[path] = t.ToString("c", CultureInfo.InvariantCulture); return;
            case IFingerprinted fp: fields[path] = fp.Fingerprint; return;
            case IDictionary dict:
                foreach (DictionaryEntry entry in dict) Walk(entry.Value, Join(path, Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!), fields, depth + 1);
                if (dict.Count == 0) fields[path] = "{}";
                return;
        }
        var type = value.GetType();
        if (value is IEnumerable sequence)
        {
            // Read-only dictionaries are sequences of KeyValuePair<,>.
            int i = 0;
            foreach (var item in sequence)
            {
                var itemType = item?.GetType();
                if (itemType is { IsGenericType: true } && itemType.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
                    Walk(itemType.GetProperty("Value")!.GetValue(item), Join(path, Convert.ToString(itemType.GetProperty("Key")!.GetValue(item), CultureInfo.InvariantCulture)!), fields, depth + 1);
                else Walk(item, $"{path}[{i}]", fields, depth + 1);
                i++;
            }
            if (i == 0) fields[path] = "[]";
            return;
        }
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract").OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (properties.Count == 0) { fields[path] = value.ToString() ?? ""; return; }
        foreach (var p in properties) Walk(p.GetValue(value), Join(path, p.Name), fields, depth + 1);
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
