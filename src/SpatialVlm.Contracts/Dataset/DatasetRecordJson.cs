using System.Text;
using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Questions;

namespace SpatialVlm.Contracts.Dataset;

/// <summary>
/// The one serializer of <see cref="DatasetRecord"/>: dataset.jsonl lines and OUT/records/&lt;id&gt;.json files
/// (INTERFACES.md keys, plus <c>schema</c> first). Writing is deterministic, so write → read → write gives the same
/// bytes. Records of another schema version are refused with a one-line message naming the version.
/// </summary>
public static class DatasetRecordJson
{
    /// <summary>The record layout this build writes and reads. Version 1 had no <c>schema</c> key.</summary>
    public const int SchemaVersion = 2;

    public static string Serialize(DatasetRecord r)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("schema", SchemaVersion);
            w.WriteString("id", r.Id);
            w.WriteString("image", r.Image);
            w.WriteNumber("width", r.Width);
            w.WriteNumber("height", r.Height);
            w.WriteBoolean("canonicalized", r.Frame.Canonicalized);
            w.WriteStartObject("frame");
            w.WriteString("source", r.Frame.Source);
            WriteStringOrNull(w, "failure", r.Frame.Failure);
            if (r.Frame.GravityDisagreementDegrees is { } g) w.WriteNumber("gravity_disagreement_deg", g); else w.WriteNull("gravity_disagreement_deg");
            w.WriteStartArray("world_from_camera");
            foreach (var row in r.Frame.WorldFromCamera.ToMatrix4x4()) WriteNumbers(w, row);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("objects");
            foreach (var o in r.Objects) WriteObject(w, o);
            w.WriteEndArray();
            w.WriteStartArray("qa");
            foreach (var q in r.Qa) WriteQa(w, q);
            w.WriteEndArray();
            w.WritePropertyName("messages");
            ChatMessages.Write(w, r.Qa);
            w.WriteStartArray("skipped");
            foreach (var s in r.Skipped)
            {
                w.WriteStartObject();
                w.WriteString("scope", s.Scope);
                w.WriteString("id", s.Id);
                w.WriteString("reason", s.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("skipped_questions");
            foreach (var (reason, count) in r.SkippedQuestions.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteNumber(reason, count);
            w.WriteEndObject();
            if (r.Perception is { } p)
            {
                w.WritePropertyName("perception");
                PerceptionNotesJson.Write(w, p);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>The record's `qa` array alone (Parquet carries it as a JSON string column).</summary>
    public static string QaArray(IReadOnlyList<QaItem> qa) => Array(w => { foreach (var q in qa) WriteQa(w, q); });

    /// <summary>The record's `objects` array alone.</summary>
    public static string ObjectsArray(IReadOnlyList<RecordObject> objects) => Array(w => { foreach (var o in objects) WriteObject(w, o); });

    private static string Array(Action<Utf8JsonWriter> items)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            items(w);
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteObject(Utf8JsonWriter w, RecordObject o)
    {
        w.WriteStartObject();
        w.WriteNumber("id", o.Id);
        w.WriteString("caption", o.Caption);
        w.WriteString("category", o.Category);
        WriteStringOrNull(w, "name", o.Name);
        w.WritePropertyName("center");
        WriteNumbers(w, [o.Box.Center.X, o.Box.Center.Y, o.Box.Center.Z]);
        w.WritePropertyName("size");
        WriteNumbers(w, [o.Box.Width, o.Box.Length, o.Box.Height]);
        w.WriteNumber("yaw", o.Box.Yaw);
        w.WriteNumber("points", o.Points);
        w.WriteBoolean("size_known", o.SizeKnown);
        w.WriteNumber("margin_scale", o.MarginScale);
        w.WriteNumber("hidden_outline", o.HiddenOutline);
        w.WriteBoolean("truncated", o.Truncated);
        w.WriteBoolean("shallow_footprint", o.ShallowFootprint);
        if (o.Mask is { } m)
        {
            w.WriteStartObject("mask");
            w.WriteStartArray("size");
            w.WriteNumberValue(m.Height);
            w.WriteNumberValue(m.Width);
            w.WriteEndArray();
            w.WriteString("counts", m.ToCocoString());
            w.WriteEndObject();
        }
        else w.WriteNull("mask");
        if (o.PointsFile is { } f) w.WriteString("points_file", f);
        w.WriteEndObject();
    }

    private static void WriteQa(Utf8JsonWriter w, QaItem q)
    {
        w.WriteStartObject();
        w.WriteString("type", q.Type.Id);
        w.WriteNumber("a", q.A);
        if (q.B == QaItem.NoObject) w.WriteNull("b"); else w.WriteNumber("b", q.B);
        w.WriteString("question", q.Question);
        w.WriteString("answer", q.Answer);
        w.WritePropertyName("value");
        switch (q.Value)
        {
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case string s: w.WriteStringValue(s); break;
            case double d: w.WriteNumberValue(d); break;
            default: throw new InvalidOperationException($"unexpected QA value type {q.Value.GetType().Name}");
        }
        w.WriteBoolean("uncertain", q.Uncertain);
        w.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter w, ReadOnlySpan<double> values)
    {
        w.WriteStartArray();
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }

    /// <summary>One record from its JSON text; a <see cref="SpatialVlmException"/> naming <paramref name="source"/> when it is not one.</summary>
    public static DatasetRecord Deserialize(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var o = doc.RootElement;
            if (o.ValueKind != JsonValueKind.Object) throw new FormatException("not a JSON object");
            if (!o.TryGetProperty("schema", out var schema))
                throw new SpatialVlmException($"{source}: a version-1 dataset record (written before records carried a schema number); this build reads version {SchemaVersion}: run synth again into a new folder");
            if (schema.ValueKind != JsonValueKind.Number || !schema.TryGetInt32(out var version)) throw new FormatException("schema must be an integer");
            if (version != SchemaVersion)
                throw new SpatialVlmException($"{source}: a version-{version} dataset record; this build reads version {SchemaVersion}" +
                                              (version > SchemaVersion ? " (written by a newer build)" : ": run synth again into a new folder"));
            var (id, image, width, height) = (Str(o, "id"), Str(o, "image"), Req(o, "width").GetInt32(), Req(o, "height").GetInt32());
            var frame = Req(o, "frame");
            var rows = Req(frame, "world_from_camera").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            if (rows.Length != 4 || rows.Any(r => r.Length != 4)) throw new FormatException("frame.world_from_camera must be 4x4");
            var objects = Req(o, "objects").EnumerateArray().Select(ReadObject).ToList();
            var qa = Req(o, "qa").EnumerateArray().Select(ReadQa).ToList();
            var skipped = Req(o, "skipped").EnumerateArray()
                .Select(s => new RecordSkip(Str(s, "scope"), Str(s, "id"), Str(s, "reason"))).ToList();
            var skippedQuestions = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var p in Req(o, "skipped_questions").EnumerateObject()) skippedQuestions[p.Name] = p.Value.GetInt32();
            var perception = o.TryGetProperty("perception", out var pe) && pe.ValueKind == JsonValueKind.Object ? PerceptionNotesJson.Read(pe) : null;
            return new DatasetRecord(id, image, width, height,
                new RecordFrame(Req(o, "canonicalized").GetBoolean(), Str(frame, "source"), OptStr(frame, "failure"),
                    OptDouble(frame, "gravity_disagreement_deg"), RigidTransform.FromMatrix4x4(rows)),
                objects, qa, skipped, skippedQuestions, perception);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new SpatialVlmException($"{source}: not a dataset record ({(e is JsonException ? "not valid JSON" : e.Message.Split('\n')[0])})", e);
        }
    }

    private static RecordObject ReadObject(JsonElement e)
    {
        var c = Req(e, "center").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var s = Req(e, "size").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        if (c.Length != 3 || s.Length != 3) throw new FormatException("an object's center and size have three numbers each");
        RleMask? mask = null;
        if (e.TryGetProperty("mask", out var m) && m.ValueKind == JsonValueKind.Object)
        {
            var size = Req(m, "size").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            if (size.Length != 2) throw new FormatException("mask.size must be [height, width]");
            mask = new RleMask(size[0], size[1], RleMask.DecodeCounts(Str(m, "counts")));
        }
        return new RecordObject(Req(e, "id").GetInt32(), Str(e, "caption"), Str(e, "category"), OptStr(e, "name"),
            new UprightBox(new Point3(c[0], c[1], c[2]), s[0], s[1], s[2], Req(e, "yaw").GetDouble()),
            Req(e, "points").GetInt32(), Req(e, "size_known").GetBoolean(), Req(e, "margin_scale").GetDouble(),
            Req(e, "hidden_outline").GetDouble(), Req(e, "truncated").GetBoolean(), Req(e, "shallow_footprint").GetBoolean(),
            mask, OptStr(e, "points_file"));
    }

    private static QaItem ReadQa(JsonElement e)
    {
        var typeId = Str(e, "type");
        if (!QuestionCatalog.TryGet(typeId, out var type)) throw new FormatException($"unknown question type '{typeId}'");
        var v = Req(e, "value");
        object value = type.Kind switch
        {
            QuestionKind.Predicate => v.GetBoolean(),
            QuestionKind.Choice => v.GetInt32(),
            QuestionKind.Classify => v.GetString() ?? throw new FormatException("a classify value is a relation word"),
            _ => v.GetDouble(),
        };
        var hasB = e.TryGetProperty("b", out var b) && b.ValueKind != JsonValueKind.Null;
        return new QaItem(type, Req(e, "a").GetInt32(), hasB ? b.GetInt32() : QaItem.NoObject,
            Str(e, "question"), Str(e, "answer"), value, Req(e, "uncertain").GetBoolean());
    }

    private static JsonElement Req(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v
            : throw new FormatException($"missing {name}");

    private static string Str(JsonElement o, string name) =>
        Req(o, name) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw new FormatException($"{name} must be a string");

    private static string? OptStr(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? OptDouble(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
