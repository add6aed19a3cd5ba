using System.Text.Json;
using System.Text.Json.Serialization;
using SpatialVlm.Core;
using SpatialVlm.Core.Training;
using SpatialVlm.Imaging;

namespace SpatialVlm.Model;

/// <summary>
/// Examples from a LLaVA-format file ([{id, image, conversations: [{from: human|gpt, value}]}], as LLaVA's instruction
/// data and our own `synth --format llava` write it): one example per human turn followed by a gpt turn, the
/// &lt;image&gt; marker removed from the question. Images resolve against the file's folder and must stay inside it. The
/// file is read as a stream of entries; an entry without an image, or whose image does not decode, is skipped with
/// its reason and counted.
/// </summary>
public sealed class LlavaExamples : IEnumerable<TrainingExample>
{
    private readonly string file;
    private readonly string root;
    private readonly ExampleKind kind;
    private readonly RecordImages images = new();

    public LlavaExamples(string file, ExampleKind kind = ExampleKind.General)
    {
        this.file = Path.GetFullPath(file);
        if (!File.Exists(this.file)) throw new ModelException($"LLaVA file {file} does not exist");
        root = Path.GetDirectoryName(this.file)!;
        this.kind = kind;
    }

    /// <summary>Entries skipped so far, with the reason for each.</summary>
    public IReadOnlyDictionary<string, string> Skipped => images.Skipped;

    public IEnumerator<TrainingExample> GetEnumerator()
    {
        using var stream = File.OpenRead(file);
        IEnumerable<LlavaEntry?> entries;
        try
        {
            entries = JsonSerializer.DeserializeAsyncEnumerable<LlavaEntry>(stream).ToBlockingEnumerable();
        }
        catch (JsonException e) { throw Malformed(e); }
        using var enumerator = entries.GetEnumerator();
        for (var index = 0; ; index++)
        {
            try
            {
                if (!enumerator.MoveNext()) yield break;
            }
            catch (JsonException e) { throw Malformed(e); }
            var entry = enumerator.Current;
            // LLaVA ids are strings in some files and numbers in others.
            var id = entry?.Id is { ValueKind: JsonValueKind.String or JsonValueKind.Number } raw ? raw.ToString() : $"entry {index}";
            if (entry?.Image is not { Length: > 0 } imageName || entry.Conversations is not { Count: > 0 } turns)
            {
                images.Skip(id, "no image or no conversation");
                continue;
            }
            if (images.Decode(root, imageName, id) is not { } image) continue;
            var pair = 0;
            for (var t = 0; t + 1 < turns.Count; t++)
            {
                if (turns[t].From != "human" || turns[t + 1].From != "gpt") continue;
                var question = turns[t].Value.Replace("<image>", "", StringComparison.Ordinal).Trim();
                var answer = turns[t + 1].Value.Trim();
                if (question.Length == 0 || answer.Length == 0) continue;
                yield return new TrainingExample($"{id}#{pair++}", image, question, answer, kind);
                t++;
            }
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private ModelException Malformed(JsonException e) =>
        new($"{file} is not a LLaVA JSON array of {{id, image, conversations}} entries: {e.Message.Split('\n')[0]}");

    private sealed record LlavaEntry(
        [property: JsonPropertyName("id")] JsonElement? Id,
        [property: JsonPropertyName("image")] string? Image,
        [property: JsonPropertyName("conversations")] IReadOnlyList<LlavaTurn>? Conversations);

    private sealed record LlavaTurn(
        [property: JsonPropertyName("from")] string From,
        [property: JsonPropertyName("value")] string Value);
}
