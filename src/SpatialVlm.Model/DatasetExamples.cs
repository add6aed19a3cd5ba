using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;
using SpatialVlm.Core.Training;
using SpatialVlm.Imaging;

namespace SpatialVlm.Model;

/// <summary>
/// Training examples from folders `synth` wrote: one example per QA pair, read through the typed record, streamed in a
/// fixed order (folders as given, records in file order) so a resumed run sees the same sequence. An image that does
/// not decode is skipped with its reason and counted.
/// </summary>
public sealed class DatasetExamples(IReadOnlyList<string> folders) : IEnumerable<TrainingExample>
{
    private readonly List<DatasetFolder> datasets = folders.Select(f => new DatasetFolder(f)).ToList();
    private readonly RecordImages images = new();

    /// <summary>Images skipped so far, with the reason for each.</summary>
    public IReadOnlyDictionary<string, string> Skipped => images.Skipped;

    /// <summary>QA pairs over all folders (one pass over the records, images not decoded).</summary>
    public int CountQa() => datasets.Sum(d => d.Records().Sum(r => r.Qa.Count));

    public IEnumerator<TrainingExample> GetEnumerator()
    {
        foreach (var dataset in datasets)
            foreach (var record in dataset.Records())
            {
                if (record.Qa.Count == 0) continue;
                if (images.Decode(dataset, record) is not { } image) continue;
                for (int i = 0; i < record.Qa.Count; i++)
                    yield return new TrainingExample($"{record.Id}#{i}", image, record.Qa[i].Question, record.Qa[i].Answer, ExampleKind.Spatial);
            }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
