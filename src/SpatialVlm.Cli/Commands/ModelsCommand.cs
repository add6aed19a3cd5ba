using System.CommandLine;
using System.Globalization;
using SpatialVlm.Perception.Models;
using Spectre.Console;

namespace SpatialVlm.Cli.Commands;

/// <summary>`models list` and `models pull NAME`: the model registry and its cache under SPATIALVLM_HOME.</summary>
public static class ModelsCommand
{
    /// <param name="store">The model store the CLI resolved once at the top (<see cref="CommandTree.Build(ModelStore, string?, ProgramInvocation?)"/>).</param>
    /// <param name="httpFactory">Client for downloads (default: no timeout; the downloader watches for stalls).</param>
    public static Command Create(ModelStore store, Func<HttpClient>? httpFactory = null)
    {
        httpFactory ??= () => new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var cmd = new Command("models", "The model registry: list the known models, download them into SPATIALVLM_HOME (default ~/.cache/spatialvlm).");

        var list = new Command("list", "Show each model's role, source, files, licence, size, sha256 and whether it is cached.");
        list.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            if (interactive) WriteTable(store); else WritePlain(store, output);
            return 0;
        });
        cmd.Subcommands.Add(list);

        var name = new Argument<string>("NAME") { Description = "model name from `models list`" };
        var baseUrl = new Option<string?>("--base-url") { Description = "download from this base address instead of the model's host (a mirror)" };
        var attempts = new Option<int>("--attempts") { Description = "attempts per file, each resuming the partial download (default 4)", DefaultValueFactory = _ => 4 };
        var pull = new Command("pull", "Download a model's files with resume and sha256 verification.") { name, baseUrl, attempts };
        pull.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            using var http = httpFactory();
            var downloader = new ModelDownloader(http, new DownloadOptions { BaseUrl = parse.GetValue(baseUrl), MaxAttempts = parse.GetValue(attempts) });
            var progress = new Progress<DownloadProgress>(p =>
                output.WriteLine(p.Total is { } t ? $"  {p.File}: {Mb(p.Bytes)} / {Mb(t)}" : $"  {p.File}: {Mb(p.Bytes)}"));
            var model = parse.GetValue(name)!;
            foreach (var f in downloader.Pull(store, model, progress))
            {
                var check = f.Verified ? "sha256 verified" : "sha256 unknown, not verified";
                output.WriteLine($"{(f.AlreadyCached ? "cached" : "pulled")} {f.Path} ({Mb(f.Bytes)}, {check}, sha256 {f.Sha256})");
            }
            return 0;
        });
        cmd.Subcommands.Add(pull);
        return cmd;
    }

    private static string Mb(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    private static string Size(ModelEntry e) => e.ApproxBytes is { } b ? "~" + Mb(b) : "unknown";

    private static string Sha(ModelEntry e) =>
        e.Files.All(f => f.Sha256 != null) ? "known" : e.Files.Any(f => f.Sha256 != null) ? "partly known" : "unknown";

    private static string Source(ModelEntry e) => e.Host == ModelHost.HuggingFace ? $"hf:{e.Repository}@{e.Revision}" : $"github:{e.Repository}@{e.Revision}";

    private static void WritePlain(ModelStore store, TextWriter output)
    {
        output.WriteLine($"models in {Path.Combine(store.Home, "models")}");
        foreach (var e in store.Entries)
            output.WriteLine($"{e.Name}\trole={e.Role}\tsource={Source(e)}\tfiles={string.Join(",", e.Files.Select(f => f.Path))}\t" +
                             $"licence={e.Licence}\tsize={Size(e)}\tsha256={Sha(e)}\tcached={(store.IsCached(e) ? "yes" : "no")}");
    }

    private static void WriteTable(ModelStore store)
    {
        var table = new Table().Title($"models in {Markup.Escape(Path.Combine(store.Home, "models"))}");
        foreach (var c in new[] { "name", "role", "source", "files", "licence", "size", "sha256", "cached" }) table.AddColumn(c);
        foreach (var e in store.Entries)
            table.AddRow(Markup.Escape(e.Name), e.Role.ToString(), Markup.Escape(Source(e)), Markup.Escape(string.Join("\n", e.Files.Select(f => f.Path))),
                Markup.Escape(e.Licence), Size(e), Sha(e), store.IsCached(e) ? "[green]yes[/]" : "no");
        AnsiConsole.Write(table);
    }
}
