using SpatialVlm.Tests;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>
/// The oracle's per-frame gripper–object distance over 20 procedural approach sequences (fixed steep camera, the
/// gripper moving to the object and down onto it): its ranks must follow the exact distance, Spearman ≥ 0.95 each.
/// </summary>
public class SequenceDistanceTests
{
    [Fact]
    public void ApproachDistancesFollowTheTruth()
    {
        var generator = new SceneGenerator(SceneOptions.Robot(320, 240));
        var oracle = new SequenceDistance(new SynthesisOptions());
        int sequences = 0;
        var worst = new List<string>();
        for (long seed = 300; sequences < 20 && seed < 340; seed++)
        {
            var layout = generator.GenerateWithLayout(seed).Layout;
            if (PickAndPlace.Plan(layout, seed, 20) is not { } plan) continue;
            var approach = Enumerable.Range(0, 20).Where(f => plan.Poses[f].Phase is "approach" or "descend").ToArray();
            var scenes = approach.Select(f => PickAndPlace.RenderFrame(generator, seed, layout, plan, f)).ToArray();
            var truth = scenes.Select(s => s.Description.Robot!.GripperObjectDistance).ToArray();
            var (frame, measured) = oracle.Measure(scenes.Select(s => s.ToObservation()).ToList(), plan.Gripper + 1, plan.Target + 1, (int)seed);
            Assert.True(frame.Canonicalized, $"seed {seed}: {frame.Failure}");
            var pairs = Enumerable.Range(0, truth.Length).Where(i => measured[i] is not null).Select(i => (truth[i], measured[i]!.Value)).ToArray();
            if (pairs.Length < 5) continue; // the object hidden under the gripper in most frames: no curve to rank
            sequences++;
            var rho = RankCorrelation.Spearman(pairs.Select(p => p.Item1).ToArray(), pairs.Select(p => p.Item2).ToArray());
            if (rho < 0.95) worst.Add($"seed {seed}: ρ = {rho:0.###} over {pairs.Length} frames");
        }
        Assert.Equal(20, sequences);
        Assert.True(worst.Count == 0, string.Join("; ", worst));
    }
}
