using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;

namespace SpatialVlm.Cli.Commands;

/// <summary>`ask`: one question about one image, answered by a model SPEC; the answer is printed on stdout.</summary>
public static class AskCommand
{
    /// <param name="register">Adds answerers this build can provide (oracle, checkpoint) to the factory.</param>
    public static Command Create(Action<AnswererFactory, OpenAiChatOptions>? register = null)
    {
        var model = new Option<string>("--model") { Description = ModelFlags.SpecHelp, Required = true };
        var image = new Option<string>("--image") { Description = "the image the question is about (png, jpg, webp)", Required = true };
        var question = new Argument<string>("question") { Description = "the question, e.g. \"How far is the mug from the laptop?\"" };
        var flags = new ModelFlags();
        var cmd = new Command("ask", "Ask a model one question about one image and print its answer.") { model, image, question };
        foreach (var option in flags.All) cmd.Options.Add(option);
        cmd.SetAction(parse =>
        {
            var imagePath = parse.GetValue(image)!;
            if (!File.Exists(imagePath)) throw new SpatialVlmException($"{imagePath}: no such image");
            var text = parse.GetValue(question);
            if (string.IsNullOrWhiteSpace(text)) throw new SpatialVlmException("the question is empty");
            var spec = ModelSpec.Parse(parse.GetValue(model)!);
            var answerer = flags.Factory(parse, register).Create(spec);
            try
            {
                var request = new AnswerRequest(Path.GetFullPath(imagePath), text.Trim());
                var answer = answerer.AnswerAsync(request, CancellationToken.None).GetAwaiter().GetResult();
                parse.InvocationConfiguration.Output.WriteLine(answer.Text.Trim());
                return 0;
            }
            catch (AnswerFailedException e)
            {
                throw new SpatialVlmException($"{spec.Text}: no answer ({e.Message.Split('\n')[0]})", e);
            }
            finally
            {
                (answerer as IDisposable)?.Dispose();
            }
        });
        return cmd;
    }
}
