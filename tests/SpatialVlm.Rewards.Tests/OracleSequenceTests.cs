using SpatialVlm.Tests;
using System.Text.Json.Nodes;
using SpatialVlm.Benchmarks;
using SpatialVlm.Core;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using Xunit.Abstractions;

namespace SpatialVlm.Rewards.Tests;

/// <summary>
/// The oracle's reward curve over procedural pick-and-place sequences (what `scenes --robot --frames K` writes),
/// against the exact gripper–object distance in each frame's scene.json.
/// </summary>
public sealed class OracleSequenceTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("reward-oracle-").FullName;
    public void Dispose() { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } }

    public const int Frames = 20;

    /// <summary>One sequence: its frames/ folder, the gripper's and the target's captions, and per frame the phase and exact distance.</summary>
    public sealed record Sequence(long Seed, string Folder, string Gripper, string Target, string[] Phases, double[] Truth);

    /// <summary>
    /// Renders the sequence of a seed as `scenes --robot --size 320x240 --frames 20` does, or null when the scene has
    /// nothing to pick or its target shares its caption with another object (the description would name two).
    /// </summary>
    public static Sequence? Render(string root, long seed)
    {
        var generator = new SceneGenerator(SceneOptions.Robot(320, 240));
        var folder = Path.Combine(root, SceneGenerator.SceneId(seed), "frames");
        PickAndPlace.WriteFrames(generator, seed, Frames, folder);
        if (!File.Exists(Path.Combine(folder, "sequence.json"))) return null;
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "sequence.json")))!;
        var first = SceneDescription.Load(Path.Combine(folder, "0000", "scene.json"));
        var target = (string)summary["target"]!["caption"]!;
        var gripper = first.Objects.Single(o => o.Id == (int)summary["gripper"]!).Caption;
        if (first.Objects.Count(o => o.Caption == target) != 1 || first.Objects.Count(o => o.Caption == gripper) != 1) return null;
        return new Sequence(seed, folder, gripper, target,
            summary["phase"]!.AsArray().Select(p => (string)p!).ToArray(),
            summary["gripper_object_distance"]!.AsArray().Select(d => (double)d!).ToArray());
    }

    /// <summary>
    /// 20 approach sequences (the approach and descend phases of a pick: the gripper moves above the object and down
    /// onto it). The whole pick-and-place is annotated with the oracle; on the approach frames its per-frame distances
    /// rank with the exact gripper–object distance (Spearman: median ≥ 0.95, and ≥ 0.95 in at least 19 of 20), and the
    /// smoothed reward (median:5) moves the way the truth does wherever the truth keeps one direction over the whole
    /// smoothing window (two frames either side): never down while the distance falls, never up while it rises.
    /// A sequence whose target the oracle reconstructs in no approach frame (a flat eraser too small at 320x240) has no
    /// curve to rank; it is counted and reported, and at most 2 of them are allowed.
    /// </summary>
    [Fact]
    public async Task OnTwentyApproachSequencesTheOracleRanksWithTheTruthAndTheRewardIsMonotone()
    {
        var oracle = new OracleAnswerer(new SynthesisOptions());
        var rhos = new List<double>();
        var failures = new List<string>();
        var unseen = new List<string>();
        int skipped = 0, checkedPairs = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (long seed = 9100; rhos.Count < 20 && seed < 9160; seed++)
        {
            if (Render(dir, seed) is not { } s) { skipped++; continue; }
            var approach = Enumerable.Range(0, Frames).Where(f => s.Phases[f] is "approach" or "descend").ToArray();
            var run = await new RewardRunner(oracle, "oracle", new RewardOptions { A = s.Gripper, B = s.Target, Workers = 2 })
                .RunAsync(FrameSequence.FromFolder(s.Folder), null, CancellationToken.None);
            Assert.Equal("fixed", run.Camera.Mode);
            Assert.Contains("estimated once on frame", run.Camera.Frame);
            var answered = approach.Where(f => run.Frames[f].Distance is not null).ToArray();
            if (answered.Length < 3) { unseen.Add($"seed {s.Seed} ({s.Target}: {run.Frames[approach[0]].Failure})"); continue; }
            if (answered.Length < approach.Length) output.WriteLine($"seed {s.Seed}: {approach.Length - answered.Length} approach frame(s) without a distance (a gap)");
            var rho = RankCorrelation.Spearman(answered.Select(f => s.Truth[f]).ToArray(), answered.Select(f => run.Frames[f].Distance!.Value).ToArray());
            rhos.Add(rho);
            output.WriteLine($"seed {s.Seed}: ρ = {rho:0.###} over {answered.Length}/{approach.Length} approach frames; {run.Answered}/{Frames} frames answered");
            // Monotone where the truth is: pairs whose truth direction holds over the smoothing window around them.
            for (int k = 1; k < Frames; k++)
            {
                var dir = Math.Sign(s.Truth[k] - s.Truth[k - 1]);
                if (dir == 0) continue;
                bool steady = Enumerable.Range(k - 2, 5).All(j => j >= 1 && j < Frames && Math.Sign(s.Truth[j] - s.Truth[j - 1]) == dir);
                if (!steady || run.Frames[k].SmoothedReward is not { } now || run.Frames[k - 1].SmoothedReward is not { } before) continue;
                checkedPairs++;
                // Reward = −distance: it must not fall while the distance falls, nor rise while it rises.
                if (dir < 0 ? now < before - 1e-9 : now > before + 1e-9)
                    failures.Add($"seed {s.Seed}: the smoothed reward goes the wrong way from frame {k - 1} to {k} ({before:0.###} → {now:0.###}) while the distance {(dir < 0 ? "falls" : "rises")}");
            }
        }
        var sorted = rhos.Order().ToList();
        output.WriteLine($"{rhos.Count} sequences ({skipped} seeds without a unique pickable target, {unseen.Count} with the target never reconstructed: {string.Join("; ", unseen)}), " +
                         $"{started.Elapsed.TotalSeconds:0} s: Spearman min {sorted[0]:0.###}, median {sorted[sorted.Count / 2]:0.###}, {rhos.Count(r => r >= 0.95)}/{rhos.Count} ≥ 0.95; {checkedPairs} monotone frame pairs checked, {failures.Count} wrong-way");
        Assert.Equal(20, rhos.Count);
        Assert.True(unseen.Count <= 2, string.Join("; ", unseen));
        Assert.True(sorted[sorted.Count / 2] >= 0.95, $"median Spearman {sorted[sorted.Count / 2]:0.###}");
        Assert.True(rhos.Count(r => r >= 0.95) >= 19, string.Join(", ", rhos.Select(r => r.ToString("0.###"))));
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }
}
