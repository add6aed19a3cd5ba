namespace SpatialVlm.Cli.Tests;

/// <summary>Runs the whole command tree in process, as a user would type it, capturing stdout and stderr.</summary>
internal static class CliHarness
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliRunner.Run(CommandTree.Build(), args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
