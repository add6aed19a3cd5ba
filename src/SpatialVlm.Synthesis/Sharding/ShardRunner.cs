using System.Diagnostics;
using SpatialVlm.Core;
using SpatialVlm.Synthesis.Dataset;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Sharding;

/// <summary>What running one shard did, and where its time went (milliseconds).</summary>
public sealed record ShardOutcome(string Shard, bool Skipped, int Items, int Succeeded, int Failed, int Qa,
    double CheckMs, double InputChecksumMs, double SynthesisMs, double ManifestMs);

/// <summary>
/// Runs one shard of a plan into OUT/shards/&lt;name&gt;/, exactly once: a shard whose manifest validates is skipped;
/// otherwise its folder is wiped, the input is checked against the plan's checksum (a changed input is refused, naming
/// the shard), the records are made by <see cref="SynthesisRun"/> (every file written to a temporary name and renamed),
/// and the manifest is written last. An exclusive lock on OUT/shards/.&lt;name&gt;.lock keeps two processes off one
/// shard; the kernel drops it when its holder dies, so a killed worker never blocks a rerun.
/// </summary>
public sealed class ShardRunner(ShardPlan plan, string outDir, Func<IPhotoPerception> perception, TimeSpan simulatedModelTime)
{
    public ShardOutcome Run(ShardSpec shard, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        var dir = ShardPlan.ShardDir(outDir, shard.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(dir)!);
        using var held = Lock(shard.Name);
        var clock = Stopwatch.StartNew();
        var problem = ShardManifest.Check(dir, shard, plan.ConfigHash, out var done);
        var checkMs = clock.Elapsed.TotalMilliseconds;
        if (problem is null && done is not null)
        {
            progress?.Report(new RunProgress(shard.Items, shard.Items, done.Failed.Count, shard.Items));
            return new ShardOutcome(shard.Name, true, done.Items, done.Succeeded, done.Failed.Count, done.Qa, checkMs, 0, 0, 0);
        }
        clock.Restart();
        var now = ShardPlanner.InputChecksum(shard.Input);
        if (now != shard.InputChecksum)
            throw new SpatialVlmException($"{shard.Name}: its input changed since planning ({shard.Input.Describe()}: checksum {now[..12]}, planned {shard.InputChecksum[..12]}); plan again");
        var inputMs = clock.Elapsed.TotalMilliseconds;

        clock.Restart();
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        var source = ShardPlanner.Open(shard.Input, plan.Settings, perception);
        if (simulatedModelTime > TimeSpan.Zero) source = SimulatedModelSource.Wrap(source, simulatedModelTime);
        var run = new SynthesisRun(new SynthesisPipeline(plan.Settings.Pipeline()), new SynthesisRunOptions
        {
            OutDir = dir,
            Formats = DatasetFormat.Jsonl,
            Seed = plan.Settings.Seed,
            Workers = 1,
            Models = plan.Settings.Models,
            WriteManifest = false,
        });
        var outcome = run.ProcessItems(source, progress, ct);
        var failures = run.Failures(outcome.Items).Select(f => new ShardItemFailure(f.Id, f.Reason)).ToList();
        var stats = run.Assemble(outcome.Items);
        var synthesisMs = clock.Elapsed.TotalMilliseconds;

        clock.Restart();
        var manifest = new ShardManifest
        {
            Shard = shard.Name,
            Input = shard.Input,
            InputChecksum = shard.InputChecksum,
            ConfigHash = plan.ConfigHash,
            Models = plan.Settings.Models,
            Items = outcome.Items.Count,
            Succeeded = stats.Images,
            Qa = stats.QaTotal,
            Failed = failures,
            Files = ShardManifest.Checksums(dir),
        };
        manifest.Write(dir);
        return new ShardOutcome(shard.Name, false, manifest.Items, manifest.Succeeded, failures.Count, manifest.Qa, checkMs, inputMs, synthesisMs, clock.Elapsed.TotalMilliseconds);
    }

    private FileStream Lock(string name)
    {
        var path = Path.Combine(outDir, "shards", $".{name}.lock");
        try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException e) when (!AtomicFile.IsDiskFull(e))
        {
            throw new SpatialVlmException($"{name}: another process is running this shard ({e.Message.Split('\n')[0]})");
        }
    }
}
