using System.Text.Json;
using SpatialVlm.Questions;

namespace SpatialVlm.Contracts.Dataset;

/// <summary>One turn of a record's conversation: the image rides on the first user turn.</summary>
public sealed record ChatMessage(string Role, string Text, bool WithImage);

/// <summary>The `messages` conversation of one image (INTERFACES.md): user/assistant turns derived from its QA.</summary>
public static class ChatMessages
{
    public static IEnumerable<ChatMessage> Of(IReadOnlyList<QaItem> items)
    {
        for (int i = 0; i < items.Count; i++)
        {
            yield return new ChatMessage("user", items[i].Question, WithImage: i == 0);
            yield return new ChatMessage("assistant", items[i].Answer, WithImage: false);
        }
    }

    /// <summary>The messages array: [{role, content: [{type: image}?, {type: text, text}]}].</summary>
    public static void Write(Utf8JsonWriter w, IReadOnlyList<QaItem> items)
    {
        w.WriteStartArray();
        foreach (var m in Of(items))
        {
            w.WriteStartObject();
            w.WriteString("role", m.Role);
            w.WriteStartArray("content");
            if (m.WithImage)
            {
                w.WriteStartObject();
                w.WriteString("type", "image");
                w.WriteEndObject();
            }
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", m.Text);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
