using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SpatialVlm.Cli.Commands;
using SpatialVlm.Perception.Models;

namespace SpatialVlm.Cli.Tests;

public sealed class ModelsCommandTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("models-cmd-").FullName;
    private static readonly byte[] Body = [1, 2, 3, 4, 5];

    public void Dispose() => Directory.Delete(home, recursive: true);

    private ModelStore Store() => new(home,
    [
        new ModelEntry("tiny", ModelRole.Depth, "metric3d", ModelHost.HuggingFace, "org/tiny", "main",
            [new ModelFile("onnx/model.onnx", 5, Convert.ToHexStringLower(SHA256.HashData(Body)))], "MIT"),
        new ModelEntry("other", ModelRole.ClipText, "clip-text", ModelHost.GitHubRelease, "o/p", "v1", [new ModelFile("t.onnx")], "Apache-2.0"),
    ]);

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand("test") { ModelsCommand.Create(Store()) };
        var stdout = new StringWriter(); var stderr = new StringWriter();
        int exit = CliRunner.Run(root, ["models", .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void ListPrintsOnePlainLinePerModelWithCachedState()
    {
        var (exit, output, _) = Run("list");
        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("tiny\trole=Depth\tsource=hf:org/tiny@main\tfiles=onnx/model.onnx\tlicence=MIT\tsize=~0.0 MB\tsha256=known\tcached=no", lines[1]);
        Assert.Contains("source=github:o/p@v1", lines[2]);
        Assert.Contains("size=unknown\tsha256=unknown\tcached=no", lines[2]);

        var path = Store().FilePath(Store().Find("tiny"), Store().Find("tiny").Files[0]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Body);
        Assert.EndsWith("cached=yes", Run("list").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    [Fact]
    public void TheWholeTreeUsesTheStoreItIsGivenNotTheEnvironment()
    {
        // In process with an explicit store: no SPATIALVLM_HOME is read or set, so this runs beside any other test.
        var stdout = new StringWriter();
        Assert.Equal(0, CliRunner.Run(CommandTree.Build(Store()), ["models", "list"], stdout, new StringWriter()));
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["tiny", "other"], lines.Skip(1).Select(l => l.Split('\t')[0]));
        Assert.Contains(home, lines[0]);
    }

    [Fact]
    public void PullOfACachedModelVerifiesItWithoutDownloading()
    {
        var path = Store().FilePath(Store().Find("tiny"), Store().Find("tiny").Files[0]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Body);
        var (exit, output, _) = Run("pull", "tiny", "--base-url", "http://127.0.0.1:9");
        Assert.Equal(0, exit);
        Assert.StartsWith($"cached {path} (0.0 MB, sha256 verified", output);
    }

    [Fact]
    public void PullErrorsAreOneLine()
    {
        var unknown = Run("pull", "nope");
        Assert.Equal(1, unknown.Exit);
        Assert.StartsWith("error: unknown model 'nope'; known: tiny, other", unknown.Err);

        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var unreachable = Run("pull", "tiny", "--base-url", $"http://127.0.0.1:{port}", "--attempts", "1");
        Assert.Equal(1, unreachable.Exit);
        Assert.StartsWith($"error: cannot reach http://127.0.0.1:{port}", unreachable.Err);
        Assert.Single(unreachable.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
