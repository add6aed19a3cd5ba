using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis.Sharding;
using SpatialVlm.Synthesis.Sources;

namespace SpatialVlm.Cli.Commands;

/// <summary>`plan`: cuts the input of a synth run into shards and writes OUT/plan.json.</summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var input = new Option<string[]>("--input") { Description = "input folders or files (repeatable): scene folders and image folders are cut into slices of --shard-size; each WebDataset .tar and Parquet file is a shard", AllowMultipleArgumentsPerToken = true };
        var scenes = new Option<int?>("--scenes") { Description = "N procedural scenes as the input (seeds S … S+N−1)" };
        var seed = new Option<long>("--seed") { Description = "first scene seed, and the seed mixed into question sampling (as for synth)", DefaultValueFactory = _ => 0 };
        var shardSize = new Option<int>("--shard-size") { Description = "scenes or images per shard", Required = true };
        var outDir = new Option<string>("--out") { Description = "output folder: OUT/plan.json now, OUT/shards/<name>/ when the shards run, OUT/merged/ at the merge", Required = true };
        var qaPerImage = new Option<int>("--qa-per-image") { Description = "questions per image", DefaultValueFactory = _ => 30 };
        var size = new Option<string>("--size") { Description = "procedural scene size WxH", DefaultValueFactory = _ => "640x480" };
        var force = new Option<bool>("--force") { Description = "replace a plan of another configuration whose shards OUT already holds" };
        var cmd = new Command("plan", "Lists the shards of a synth run (OUT/plan.json): procedural seed ranges, folder slices, .tar and Parquet files, each with its input checksum.")
        { input, scenes, seed, shardSize, outDir, qaPerImage, size, force };
        cmd.SetAction(parse =>
        {
            var outPath = OutputPath.Folder(parse.GetValue(outDir));
            var n = parse.GetValue(scenes);
            var sources = parse.GetValue(input) ?? [];
            if ((n is null) == (sources.Length == 0)) throw new SpatialVlmException("give exactly one input: --scenes N or --input SOURCES");
            if (parse.GetValue(qaPerImage) <= 0) throw new SpatialVlmException($"--qa-per-image must be positive, got {parse.GetValue(qaPerImage)}");
            var (w, h) = SceneOptions.ParseSize(parse.GetValue(size)!);
            var k = parse.GetValue(shardSize);
            var shards = n is int count
                ? ShardPlanner.Procedural(count, parse.GetValue(seed), k)
                : ShardPlanner.FromInputs(sources, k, CountPhotos);
            var usesModels = shards.Any(s => s.Input.Kind is ShardInputKind.ImageFiles or ShardInputKind.Tar or ShardInputKind.Parquet);
            var settings = new ShardSettings
            {
                Seed = parse.GetValue(seed), QaPerImage = parse.GetValue(qaPerImage), Width = w, Height = h,
                Models = usesModels ? ShardPerception.ModelFields() : new SortedDictionary<string, string>(StringComparer.Ordinal),
            };
            var plan = ShardPlan.Of(settings, shards);
            var planPath = Path.Combine(outPath, ShardPlan.FileName);
            if (File.Exists(planPath) && !parse.GetValue(force) && Directory.Exists(Path.Combine(outPath, "shards")))
            {
                var before = ShardPlan.Read(planPath);
                var diffs = ConfigFields.Differences(before.Config, plan.Config);
                if (diffs.Count > 0)
                    throw new SpatialVlmException($"{outPath} holds shards of a plan under another configuration ({string.Join("; ", diffs.Take(3))}{(diffs.Count > 3 ? $"; {diffs.Count - 3} more" : "")}); use a new --out, or --force");
            }
            Directory.CreateDirectory(outPath);
            plan.Write(planPath);
            parse.InvocationConfiguration.Output.WriteLine($"plan: {shards.Count} shards, {shards.Sum(s => (long)s.Items)} images ({k} per shard), configuration {plan.ConfigHash[..12]} -> {planPath}");
            return 0;
        });
        return cmd;
    }

    private static int CountPhotos(ShardInputKind kind, string root, string file) => kind == ShardInputKind.Tar
        ? TarShardPhotos.Entries(root, Path.Combine(root, file)).Count()
        : ParquetPhotos.Entries(root, Path.Combine(root, file), null).Count();
}

/// <summary>
/// The perception models of photo shards: the default model choice of `synth` (shards take no model flags yet), its
/// fields in the plan's configuration, and the chain a worker opens from the model store.
/// </summary>
public static class ShardPerception
{
    public static PhotoModelChoice Choice() =>
        new() { Chain = new PhotoPerceptionOptions { Queries = PhotoPerceptionFactory.Queries(null, null) } };

    public static SortedDictionary<string, string> ModelFields() => ConfigFields.Flatten(Choice(), "perception");

    public static IPhotoPerception Open(ModelStore models, OnnxSessionOptions session) => PhotoPerceptionFactory.Open(models, Choice(), session);
}
