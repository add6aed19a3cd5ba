using System.CommandLine;

namespace SpatialVlm.Cli.Commands;

public static class SynthCommand
{
    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = "output folder", Required = true };
        var cmd = new Command("synth", "The data engine: observations in, spatial QA dataset out.") { outDir };
        cmd.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.WriteLine("synth: not yet (the synthesis issue lands it)");
            return 0;
        });
        return cmd;
    }
}
