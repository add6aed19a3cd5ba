using SpatialVlm.Core;
using SpatialVlm.Questions;

namespace SpatialVlm.Contracts.Answering;

/// <summary>
/// An object a question is about: the phrase the question uses, and when known the object's id in the image's
/// record (a scene's object id, a dataset record's object id), so a model that reconstructs the image can find it
/// without parsing the phrase.
/// </summary>
public sealed record ObjectReference(string Phrase, int? Id = null);

/// <summary>An earlier question and answer about the same image (multi-turn use).</summary>
public sealed record ChatTurn(string Question, string Answer);

/// <summary>
/// One question about one image. <see cref="A"/>, <see cref="B"/> and <see cref="Type"/> are optional hints a
/// structured model (the oracle) may use; a free-text model reads <see cref="Question"/> (and <see cref="History"/>).
/// </summary>
/// <param name="Samples">How many answers to draw (1 = the single most likely answer).</param>
public sealed record AnswerRequest(string ImagePath, string Question)
{
    public ObjectReference? A { get; init; }
    public ObjectReference? B { get; init; }
    public QuestionType? Type { get; init; }
    public int Samples { get; init; } = 1;
    public IReadOnlyList<ChatTurn> History { get; init; } = [];
}

/// <summary>A model's answer: the text, and every sample when more than one was drawn (the first is <see cref="Text"/>).</summary>
public sealed record SpatialAnswer(string Text, IReadOnlyList<string> Samples)
{
    public static SpatialAnswer Single(string text) => new(text, [text]);
}

/// <summary>
/// A model that answers questions about images in free text: the oracle, an OpenAI-compatible server, a local GGUF
/// VLM, a trained checkpoint. Evaluation, `ask`, `serve` and the reasoning coordinator all call this.
/// </summary>
public interface ISpatialAnswerer
{
    Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct);
}

/// <summary>A conversation about one image: each question is sent with the turns before it.</summary>
public sealed class SpatialConversation(ISpatialAnswerer answerer, string imagePath)
{
    private readonly List<ChatTurn> turns = [];

    public IReadOnlyList<ChatTurn> Turns => turns;

    public async Task<string> AskAsync(string question, CancellationToken ct = default)
    {
        var answer = await answerer.AnswerAsync(new AnswerRequest(imagePath, question) { History = turns.ToArray() }, ct).ConfigureAwait(false);
        turns.Add(new ChatTurn(question, answer.Text));
        return answer.Text;
    }
}

/// <summary>This question could not be answered (after any retries); a run records it as a failed answer and goes on.</summary>
public sealed class AnswerFailedException(string message, int attempts, Exception? inner = null) : Exception(message, inner)
{
    public int Attempts { get; } = attempts;
}

/// <summary>The model cannot answer anything (server unreachable, key refused, unknown model): the run stops with this one line.</summary>
public sealed class ModelUnavailableException(string message, Exception? inner = null) : SpatialVlmException(message, inner);
