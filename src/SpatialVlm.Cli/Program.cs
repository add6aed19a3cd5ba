using System.CommandLine;
using SpatialVlm.Cli;
using SpatialVlm.Cli.Commands;

var root = new RootCommand("SpatialVLM.NET: metric 3D spatial question answering data, models and evaluation.");
// Each command lives in its own file under Commands/ and is registered here.
root.Subcommands.Add(ScenesCommand.Create());
root.Subcommands.Add(SynthCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return CliRunner.Run(root, args);
