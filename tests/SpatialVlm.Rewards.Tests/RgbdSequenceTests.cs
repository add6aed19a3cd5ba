using SpatialVlm.Tests;
using SpatialVlm.Benchmarks;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Checks;
using Xunit.Abstractions;

namespace SpatialVlm.Rewards.Tests;

/// <summary>
/// A pick sequence as a robot's RGB-D camera records it: colour, noisy sensor depth, one intrinsics.json, COCO boxes only
/// (no masks, no pose). The oracle cuts the objects out of the sensor depth (box-only segmentation) and measures every
/// frame in one canonical frame fitted once to the depth.
/// </summary>
public sealed class RgbdSequenceTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("reward-rgbd-").FullName;
    public void Dispose() { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } }

    [Fact]
    public async Task AnRgbdApproachFromAFixedCameraSharesOneFrameFittedToTheDepth()
    {
        const long seed = 9100;
        var o = new TabletopCheckOptions { Width = 320, Height = 240, Seed = seed };
        var generator = new SceneGenerator(TabletopBoxOnlyCheck.GeneratorOptions(o));
        var layout = generator.GenerateWithLayout(seed).Layout;
        var plan = PickAndPlace.Plan(layout, seed, 20)!.Value;
        var approach = Enumerable.Range(0, 20).Where(f => plan.Poses[f].Phase is "approach" or "descend").ToArray();
        var scenes = approach.Select(f => PickAndPlace.RenderFrame(generator, seed, layout, plan, f)).ToList();
        TabletopBoxOnlyCheck.WriteFolder(dir, scenes, o);
        var target = layout.Objects[plan.Target].Caption;
        Assert.Single(layout.Objects, x => x.Caption == target);

        var run = await new RewardRunner(new OracleAnswerer(new SynthesisOptions()), "oracle", new RewardOptions { A = "the gripper", B = target, Workers = 2 })
            .RunAsync(FrameSequence.FromFolder(dir), null, CancellationToken.None);
        Assert.Equal("rgbd", run.SourceKind);
        Assert.Equal("fixed", run.Camera.Mode);
        Assert.Contains("intrinsics.json", run.Camera.Reason);
        Assert.Contains("estimated once on frame", run.Camera.Frame);
        Assert.DoesNotContain("source known", run.Camera.Frame); // no pose in the folder: fitted to the depth
        var truth = scenes.Select(s => s.Description.Robot!.GripperObjectDistance).ToArray();
        var answered = Enumerable.Range(0, scenes.Count).Where(i => run.Frames[i].Distance is not null).ToArray();
        var rho = RankCorrelation.Spearman(answered.Select(i => truth[i]).ToArray(), answered.Select(i => run.Frames[i].Distance!.Value).ToArray());
        output.WriteLine($"{run.Camera.Frame}; {answered.Length}/{scenes.Count} frames answered; Spearman {rho:0.###}");
        foreach (var f in run.Frames) output.WriteLine($"  {f.Index}: truth {truth[f.Index]:0.###} measured {f.Distance:0.###} {f.Failure}");
        Assert.True(answered.Length >= scenes.Count - 1, string.Join("; ", run.Failures.Select(f => f.Reason)));
        Assert.True(rho >= 0.9, $"Spearman {rho:0.###}");
    }
}
