using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpatialVlm.Core;
using SpatialVlm.Perception.Models;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Sharding;

namespace SpatialVlm.Cli.Commands;

/// <summary>What a worker process reports when its shard is done: the shard's outcome and the process's own start-up time.</summary>
public sealed record WorkerReport(
    [property: JsonPropertyName("outcome")] ShardOutcome Outcome,
    [property: JsonPropertyName("startup_ms")] double StartupMs);

/// <summary>
/// `run-shard PLAN --shard NAME` (hidden): the worker process `run-shards` starts, one per shard. It prints
/// "progress DONE TOTAL" lines while it works and one "done {json}" line (a <see cref="WorkerReport"/>) at the end on
/// stdout; a failure is the usual one-line error on stderr and a non-zero exit.
/// </summary>
public static class RunShardCommand
{
    public const string Name = "run-shard";
    public const string ProgressPrefix = "progress ";
    public const string DonePrefix = "done ";

    public static Command Create(ModelStore models)
    {
        var planArg = new Argument<string>("PLAN") { Description = "OUT/plan.json" };
        var shard = new Option<string>("--shard") { Description = "the shard's name in the plan", Required = true };
        var simulate = new Option<int>("--simulate-model-ms") { Description = "sleep this long per image before loading it, standing in for a model call", DefaultValueFactory = _ => 0 };
        var device = DeviceFlag.Create();
        var cmd = new Command(Name, "Runs one shard of a plan (the worker process of run-shards).") { planArg, shard, simulate, device };
        cmd.Hidden = true;
        cmd.SetAction(parse =>
        {
            var startupMs = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
            var planPath = parse.GetValue(planArg)!;
            var plan = ShardPlan.Read(planPath);
            var spec = plan.Shard(parse.GetValue(shard)!);
            var ms = parse.GetValue(simulate);
            if (ms < 0) throw new SpatialVlmException($"--simulate-model-ms must be 0 or more, got {ms}");
            var session = DeviceFlag.Resolve(parse.GetValue(device));
            var output = parse.InvocationConfiguration.Output;
            var gate = new object();
            var runner = new ShardRunner(plan, ShardPlan.OutDirOf(planPath), () => ShardPerception.Open(models, session), TimeSpan.FromMilliseconds(ms));
            var outcome = runner.Run(spec, new ProgressDisplay.Callback<RunProgress>(p =>
            {
                lock (gate) output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ProgressPrefix}{p.Done} {p.Total}"));
            }));
            output.WriteLine(DonePrefix + JsonSerializer.Serialize(new WorkerReport(outcome, startupMs)));
            output.Flush();
            return 0;
        });
        return cmd;
    }
}
