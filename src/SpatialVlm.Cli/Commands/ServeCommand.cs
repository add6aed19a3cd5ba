using System.CommandLine;
using SpatialVlm.Evaluation;
using SpatialVlm.Web;

namespace SpatialVlm.Cli.Commands;

/// <summary>`serve --model SPEC [--port P] [--host H]`: an OpenAI-compatible chat-completions server over any model spec.</summary>
public static class ServeCommand
{
    /// <param name="register">Adds answerers this build can provide (oracle, checkpoint) to the factory.</param>
    public static Command Create(Action<AnswererFactory, OpenAiChatOptions>? register = null)
    {
        var model = new Option<string>("--model") { Description = ModelFlags.SpecHelp, Required = true };
        var port = new Option<int>("--port") { Description = "port to listen on (default 8000; 0 picks a free one)", DefaultValueFactory = _ => 8000 };
        var host = new Option<string>("--host") { Description = "address to listen on (default 127.0.0.1: this machine only)", DefaultValueFactory = _ => "127.0.0.1" };
        var flags = new ModelFlags();
        var cmd = new Command("serve", "Serve a model over an OpenAI-compatible chat-completions endpoint (POST /v1/chat/completions; images as data URLs).") { model, port, host };
        foreach (var option in flags.All) cmd.Options.Add(option);
        cmd.SetAction(async (parse, cancel) =>
        {
            var spec = ModelSpec.Parse(parse.GetValue(model)!);
            var answerer = flags.Factory(parse, register).Create(spec);
            try
            {
                await using var server = await ChatCompletionServer.StartAsync(answerer,
                    new ChatServerOptions { Port = parse.GetValue(port), Host = parse.GetValue(host)!, ModelName = spec.Text }, cancel);
                parse.InvocationConfiguration.Output.WriteLine($"serving {spec.Text} at {server.BaseUrl} (POST /chat/completions; Ctrl+C stops it)");
                await server.WaitForShutdownAsync(cancel);
                return 0;
            }
            finally
            {
                (answerer as IDisposable)?.Dispose();
            }
        });
        return cmd;
    }
}
