namespace SpatialVlm.Contracts.Chat;

/// <summary>One message of a text conversation: <see cref="Role"/> is system, user or assistant.</summary>
public sealed record TextChatMessage(string Role, string Content)
{
    public const string System = "system", User = "user", Assistant = "assistant";
}

/// <summary>
/// A text model's reply, or why there is none: <see cref="Malformed"/> when the model did answer but not with
/// anything usable (a caller may remind it and ask again), else a failure that ends the conversation.
/// </summary>
public sealed record TextChatReply(string? Text, string? Failure, bool Malformed = false)
{
    public static TextChatReply Of(string text) => new(text, null);
}

/// <summary>
/// A text-only chat model (no image): an LLM that plans, such as a local GGUF model. Implementations never throw for
/// the model's behaviour (garbage, nothing, a context too small): they return a <see cref="TextChatReply"/> with the
/// reason; only the caller's cancellation throws.
/// </summary>
public interface ITextChatModel
{
    /// <summary>
    /// The next assistant message after <paramref name="messages"/>, cut before the first of <paramref name="stop"/>
    /// that it produces (the stop text itself is not returned).
    /// </summary>
    Task<TextChatReply> CompleteAsync(IReadOnlyList<TextChatMessage> messages, IReadOnlyList<string> stop, CancellationToken ct);
}
