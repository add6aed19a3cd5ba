using System.CommandLine;
using SpatialVlm.Cli.Commands;
using SpatialVlm.Cli.Slurm;
using SpatialVlm.Benchmarks;
using SpatialVlm.Evaluation;
using SpatialVlm.Perception.Models;
using SpatialVlm.Synthesis;

namespace SpatialVlm.Cli;

/// <summary>The whole `spatialvlm` command tree; each command lives in its own file under Commands/.</summary>
public static class CommandTree
{
    /// <summary>The tree over the model store at the environment's SPATIALVLM_HOME, read here once for every command.</summary>
    public static RootCommand Build() => Build(ModelStore.FromEnvironment(), Environment.GetEnvironmentVariable("PATH"));

    /// <summary>The tree over the given model store; commands that open models use this one and read no environment.</summary>
    /// <param name="searchPath">the PATH-style folder list `reward` looks for ffmpeg in (null: none, so a video is refused naming the package)</param>
    /// <param name="self">how scripts this program writes (slurm) call it again (null: this process as it was started, <see cref="ProgramInvocation.Current"/>)</param>
    public static RootCommand Build(ModelStore models, string? searchPath = null, ProgramInvocation? self = null)
    {
        var root = new RootCommand("SpatialVLM.NET: metric 3D spatial question answering data, models and evaluation.");
        root.Subcommands.Add(ScenesCommand.Create());
        root.Subcommands.Add(SynthCommand.Create(models));
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(RunShardsCommand.Create());
        root.Subcommands.Add(RunShardCommand.Create(models));
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(BenchmarkCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create(RegisterLocalModels));
        root.Subcommands.Add(AskCommand.Create(RegisterLocalModels));
        root.Subcommands.Add(ReasonCommand.Create(RegisterLocalModels));
        root.Subcommands.Add(ServeCommand.Create(RegisterLocalModels));
        root.Subcommands.Add(RewardCommand.Create(RegisterLocalModels, searchPath));
        root.Subcommands.Add(ModelsCommand.Create(models));
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ViewCommand.Create());
        root.Subcommands.Add(SlurmCommand.Create(self));
        return root;
    }

    /// <summary>The answerers this build holds besides the built-in openai and gguf: the oracle and trained checkpoints.</summary>
    private static void RegisterLocalModels(AnswererFactory factory, OpenAiChatOptions _)
    {
        factory.Register("oracle", _ => new OracleAnswerer(new SynthesisOptions()));
        factory.Register("checkpoint", spec => new Model.CheckpointAnswerer(spec.Path!));
    }
}
