using System.CommandLine;
using SpatialVlm.Web;

namespace SpatialVlm.Cli.Commands;

/// <summary>`view DIR [DIR2] [--port P] [--host H]`: the local web viewer for a dataset, benchmark or eval folder (two eval folders: side by side).</summary>
public static class ViewCommand
{
    public static Command Create()
    {
        var dirs = new Argument<string[]>("DIR") { Description = "a folder synth, benchmark build or eval wrote (or a benchmark .jsonl); two eval folders are shown side by side", Arity = new ArgumentArity(1, 2) };
        var port = new Option<int>("--port") { Description = "port to listen on (default 8765; 0 picks a free one)", DefaultValueFactory = _ => 8765 };
        var host = new Option<string>("--host") { Description = "address to listen on (default 127.0.0.1: this machine only)", DefaultValueFactory = _ => "127.0.0.1" };
        var maxPoints = new Option<int>("--max-points") { Description = "the 3D view down-samples an image's points beyond this count (default 200000)", DefaultValueFactory = _ => 200_000 };
        var cmd = new Command("view", "Serve a local web page showing a dataset (images, masks, questions, skips, 3D points and boxes), a benchmark, or an evaluation (metrics, plots, predictions beside the truth).")
            { dirs, port, host, maxPoints };
        cmd.SetAction(async (parse, cancel) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var folder = ViewedFolder.Detect(parse.GetValue(dirs)!);
            var points = parse.GetValue(maxPoints);
            if (points < 1) throw new Core.SpatialVlmException($"--max-points must be at least 1, not {points}");
            await using var server = await ViewerServer.StartAsync(folder,
                new ViewerOptions { Port = parse.GetValue(port), Host = parse.GetValue(host)!, MaxPoints = points }, cancel);
            output.WriteLine($"{folder.KindName} folder {string.Join(" and ", folder.EvalRoots.Count > 1 ? folder.EvalRoots : [folder.Root])}");
            output.WriteLine($"viewer at {server.Url} (Ctrl+C stops it)");
            await server.WaitForShutdownAsync(cancel);
            return 0;
        });
        return cmd;
    }
}
