using SpatialVlm.Core;

namespace SpatialVlm.Perception.Detectors;

/// <summary>
/// One Grounding DINO text input: input_ids ([CLS] phrase . phrase . … [SEP]) and, per phrase, the span of its own
/// word pieces (the "." after it excluded). FirstPhrase is the index of its first phrase in the caller's query list.
/// </summary>
public sealed record GroundingDinoPrompt(long[] InputIds, IReadOnlyList<TokenSpan> Spans, int FirstPhrase)
{
    /// <summary>
    /// Builds the prompts for the phrases: each phrase trimmed and lowercased, a trailing "." dropped and one "."
    /// appended, joined by spaces ("cat. teddy bear."). Tokenizing phrase by phrase gives the same ids as tokenizing
    /// the joined text (the basic tokenizer splits at spaces and punctuation) and records the spans. Phrases are
    /// packed into as few prompts as fit maxTokens (the model's text length, 256); one phrase longer than that, or an
    /// empty phrase, is a one-line error.
    /// </summary>
    public static IReadOnlyList<GroundingDinoPrompt> Build(WordPieceTokenizer tokenizer, IReadOnlyList<string> phrases, int maxTokens = 256)
    {
        TextQueries.Check(phrases);
        int dot = tokenizer.IdOf(".");
        var prompts = new List<GroundingDinoPrompt>();
        var ids = new List<long> { tokenizer.Cls };
        var spans = new List<TokenSpan>();
        int first = 0;
        for (int k = 0; k < phrases.Count; k++)
        {
            var text = Normalize(phrases[k]);
            var pieces = tokenizer.Tokenize(text);
            if (pieces.Count == 0) throw new SpatialVlmException($"query {k} ('{phrases[k]}') is empty after tokenization");
            if (pieces.Count + 3 > maxTokens)
                throw new SpatialVlmException($"query {k} ('{phrases[k]}') has {pieces.Count} word pieces; Grounding DINO takes at most {maxTokens - 3} per phrase");
            if (ids.Count + pieces.Count + 2 > maxTokens)
            {
                prompts.Add(new GroundingDinoPrompt([.. ids, tokenizer.Sep], spans, first));
                ids = [tokenizer.Cls];
                spans = [];
                first = k;
            }
            spans.Add(new TokenSpan(ids.Count, ids.Count + pieces.Count));
            ids.AddRange(pieces.Select(p => (long)tokenizer.IdOf(p)));
            ids.Add(dot);
        }
        prompts.Add(new GroundingDinoPrompt([.. ids, tokenizer.Sep], spans, first));
        return prompts;
    }

    /// <summary>Lower case, trimmed, without its trailing dots.</summary>
    public static string Normalize(string phrase) => phrase.Trim().ToLowerInvariant().TrimEnd('.').TrimEnd();

    /// <summary>The prompt text the ids encode.</summary>
    public static string Text(IEnumerable<string> phrases) => string.Join(" ", phrases.Select(p => Normalize(p) + "."));
}
