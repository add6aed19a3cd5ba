using System.Text.Json;
using SpatialVlm.Core.Training;

namespace SpatialVlm.Model.Tests;

public sealed class BpeTokenizerTests : IDisposable
{
    private readonly TempFolders temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>GPT-2's byte → printable character table, as byte-level vocab.json files spell tokens.</summary>
    private static char[] ByteCharacters()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToHashSet();
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++) table[b] = printable.Contains(b) ? (char)b : (char)next++;
        return table;
    }

    /// <summary>A tiny byte-level BPE: the 256 byte tokens plus merges that build " meters" and "yes".</summary>
    internal static BpeVlmTokenizer Tiny()
    {
        var bytes = ByteCharacters();
        var vocabulary = new Dictionary<string, int>();
        foreach (var c in bytes) vocabulary[c.ToString()] = vocabulary.Count;
        string[] merges = ["e t", "e r", "Ġ m", "Ġm et", "Ġmet er", "Ġmeter s", "y e", "ye s"];
        foreach (var merge in merges) vocabulary[merge.Replace(" ", "")] = vocabulary.Count;
        return BpeVlmTokenizer.FromText(JsonSerializer.Serialize(vocabulary), "#version: 0.2\n" + string.Join("\n", merges) + "\n");
    }

    [Fact]
    public void Merges_shorten_text_digits_stay_single_and_decoding_round_trips()
    {
        var bpe = Tiny();
        Assert.Equal(256 + 8 + 6, bpe.VocabularySize);
        Assert.Equal(256 + 8, bpe.PadId);
        Assert.Equal(256 + 8 + 3, bpe.ImageId);
        var ids = bpe.EncodeText("1.2 meters");
        Assert.Equal(4, ids.Length);                       // "1" "." "2" " meters"
        Assert.Equal("1.2 meters", bpe.Decode(ids));
        Assert.Single(bpe.EncodeText("yes"));
        Assert.Equal("35 cm — près", bpe.Decode(bpe.EncodeText("35 cm — près")));
        Assert.Equal("yes", bpe.Decode([.. bpe.EncodeAnswer("yes"), .. bpe.EncodeText("ignored after eos")]));
    }

    [Fact]
    public void A_bpe_run_saves_its_tokenizer_in_the_checkpoint_and_generation_uses_it()
    {
        var bpe = Tiny();
        Assert.Throws<ModelException>(() => Trainer.Create(TestModels.Tiny, new TrainingOptions { OutputDirectory = temp.New() }, bpe));
        var config = TestModels.Tiny.ForTokenizer(bpe);
        var dir = temp.New();
        var pairs = TestModels.QaPairs().Where(e => e.Kind == ExampleKind.Spatial).ToList();
        using (var trainer = Trainer.Create(config, new TrainingOptions { OutputDirectory = dir, Steps = 2, BatchSize = 2, WarmupSteps = 0, CheckpointEvery = 0 }, bpe))
            Assert.Equal(2, trainer.Train(pairs).Losses.Count);
        using var generator = Generator.Load(dir);
        var loaded = Assert.IsType<BpeVlmTokenizer>(generator.Tokenizer);
        Assert.Equal(bpe.VocabularySize, loaded.VocabularySize);
        Assert.Equal(bpe.EncodeText("1.2 meters"), loaded.EncodeText("1.2 meters"));
        var result = generator.Generate(pairs[0].Image, pairs[0].Question, new GenerationOptions { MaxNewTokens = 4 });
        Assert.True(result.TokenIds.All(id => id < bpe.VocabularySize));
        using var resumed = Trainer.Resume(dir);
        Assert.IsType<BpeVlmTokenizer>(resumed.Tokenizer);
    }
}
