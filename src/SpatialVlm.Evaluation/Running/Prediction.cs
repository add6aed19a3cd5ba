using System.Globalization;
using System.Text.Json;

namespace SpatialVlm.Evaluation;

/// <summary>
/// One line of predictions.jsonl: the raw answer, how it was read, its score, and the error if the question
/// could not be answered. <see cref="Counted"/> is false for items that could not be asked (missing image):
/// they are reported but left out of the metrics.
/// </summary>
public sealed record Prediction(BenchmarkItem Item, string? Raw, ParsedAnswer Parsed, double Score, string? Error, bool Counted, bool Cached)
{
    public string ToJsonLine()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("id", Item.Id);
            w.WriteString("type", Item.Type.Id);
            w.WriteString("kind", Item.Kind.ToString().ToLowerInvariant());
            w.WriteString("image", Item.Image);
            w.WriteString("question", Item.Question);
            w.WritePropertyName("expected");
            WriteValue(w, Item.ExpectedYes, Item.ExpectedText, Item.ExpectedMeters);
            if (Item.DepthM is { } d) w.WriteNumber("depth_m", d); else w.WriteNull("depth_m");
            if (Raw != null) w.WriteString("answer", Raw); else w.WriteNull("answer");
            w.WritePropertyName("parsed");
            WriteValue(w, Parsed.Yes, Parsed.Text, Parsed.Meters);
            if (Counted) w.WriteNumber("score", Score); else w.WriteNull("score");
            if (Error != null) w.WriteString("error", Error); else w.WriteNull("error");
            w.WriteBoolean("cached", Cached);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter w, bool? yes, string? text, double? meters)
    {
        if (yes is { } y) w.WriteBooleanValue(y);
        else if (text != null) w.WriteStringValue(text);
        else if (meters is { } m && double.IsFinite(m)) w.WriteNumberValue(m);
        else w.WriteNullValue();
    }

    public string ExpectedDisplay =>
        Item.ExpectedYes is { } y ? (y ? "yes" : "no") :
        Item.ExpectedText ?? (Item.ExpectedMeters?.ToString("0.###", CultureInfo.InvariantCulture) + " m");
}
