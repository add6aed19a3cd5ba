using System.Net;
using System.Net.Sockets;

namespace SpatialVlm.Cli.Tests;

/// <summary>`view` through the command line: a folder of no known kind and a port in use are one line on stderr and exit 1.</summary>
public sealed class ViewCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("view-cli-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void AFolderOfNoKnownKindIsOneLine()
    {
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "hello");
        var (exit, _, err) = Run("view", dir);
        Assert.Equal(1, exit);
        Assert.Equal($"error: {dir}: not a dataset (no dataset.jsonl), benchmark (no .jsonl) or eval folder (no metrics.json and predictions.jsonl)", err.TrimEnd());
    }

    [Fact]
    public void APortInUseIsOneLine()
    {
        File.WriteAllText(Path.Combine(dir, "dataset.jsonl"), "");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var (exit, _, err) = Run("view", dir, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, exit);
        Assert.Equal($"error: port {port} on 127.0.0.1 is already in use (pick another with --port)", err.TrimEnd());
    }
}
