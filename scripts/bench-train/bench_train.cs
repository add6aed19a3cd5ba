#:project ../../src/SpatialVlm.Model/SpatialVlm.Model.csproj
#:property PublishAot=false
// Times nano training steps in TorchSharp and prints the result as JSON (scripts/bench-train.sh compares it with PyTorch).
// Arguments: [preset] [batch] [text-tokens] [steps] [threads]
using System.Text.Json;
using SpatialVlm.Model;

var options = new TrainingBenchmarkOptions
{
    Preset = args.Length > 0 ? args[0] : "nano",
    BatchSize = args.Length > 1 ? int.Parse(args[1]) : 32,
    TextTokens = args.Length > 2 ? int.Parse(args[2]) : 64,
    Steps = args.Length > 3 ? int.Parse(args[3]) : 10,
    Threads = args.Length > 4 ? int.Parse(args[4]) : 1,
};
Console.WriteLine(JsonSerializer.Serialize(TrainingBenchmark.Run(options), new JsonSerializerOptions(JsonSerializerDefaults.Web)));
