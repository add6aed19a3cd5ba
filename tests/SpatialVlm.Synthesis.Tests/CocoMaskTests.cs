using System.Text.Json;
using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Synthesis.Sources;

namespace SpatialVlm.Synthesis.Tests;

public class CocoMaskTests
{
    [Theory]
    // Worked by hand from pycocotools' rule: 5-bit groups + 48, 0x20 = more, from the 4th run on a difference from counts[i-2].
    [InlineData("053", new uint[] { 0, 5, 3 })]
    [InlineData("2342", new uint[] { 2, 3, 4, 5 })]          // 4th run: 5 − 3 = 2
    [InlineData("1:2G", new uint[] { 1, 10, 2, 1 })]          // 4th run: 1 − 10 = −9 → group 23 with the sign bit → 'G'
    [InlineData("T3", new uint[] { 100 })]                    // 100 = 4 + 3·32 → '0'+(4|0x20) = 'T', then '3'
    public void RleStringsMatchHandVectors(string text, uint[] counts)
    {
        Assert.Equal(counts, CocoMasks.DecodeRleString(text));
        Assert.Equal(text, CocoMasks.EncodeRleString(counts));
    }

    [Fact]
    public void RleIsColumnMajor()
    {
        // 3 wide, 2 high; runs: 1 off, 2 on, 3 off. Column-major order 0..5 = (0,0),(0,1),(1,0),(1,1),(2,0),(2,1).
        var pixels = CocoMasks.FromRle(new CocoRle(2, 3, [1, 2, 3]), 3, 2);
        Assert.Equal(new[] { 1, 3 }, pixels); // (1,0) → 1 and (0,1) → 3 in row-major indices
    }

    [Fact]
    public void RleRoundTripsAnyMask() =>
        Gen.Select(Gen.Int[1, 12], Gen.Int[1, 12]).SelectMany((w, h) => Gen.Bool.Array[w * h].Select(on => (w, h, on)))
            .Sample(t =>
            {
                var pixels = Enumerable.Range(0, t.w * t.h).Where(i => t.on[i]).ToArray();
                var rle = CocoMasks.ToRle(pixels, t.w, t.h);
                var text = CocoMasks.EncodeRleString(rle.Counts);
                var back = CocoMasks.FromRle(rle with { Counts = CocoMasks.DecodeRleString(text) }, t.w, t.h);
                return back.SequenceEqual(pixels);
            }, iter: 300);

    [Fact]
    public void BadRleIsAOneLineError()
    {
        Assert.Throws<SpatialVlmException>(() => CocoMasks.FromRle(new CocoRle(2, 3, [1, 2]), 3, 2));       // covers 3 of 6 pixels
        Assert.Throws<SpatialVlmException>(() => CocoMasks.FromRle(new CocoRle(3, 2, [6]), 3, 2));          // size mismatch
        Assert.Throws<SpatialVlmException>(() => CocoMasks.DecodeRleString("0\u007f"));                     // outside the alphabet
        Assert.Throws<SpatialVlmException>(() => CocoMasks.DecodeRleString("P"));                           // ends inside a run
    }

    [Fact]
    public void PolygonCoversPixelCentres()
    {
        // Square from (1,1) to (4,3): centres x 1.5..3.5, y 1.5..2.5.
        var pixels = CocoMasks.FromPolygons([[1, 1, 4, 1, 4, 3, 1, 3]], 6, 5);
        Assert.Equal(new[] { 7, 8, 9, 13, 14, 15 }, pixels);
        // Two polygons are a union; a triangle's pixel count is close to its area.
        var tri = CocoMasks.FromPolygons([[0, 0, 100, 0, 0, 80]], 120, 100);
        Assert.InRange(tri.Length, 4000 - 100, 4000 + 100);
        var both = CocoMasks.FromPolygons([[1, 1, 4, 1, 4, 3, 1, 3], [0, 4, 2, 4, 2, 5, 0, 5]], 6, 5);
        Assert.Equal(new[] { 7, 8, 9, 13, 14, 15, 24, 25 }, both);
        // Parts outside the image are clipped.
        Assert.Equal(new[] { 0 }, CocoMasks.FromPolygons([[-5, -5, 1, -5, 1, 1, -5, 1]], 3, 3));
    }

    [Fact]
    public void ParsesBoxesPolygonsAndBothRleForms()
    {
        var json = """
        {"images":[{"id":7,"file_name":"sub/a.jpg"},{"id":8,"file_name":"b.jpg"}],
         "categories":[{"id":3,"name":"mug"},{"id":4,"name":" chair "}],
         "annotations":[
           {"id":1,"image_id":7,"category_id":3,"bbox":[1,2,3,4]},
           {"id":2,"image_id":7,"category_id":4,"segmentation":[[1,1,4,1,4,3]],"bbox":[1,1,3,2]},
           {"id":3,"image_id":8,"category_id":3,"segmentation":{"size":[2,3],"counts":[1,2,3]}},
           {"id":4,"image_id":8,"category_id":3,"segmentation":{"size":[2,3],"counts":"123"}}]}
        """;
        var coco = CocoAnnotations.Parse(JsonDocument.Parse(json).RootElement);
        var a = coco.For("a.jpg");
        Assert.Equal(2, a.Count);
        Assert.Equal(new PixelBox(1, 2, 3, 4), a[0].Box);
        Assert.Null(a[0].Segmentation);
        Assert.Equal("chair", a[1].Category);
        Assert.IsType<CocoPolygons>(a[1].Segmentation);
        var b = coco.For("b.jpg");
        Assert.Equal(new uint[] { 1, 2, 3 }, ((CocoRle)b[0].Segmentation!).Counts);
        Assert.Equal(new uint[] { 1, 2, 3 }, ((CocoRle)b[1].Segmentation!).Counts);
        Assert.Empty(coco.For("c.jpg"));
    }

    [Theory]
    [InlineData("""{"images":[]}""", "images")]
    [InlineData("""{"images":[{"id":1,"file_name":"a.jpg"}],"annotations":[{"image_id":2,"category_id":1,"bbox":[0,0,1,1]}],"categories":[{"id":1,"name":"x"}]}""", "image_id 2")]
    [InlineData("""{"images":[{"id":1,"file_name":"a.jpg"}],"annotations":[{"image_id":1,"category_id":5,"bbox":[0,0,1,1]}],"categories":[{"id":1,"name":"x"}]}""", "category_id 5")]
    [InlineData("""{"images":[{"id":1,"file_name":"a.jpg"}],"annotations":[{"image_id":1,"category_id":1,"bbox":[0,0,-1,1]}],"categories":[{"id":1,"name":"x"}]}""", "bbox")]
    [InlineData("""{"images":[{"id":1,"file_name":"a.jpg"}],"annotations":[{"image_id":1,"category_id":1}],"categories":[{"id":1,"name":"x"}]}""", "neither")]
    public void BadFilesNameTheProblem(string json, string expected)
    {
        var e = Assert.Throws<SpatialVlmException>(() => CocoAnnotations.Parse(JsonDocument.Parse(json).RootElement));
        Assert.Contains(expected, e.Message);
    }
}
