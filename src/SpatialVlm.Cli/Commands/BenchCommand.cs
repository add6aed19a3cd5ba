using System.CommandLine;

namespace SpatialVlm.Cli.Commands;

/// <summary>`bench` groups benchmarks that print JSON.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var cmd = new Command("bench", "Benchmarks; each prints one JSON object.");
        cmd.Subcommands.Add(BenchGeometryCommand.Create());
        cmd.Subcommands.Add(BenchScenesCommand.Create());
        cmd.Subcommands.Add(BenchSynthCommand.Create());
        cmd.Subcommands.Add(BenchPerceptionCommand.Create());
        cmd.Subcommands.Add(BenchPhotosCommand.Create());
        cmd.Subcommands.Add(BenchTabletopCommand.Create());
        cmd.Subcommands.Add(BenchTrainCommand.Create());
        return cmd;
    }
}
