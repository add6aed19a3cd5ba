using SpatialVlm.Core;

namespace SpatialVlm.Rewards.Tests;

public sealed class RewardRunnerTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("reward-").FullName;
    public void Dispose() { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } }

    /// <summary>Ten frames: the red square moves from x = 10 to x = 100 toward the blue one at 200.</summary>
    private string Approach(int frames = 10, int width = 320, int height = 80)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dir, "frames")).FullName;
        for (int i = 0; i < frames; i++) TestFrames.WriteSquares(Path.Combine(folder, $"{i:D3}.png"), width, height, 10 + 10 * i, 200);
        return folder;
    }

    private static RewardRun Run(ISpatialAnswerer model, string folder, RewardOptions? options = null) =>
        new RewardRunner(model, "pixels", options ?? new RewardOptions { A = "the red square", B = "the blue square" })
            .RunAsync(FrameSequence.FromFolder(folder), null, CancellationToken.None).GetAwaiter().GetResult();

    [Fact]
    public void AnApproachGivesARisingRewardAndProgressFromZeroToOne()
    {
        var model = new PixelModel();
        var run = Run(model, Approach(), new RewardOptions { A = "the red square", B = "the blue square", Samples = 3 });
        Assert.Equal(10, run.Answered);
        Assert.Empty(run.Failures);
        Assert.All(model.Requests, r => { Assert.Equal("distance", r.Type!.Id); Assert.Equal(3, r.Samples); Assert.Equal("the red square", r.A!.Phrase); });
        Assert.Equal(1.9, run.Frames[0].Distance!.Value, 1);
        Assert.True(run.Frames[0].Spread > 0.004, "three jittered samples have a spread");
        Assert.Equal(3, run.Frames[0].Samples.Count);
        for (int i = 1; i < 10; i++) Assert.True(run.Frames[i].SmoothedReward >= run.Frames[i - 1].SmoothedReward);
        Assert.Equal(0, run.Frames[0].Progress);
        Assert.Equal(1, run.Frames[^1].Progress);
        Assert.Equal("fixed", run.Camera.Mode);
        Assert.Contains("reads each image on its own", run.Camera.Frame);
        Assert.Equal("median:5", run.Smoothing.Name);
    }

    [Fact]
    public void ADescriptionMatchingNothingInSomeFramesLeavesGapsReportedPerFrame()
    {
        var folder = Approach();
        // Frames 3 and 4 lose the blue square.
        foreach (var i in new[] { 3, 4 }) TestFrames.WriteSquares(Path.Combine(folder, $"{i:D3}.png"), 320, 80, 10 + 10 * i, 400);
        var run = Run(new PixelModel(), folder);
        Assert.Equal(8, run.Answered);
        Assert.Equal([3, 4], run.Failures.Select(f => f.Index));
        Assert.All(run.Failures, f => Assert.Contains("missing", f.Reason));
        Assert.Null(run.Frames[3].Reward);
        Assert.Null(run.Frames[3].SmoothedReward);
        Assert.Null(run.Frames[3].Progress);
        Assert.NotNull(run.Frames[5].SmoothedReward);
        var csv = RewardOutputs.Csv(run).Split('\n');
        Assert.StartsWith("3,003.png,,,0,,,,,", csv[4]);
    }

    [Fact]
    public void ADescriptionMatchingNothingAnywhereIsAOneLineError()
    {
        var e = Assert.Throws<SpatialVlmException>(() => Run(new PixelModel(), Approach(), new RewardOptions { A = "the green square", B = "the blue square" }));
        Assert.Contains("no frame", e.Message);
        Assert.Contains("no green square", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void FramesOfDifferentSizesAreAOneLineErrorUnlessTheCameraMoves()
    {
        var folder = Approach();
        TestFrames.WriteSquares(Path.Combine(folder, "005.png"), 300, 80, 60, 200);
        var e = Assert.Throws<SpatialVlmException>(() => Run(new PixelModel(), folder));
        Assert.Contains("frames differ in size", e.Message);
        Assert.Contains("005.png", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        var moving = Run(new PixelModel(), folder, new RewardOptions { A = "red square", B = "blue square", Camera = CameraChoice.Moving });
        Assert.Equal("moving", moving.Camera.Mode);
        Assert.Equal(10, moving.Answered);
        Assert.Equal("What is the distance between the red square and the blue square?", moving.Question);
    }

    [Fact]
    public void AnEmptyFolderIsAOneLineError()
    {
        var empty = Directory.CreateDirectory(Path.Combine(dir, "empty")).FullName;
        var e = Assert.Throws<SpatialVlmException>(() => FrameSequence.FromFolder(empty));
        Assert.Contains("no frames", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TheOutputsAreWrittenAndTheJsonReadsBack()
    {
        var run = Run(new PixelModel(), Approach(), new RewardOptions { A = "the red square", B = "the blue square", Samples = 2, Smoothing = Smoothing.Parse("ema:0.5") });
        var outDir = Path.Combine(dir, "out");
        RewardOutputs.Write(outDir, run);
        var back = RewardRun.FromJson(File.ReadAllText(Path.Combine(outDir, "rewards.json")));
        Assert.Equal(run.ToJson(), back.ToJson());
        Assert.Equal("ema:0.5", back.Smoothing.Name);
        Assert.Contains("exponential", back.Smoothing.Method);
        Assert.Equal(11, File.ReadAllLines(Path.Combine(outDir, "rewards.csv")).Length);
        using var png = SkiaSharp.SKBitmap.Decode(Path.Combine(outDir, "rewards.png"));
        Assert.Equal(960, png.Width);
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp*"));
    }

    [Fact]
    public void AModelThatCannotAnswerAtAllStopsTheRun()
    {
        var e = Assert.ThrowsAny<SpatialVlmException>(() => Run(new Unavailable(), Approach()));
        Assert.IsType<ModelUnavailableException>(e);
    }

    private sealed class Unavailable : ISpatialAnswerer
    {
        public Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct) => throw new ModelUnavailableException("server unreachable");
    }
}
