using SpatialVlm.Contracts.Chat;
using SpatialVlm.Core;

namespace SpatialVlm.Evaluation.Gguf;

/// <summary>
/// A local GGUF language model as a text chat model (<c>--llm gguf:MODEL.gguf</c>, the reasoning planner): the
/// conversation rendered with the model's chat template when llama.cpp can apply it (else LLaVA's USER:/ASSISTANT:
/// format, per <see cref="GgufVlmOptions.PromptFormat"/>), then greedy generation up to
/// <see cref="GgufVlmOptions.MaxTokens"/> or a stop text. One generation at a time; the KV cache is cleared each turn.
/// </summary>
public sealed class GgufChatModel : ITextChatModel, IDisposable
{
    private readonly GgufTextModel text;
    private readonly GgufVlmOptions options;
    private readonly Func<IReadOnlyList<TextChatMessage>, string>? applyTemplate;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    private GgufChatModel(GgufTextModel text, Func<IReadOnlyList<TextChatMessage>, string>? applyTemplate, GgufVlmOptions options)
    {
        this.text = text;
        this.applyTemplate = applyTemplate;
        this.options = options;
    }

    /// <summary>Checks the file (GGUF magic) and the prompt format, then loads the model; every failure is one line.</summary>
    public static GgufChatModel Load(string path, GgufVlmOptions options)
    {
        GgufPrompt.Conversation(options.PromptFormat, [new(TextChatMessage.User, "check")], m => ""); // an unknown format fails before loading
        var text = GgufTextModel.Load(path, options);
        try
        {
            Func<IReadOnlyList<TextChatMessage>, string>? applyTemplate = text.CanApplyChatTemplate() ? text.ApplyChatTemplate : null;
            GgufPrompt.Conversation(options.PromptFormat, [new(TextChatMessage.User, "check")], applyTemplate); // template without a usable one fails here
            return new GgufChatModel(text, applyTemplate, options);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    /// <summary>Whether prompts use the model's chat template (else LLaVA's USER:/ASSISTANT: format).</summary>
    public bool UsesChatTemplate => options.PromptFormat != GgufPrompt.Llava && applyTemplate != null;

    /// <summary>The exact text llama.cpp is given for <paramref name="messages"/>.</summary>
    public string Prompt(IReadOnlyList<TextChatMessage> messages) => GgufPrompt.Conversation(options.PromptFormat, messages, applyTemplate);

    public async Task<TextChatReply> CompleteAsync(IReadOnlyList<TextChatMessage> messages, IReadOnlyList<string> stop, CancellationToken ct)
    {
        await oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Generation is CPU-bound native work: keep it off the caller's thread.
            return await Task.Run(() => Complete(messages, stop, ct), ct).ConfigureAwait(false);
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    /// <summary>One reply with its statistics, or the one-line reason there is none. Not thread-safe.</summary>
    public (TextChatReply Reply, GenerationStats? Stats) CompleteWithStats(IReadOnlyList<TextChatMessage> messages, IReadOnlyList<string> stop, CancellationToken ct = default)
    {
        try
        {
            var generation = text.Complete(Prompt(messages), options.MaxTokens, ct, stop);
            return (TextChatReply.Of(generation.Text), generation.Stats);
        }
        catch (AnswerFailedException e)
        {
            return (new TextChatReply(null, e.Message), null);
        }
        catch (SpatialVlmException e)
        {
            return (new TextChatReply(null, e.Message), null);
        }
    }

    private TextChatReply Complete(IReadOnlyList<TextChatMessage> messages, IReadOnlyList<string> stop, CancellationToken ct) =>
        CompleteWithStats(messages, stop, ct).Reply;

    public void Dispose()
    {
        text.Dispose();
        oneAtATime.Dispose();
    }
}
