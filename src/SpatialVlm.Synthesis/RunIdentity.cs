using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialVlm.Core;

namespace SpatialVlm.Synthesis;

/// <summary>
/// What a run's records are a function of: the pipeline configuration, the input, the models' checksums and the seed.
/// Written to OUT/run.json before any record; a rerun into OUT must have the same identity, or it is refused with the
/// differences named (records made under another configuration are never mixed into one dataset).
/// </summary>
public sealed record RunIdentity(IReadOnlyDictionary<string, string> Fields)
{
    public const string FileName = "run.json";

    public string Hash => ConfigFields.Hash(Fields);

    /// <param name="input">what the input is (the source's description and a digest of its items)</param>
    /// <param name="models">model name → checksum (or another stable version) for the perception models used, if any</param>
    public static RunIdentity Of(SynthesisOptions pipeline, string input, IReadOnlyDictionary<string, string> models, long seed, bool writesPoints)
    {
        var fields = ConfigFields.Flatten(pipeline, "config");
        fields["input"] = input;
        foreach (var (name, sum) in models) fields[$"model.{name}"] = sum;
        fields["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        fields["points"] = writesPoints ? "true" : "false";
        return new RunIdentity(fields);
    }

    /// <summary>The identity stored in OUT, or null when OUT has none yet.</summary>
    public static RunIdentity? Read(string outDir)
    {
        var path = Path.Combine(outDir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var o = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in o["fields"]!.AsObject()) fields[k] = (string)v!;
            return new RunIdentity(fields);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new SpatialVlmException($"{path}: unreadable run identity ({e.Message.Split('\n')[0]}); use a new output folder");
        }
    }

    public void Write(string outDir)
    {
        var fields = new JsonObject();
        foreach (var (k, v) in Fields.OrderBy(kv => kv.Key, StringComparer.Ordinal)) fields[k] = v;
        AtomicFile.WriteAllText(Path.Combine(outDir, FileName),
            new JsonObject { ["hash"] = Hash, ["fields"] = fields }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Throws unless <paramref name="stored"/> is this identity, naming up to three differing fields.</summary>
    public void CheckSameAs(RunIdentity stored, string outDir)
    {
        if (stored.Hash == Hash) return;
        var diffs = ConfigFields.Differences(stored.Fields, Fields);
        throw new SpatialVlmException($"{outDir} holds a run made under another configuration ({string.Join("; ", diffs.Take(3))}{(diffs.Count > 3 ? $"; {diffs.Count - 3} more" : "")}); use a new output folder or the same settings");
    }
}
