using System.Text.Json;
using SpatialVlm.Core;

namespace SpatialVlm.Contracts.Dataset;

/// <summary>The record's "perception" object: <see cref="PerceptionNotes"/> under the keys the dataset has always used.</summary>
public static class PerceptionNotesJson
{
    public static void Write(Utf8JsonWriter w, PerceptionNotes n)
    {
        w.WriteStartObject();
        if (n.SceneFilter is { } f)
        {
            w.WriteStartObject("scene_filter");
            w.WriteString("model", f.Model);
            w.WriteBoolean("keep", f.Keep);
            w.WriteNumber("score", f.Score);
            Str(w, "top_prompt", f.TopPrompt);
            Num(w, "top_probability", f.TopProbability);
            w.WriteEndObject();
        }
        if (n.Depth is { } d)
        {
            w.WriteStartObject("depth");
            w.WriteString("model", d.Model);
            w.WriteString("focal_source", d.FocalSource);
            w.WriteNumber("fx", d.Fx);
            w.WriteNumber("fy", d.Fy);
            w.WriteNumber("hfov_deg", d.HorizontalFovDegrees);
            w.WriteEndObject();
        }
        w.WriteStartArray("groups");
        foreach (var g in n.Groups)
        {
            w.WriteStartObject();
            Ints(w, "detections", g.Detections);
            w.WriteStartArray("captions");
            foreach (var c in g.Captions) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteString("decision", g.Decision);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (n.Support is { } s)
        {
            w.WriteStartObject("support");
            Str(w, "surface", s.Surface);
            Num(w, "pixels", s.Pixels);
            Ints(w, "detections", s.Detections);
            Str(w, "reason", s.Reason);
            w.WriteEndObject();
        }
        w.WriteStartArray("detections");
        foreach (var x in n.Detections)
        {
            w.WriteStartObject();
            w.WriteNumber("index", x.Index);
            w.WriteString("label", x.Label);
            w.WriteString("caption", x.Caption);
            w.WriteNumber("score", x.Score);
            w.WriteStartArray("box");
            foreach (var v in x.Box) w.WriteNumberValue(v);
            w.WriteEndArray();
            Num(w, "mask_pixels", x.MaskPixels);
            w.WriteBoolean("support", x.Support);
            w.WriteBoolean("kept", x.Kept);
            Num(w, "object_id", x.ObjectId);
            Str(w, "dropped", x.Dropped);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (n.Source is { } o)
        {
            w.WriteStartObject("source");
            w.WriteString("origin", o.Origin);
            Str(w, "caption", o.Caption);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>The notes as one JSON object (what the record holds under "perception").</summary>
    public static string ToJson(PerceptionNotes notes)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) Write(w, notes);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    public static PerceptionNotes Read(JsonElement e) => new()
    {
        SceneFilter = Obj(e, "scene_filter") is { } f
            ? new SceneFilterNote(S(f, "model")!, f.GetProperty("keep").GetBoolean(), f.GetProperty("score").GetDouble(), S(f, "top_prompt"), D(f, "top_probability"))
            : null,
        Depth = Obj(e, "depth") is { } d
            ? new DepthNote(S(d, "model")!, S(d, "focal_source")!, d.GetProperty("fx").GetDouble(), d.GetProperty("fy").GetDouble(), d.GetProperty("hfov_deg").GetDouble())
            : null,
        Groups = Arr(e, "groups").Select(g => new CaptionGroupNote(IntList(g, "detections"), Arr(g, "captions").Select(c => c.GetString()!).ToList(), S(g, "decision")!)).ToList(),
        Support = Obj(e, "support") is { } s ? new SupportNote(S(s, "surface"), I(s, "pixels"), IntList(s, "detections"), S(s, "reason")) : null,
        Detections = Arr(e, "detections").Select(x => new DetectionNote(x.GetProperty("index").GetInt32(), S(x, "label")!, S(x, "caption")!,
            x.GetProperty("score").GetDouble(), Arr(x, "box").Select(v => v.GetDouble()).ToArray(), I(x, "mask_pixels"),
            x.GetProperty("support").GetBoolean(), x.GetProperty("kept").GetBoolean(), I(x, "object_id"), S(x, "dropped"))).ToList(),
        Source = Obj(e, "source") is { } o ? new PhotoOriginNote(S(o, "origin")!, S(o, "caption")) : null,
    };

    private static JsonElement? Obj(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static IEnumerable<JsonElement> Arr(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];

    private static List<int> IntList(JsonElement e, string name) => Arr(e, name).Select(v => v.GetInt32()).ToList();

    private static string? S(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? D(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static int? I(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static void Str(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }

    private static void Num(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, v); else w.WriteNull(name);
    }

    private static void Ints(Utf8JsonWriter w, string name, IReadOnlyList<int> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
