using System.CommandLine;
using SpatialVlm.Cli.Commands;
using SpatialVlm.Benchmarks;
using SpatialVlm.Evaluation;
using SpatialVlm.Synthesis;

namespace SpatialVlm.Cli;

/// <summary>The whole `spatialvlm` command tree; each command lives in its own file under Commands/.</summary>
public static class CommandTree
{
    public static RootCommand Build()
    {
        var root = new RootCommand("SpatialVLM.NET: metric 3D spatial question answering data, models and evaluation.");
        root.Subcommands.Add(ScenesCommand.Create());
        root.Subcommands.Add(SynthCommand.Create());
        root.Subcommands.Add(BenchmarkCommand.Create());
        root.Subcommands.Add(EvalCommand.Create(RegisterOracle));
        root.Subcommands.Add(AskCommand.Create(RegisterOracle));
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ViewCommand.Create());
        return root;
    }

    private static void RegisterOracle(AnswererFactory factory, OpenAiChatOptions _) =>
        factory.Register("oracle", _ => new OracleAnswerer(new SynthesisOptions()));
}
