using System.CommandLine;

namespace SpatialVlm.Cli.Commands;

public static class ScenesCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "number of scenes", Required = true };
        var seed = new Option<long>("--seed") { Description = "random seed", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string>("--out") { Description = "output folder", Required = true };
        var cmd = new Command("scenes", "Render procedural scenes with exact ground truth into OUT/<scene-id>/.") { count, seed, outDir };
        cmd.SetAction(parse =>
        {
            parse.InvocationConfiguration.Error.WriteLine("scenes: not yet implemented");
            return 3;
        });
        return cmd;
    }
}
