using System.Xml.Linq;

namespace SpatialVlm.Cli.Tests;

/// <summary>The dependency boundaries of the brief, read from the csproj files themselves.</summary>
public class ProjectGraphTests
{

    /// <summary>Every project under src/: its direct project references and package references.</summary>
    private static Dictionary<string, (HashSet<string> Projects, HashSet<string> Packages)> Graph()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root != null && !File.Exists(Path.Combine(root.FullName, "SpatialVlm.slnx"))) root = root.Parent;
        Assert.NotNull(root);
        var graph = new Dictionary<string, (HashSet<string>, HashSet<string>)>(StringComparer.Ordinal);
        foreach (var csproj in Directory.GetFiles(Path.Combine(root!.FullName, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var doc = XDocument.Load(csproj);
            var projects = doc.Descendants("ProjectReference").Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/'))).ToHashSet();
            var packages = doc.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value).ToHashSet();
            graph[Path.GetFileNameWithoutExtension(csproj)] = (projects, packages);
        }
        return graph;
    }

    private static HashSet<string> Closure(Dictionary<string, (HashSet<string> Projects, HashSet<string> Packages)> graph, string project)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>([project]);
        while (stack.Count > 0)
            foreach (var next in graph[stack.Pop()].Projects)
                if (seen.Add(next)) stack.Push(next);
        return seen;
    }

    [Fact]
    public void EvaluationDependsOnNeitherTheEngineNorTheScenes()
    {
        var graph = Graph();
        var deps = Closure(graph, "SpatialVlm.Evaluation");
        Assert.DoesNotContain("SpatialVlm.Synthesis", deps);
        Assert.DoesNotContain("SpatialVlm.Scenes", deps);
        Assert.Contains("SpatialVlm.Contracts", deps);
        // The benchmark builder and the oracle need the engine; they have their own project.
        Assert.Contains("SpatialVlm.Synthesis", Closure(graph, "SpatialVlm.Benchmarks"));
    }

    [Fact]
    public void NativeMachineLearningPackagesStayInTheirOwnProjects()
    {
        var graph = Graph();
        string[] native = ["Microsoft.ML.OnnxRuntime", "LLamaSharp", "LLamaSharp.Backend.Cpu", "TorchSharp-cpu", "TorchSharp"];
        var owners = native.ToDictionary(p => p, p => graph.Where(kv => kv.Value.Packages.Contains(p)).Select(kv => kv.Key).ToList());
        foreach (var core in new[] { "SpatialVlm.Core", "SpatialVlm.Geometry", "SpatialVlm.Contracts", "SpatialVlm.Questions", "SpatialVlm.Evaluation", "SpatialVlm.Synthesis" })
            foreach (var dep in Closure(graph, core).Append(core))
                Assert.DoesNotContain(graph[dep].Packages, p => native.Contains(p));
        Assert.Equal(["SpatialVlm.Perception"], owners["Microsoft.ML.OnnxRuntime"]);
        Assert.Equal(["SpatialVlm.Evaluation.Gguf"], owners["LLamaSharp"]);
        Assert.All(owners["TorchSharp-cpu"], o => Assert.Equal("SpatialVlm.Model", o));
    }

    [Fact]
    public void VideoDecodingLivesOnlyInTheRewardsProjectWhichNeedsNoDataEngine()
    {
        var graph = Graph();
        Assert.Equal(["SpatialVlm.Rewards"], graph.Where(kv => kv.Value.Packages.Contains("FFMpegCore")).Select(kv => kv.Key));
        // Any ISpatialAnswerer annotates rewards; the oracle (and with it the engine) is wired in by the command line.
        var deps = Closure(graph, "SpatialVlm.Rewards");
        Assert.DoesNotContain("SpatialVlm.Synthesis", deps);
        Assert.DoesNotContain("SpatialVlm.Benchmarks", deps);
    }

    [Fact]
    public void TheContractsProjectCarriesOnlyCoreAndQuestions()
    {
        var graph = Graph();
        Assert.Equal(new HashSet<string> { "SpatialVlm.Core", "SpatialVlm.Questions" }, graph["SpatialVlm.Contracts"].Projects);
        Assert.Empty(graph["SpatialVlm.Contracts"].Packages);
    }
}
