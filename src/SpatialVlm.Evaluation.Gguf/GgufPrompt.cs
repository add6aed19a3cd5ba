using SpatialVlm.Contracts.Chat;
using SpatialVlm.Core;

namespace SpatialVlm.Evaluation.Gguf;

/// <summary>
/// The text a local VLM is given: the image marker (where mtmd splices the image tokens) and the question, in the
/// model's chat format. <see cref="Build"/> is pure: the chat template, when used, is applied by the caller's delegate.
/// </summary>
public static class GgufPrompt
{
    public const string Auto = "auto", Template = "template", Llava = "llava";

    /// <summary>The user message: the image marker on its own line, then the question.</summary>
    public static string UserContent(string marker, string question) => $"{marker}\n{question.Trim()}";

    /// <summary>LLaVA-1.5's conversation format (SpaceLLaVA and other llava GGUFs without a template).</summary>
    public static string LlavaFormat(string? system, string userContent) =>
        (system is { Length: > 0 } ? system.Trim() + "\n" : "") + $"USER: {userContent}\nASSISTANT:";

    /// <summary>LLaVA-1.5's format for a whole text conversation: the system text, USER:/ASSISTANT: turns, an assistant turn opened.</summary>
    public static string LlavaConversation(IReadOnlyList<TextChatMessage> messages)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var m in messages)
            sb.Append(m.Role switch
            {
                TextChatMessage.System => m.Content.Trim() + "\n",
                TextChatMessage.Assistant => $"ASSISTANT: {m.Content}\n",
                _ => $"USER: {m.Content}\n",
            });
        return sb.Append("ASSISTANT:").ToString();
    }

    /// <summary>
    /// A text conversation's prompt for <paramref name="format"/> (as <see cref="Build"/> for one question):
    /// <paramref name="applyTemplate"/> renders the messages with the model's chat template, null when it has none.
    /// </summary>
    public static string Conversation(string format, IReadOnlyList<TextChatMessage> messages, Func<IReadOnlyList<TextChatMessage>, string>? applyTemplate)
    {
        if (messages.Count == 0) throw new SpatialVlmException("gguf: empty conversation");
        return format switch
        {
            Auto => applyTemplate != null ? applyTemplate(messages) : LlavaConversation(messages),
            Template => applyTemplate != null ? applyTemplate(messages) : throw NoTemplate(),
            Llava => LlavaConversation(messages),
            _ => throw UnknownFormat(format),
        };
    }

    private static SpatialVlmException NoTemplate() =>
        new("gguf: the model has no chat template llama.cpp can apply (tokenizer.chat_template missing or not one it recognises); use --prompt-format llava");

    private static SpatialVlmException UnknownFormat(string format) =>
        new($"gguf: unknown prompt format '{format}' (expected {Auto}, {Template} or {Llava})");

    /// <summary>
    /// The full prompt for <paramref name="format"/>. <paramref name="applyTemplate"/> renders (system, user) with
    /// the model's chat template and an assistant turn opened; it is null when the model has no template llama.cpp can
    /// apply (none, or one it does not recognise).
    /// </summary>
    public static string Build(string format, string marker, string question, string? system,
        Func<string?, string, string>? applyTemplate)
    {
        if (string.IsNullOrWhiteSpace(question)) throw new SpatialVlmException("gguf: empty question");
        var user = UserContent(marker, question);
        return format switch
        {
            Auto => applyTemplate != null ? applyTemplate(system, user) : LlavaFormat(system, user),
            Template => applyTemplate != null ? applyTemplate(system, user) : throw NoTemplate(),
            Llava => LlavaFormat(system, user),
            _ => throw UnknownFormat(format),
        };
    }
}
