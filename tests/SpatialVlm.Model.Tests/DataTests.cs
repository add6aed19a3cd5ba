using System.Globalization;
using System.Text.RegularExpressions;
using SpatialVlm.Core.Training;

namespace SpatialVlm.Model.Tests;

public class DataTests
{
    private static TrainingExample Example(string id, ExampleKind kind, int answerLength) =>
        new(id, new Core.RgbImage(2, 2), "q?", new string('a', answerLength), kind);

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.3)]
    public void The_mixture_sampler_meets_the_spatial_token_share(double target)
    {
        // Spatial answers are long and general ones short, so an example share would miss the token share badly.
        var spatial = Enumerable.Range(0, 37).Select(i => Example($"s{i}", ExampleKind.Spatial, 40 + i % 7)).ToList();
        var general = Enumerable.Range(0, 53).Select(i => Example($"g{i}", ExampleKind.General, 5 + i % 3)).ToList();
        using var sampler = new MixtureSampler(spatial, general, target, seed: 9, tokenCount: e => e.Answer.Length + 4);
        long spatialTokens = 0, allTokens = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var e = sampler.Next();
            allTokens += e.Answer.Length + 4;
            if (e.Kind == ExampleKind.Spatial) spatialTokens += e.Answer.Length + 4;
        }
        var share = (double)spatialTokens / allTokens;
        Assert.InRange(share, target * 0.9, target * 1.1);
        Assert.Equal(share, sampler.SpatialTokenShareSoFar, 12);
    }

    [Fact]
    public void A_sampler_restored_from_its_state_continues_with_the_same_draws()
    {
        var spatial = Enumerable.Range(0, 5).Select(i => Example($"s{i}", ExampleKind.Spatial, 10)).ToList();
        var general = Enumerable.Range(0, 7).Select(i => Example($"g{i}", ExampleKind.General, 3)).ToList();
        using var straight = new MixtureSampler(spatial, general, 0.4, 1, e => e.Answer.Length);
        var expected = Enumerable.Range(0, 60).Select(_ => straight.Next().Id).ToList();
        using var first = new MixtureSampler(spatial, general, 0.4, 1, e => e.Answer.Length);
        var drawn = Enumerable.Range(0, 25).Select(_ => first.Next().Id).ToList();
        using var second = new MixtureSampler(spatial, general, 0.4, 1, e => e.Answer.Length, first.State);
        drawn.AddRange(Enumerable.Range(0, 35).Select(_ => second.Next().Id));
        Assert.Equal(expected, drawn);
    }

    [Fact]
    public void Answer_noise_is_relative_gaussian_with_the_requested_sigma()
    {
        const double sigma = 0.1;
        var random = new SeededRandom(123);
        var ratios = Enumerable.Range(0, 4000)
            .Select(_ => AnswerNoise.Perturb("about 2.000 meters", sigma, random))
            .Select(a => double.Parse(Regex.Match(a, @"\d+\.\d+").Value, CultureInfo.InvariantCulture) / 2.0)
            .ToArray();
        var mean = ratios.Average();
        var sd = Math.Sqrt(ratios.Sum(r => (r - mean) * (r - mean)) / (ratios.Length - 1));
        Assert.InRange(mean, 0.99, 1.01);
        Assert.InRange(sd, 0.09, 0.11);
        var withinOneSigma = ratios.Count(r => Math.Abs(r - 1) <= sigma) / (double)ratios.Length;
        Assert.InRange(withinOneSigma, 0.64, 0.72);   // a normal puts 68 % within one σ
    }

    [Fact]
    public void Answer_noise_scales_every_length_by_one_factor_and_leaves_other_text_alone()
    {
        var random = new SeededRandom(7);
        Assert.Equal("yes", AnswerNoise.Perturb("yes", 0.2, random));
        Assert.Equal("there are 3 chairs", AnswerNoise.Perturb("there are 3 chairs", 0.2, random));
        Assert.Equal("1.2 meters", AnswerNoise.Perturb("1.2 meters", 0, random));
        var noisy = AnswerNoise.Perturb("3 feet 4 inches, or 100 cm", 0.2, new SeededRandom(99));
        var numbers = Regex.Matches(noisy, @"\d+(\.\d+)?").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3, numbers.Length);
        Assert.NotEqual("3 feet 4 inches, or 100 cm", noisy);
        Assert.InRange(numbers[0] / 3, numbers[2] / 100 - 0.03, numbers[2] / 100 + 0.03);
        Assert.Equal(noisy, AnswerNoise.Perturb("3 feet 4 inches, or 100 cm", 0.2, new SeededRandom(99)));
    }

    [Fact]
    public void Images_are_squashed_to_the_model_square_and_scaled_to_minus_one_one()
    {
        // 4×2: left half black, right half white, a red pixel top-left.
        var image = new Core.RgbImage(4, 2);
        for (var y = 0; y < 2; y++) for (var x = 2; x < 4; x++) Array.Fill(image.Pixels, (byte)255, (y * 4 + x) * 3, 3);
        image.Pixels[0] = 255;
        using var pixels = ImagePreprocessor.ToPixelValues([image, image], 8);
        Assert.Equal(new long[] { 2, 3, 8, 8 }, pixels.shape);
        var v = pixels.data<float>().ToArray();
        float At(int b, int c, int y, int x) => v[((b * 3 + c) * 8 + y) * 8 + x];
        Assert.Equal(-1f, At(0, 1, 7, 0), 5);        // black bottom-left, green channel
        Assert.Equal(1f, At(0, 1, 0, 7), 5);         // white top-right
        Assert.Equal(1f, At(1, 0, 0, 0), 5);         // red corner pixel, red channel
        Assert.Equal(-1f, At(1, 1, 0, 0), 5);        // ... with no green
        Assert.All(v, x => Assert.InRange(x, -1f, 1f));
    }

    [Fact]
    public void The_chat_format_puts_image_placeholders_between_user_and_question()
    {
        var t = ByteTokenizer.Instance;
        var prompt = t.EncodePrompt("how far?", 4);
        Assert.Equal([ByteTokenizer.Bos, ByteTokenizer.User, ByteTokenizer.Image, ByteTokenizer.Image, ByteTokenizer.Image, ByteTokenizer.Image], prompt[..6]);
        Assert.Equal(ByteTokenizer.Assistant, prompt[^1]);
        Assert.Equal("how far?", t.Decode(prompt));
        var answer = t.EncodeAnswer("1.5 m — près");
        Assert.Equal(ByteTokenizer.Eos, answer[^1]);
        Assert.Equal("1.5 m — près", t.Decode(answer));
        Assert.Throws<CheckpointException>(() => VlmTokenizer.FromDescription(new TokenizerDescription("sentencepiece", 50000, [])));
        Assert.Throws<CheckpointException>(() => VlmTokenizer.FromDescription(new TokenizerDescription(BpeVlmTokenizer.Kind, 50000, [])));
    }
}
