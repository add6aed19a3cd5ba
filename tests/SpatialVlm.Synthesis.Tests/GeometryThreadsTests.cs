using SpatialVlm.Core;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>Geometry's thread count is a synthesis option; it changes how fast an image is done, never what comes out.</summary>
public class GeometryThreadsTests
{
    [Fact]
    public void OneOrFourGeometryThreadsGiveTheSameResult()
    {
        var obs = new SceneGenerator(new SceneOptions { Width = 320, Height = 240 }).Generate(2001).ToObservation();
        // Objects up to 20000 points, so denoising splits its clouds into ranges; the plane RANSAC scores on threads.
        var options = new SynthesisOptions { MaxPointsPerObject = 20000 };
        var one = new SynthesisPipeline(options).Run(obs, 5);
        var four = new SynthesisPipeline(options with { GeometryThreads = 4 }).Run(obs, 5);

        Assert.True(one.Frame.Canonicalized);
        Assert.Equal(one.Frame.WorldFromCamera.Rotation, four.Frame.WorldFromCamera.Rotation);
        Assert.Equal(one.Frame.WorldFromCamera.Translation, four.Frame.WorldFromCamera.Translation);
        Assert.NotEmpty(one.Objects);
        Assert.Equal(one.Objects.Select(o => o.Spatial), four.Objects.Select(o => o.Spatial));
        Assert.NotEmpty(one.Questions.Items);
        Assert.Equal(one.Questions.Items.Select(i => (i.Type, i.A, i.B, i.Question, i.Answer)), four.Questions.Items.Select(i => (i.Type, i.A, i.B, i.Question, i.Answer)));
    }

    [Fact]
    public void FewerThanOneThreadIsRefusedWhenThePipelineIsMade()
    {
        var e = Assert.Throws<SpatialVlmException>(() => new SynthesisPipeline(new SynthesisOptions { GeometryThreads = 0 }));
        Assert.Equal("geometry threads must be at least 1, got 0", e.Message);
    }
}
