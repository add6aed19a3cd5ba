using System.CommandLine;
using System.Text.RegularExpressions;
using SpatialVlm.Core;

namespace SpatialVlm.Cli;

/// <summary>
/// System.CommandLine's parse errors in words a user can act on: no .NET type names ("System.Nullable`1[System.Int32]"),
/// an unknown command named with the commands there are, and nothing from the command line echoed raw.
/// </summary>
public static partial class ParseErrorText
{
    public static string Explain(string message, IReadOnlyList<string> args, RootCommand root)
    {
        var m = CannotParse().Match(message);
        if (m.Success)
        {
            var (value, option, type) = (m.Groups["value"].Value, m.Groups["option"].Value, m.Groups["type"].Value);
            return $"{option}: '{Printable.Clip(value, 60)}' is not {Expected(type)}";
        }
        if (message.StartsWith("Required command was not provided", StringComparison.Ordinal) ||
            message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal))
        {
            // The first word that is not a known command, at the level where it stands.
            Command level = root;
            foreach (var word in args)
            {
                if (word.StartsWith('-')) break;
                var sub = level.Subcommands.FirstOrDefault(c => c.Name == word);
                if (sub is null)
                    return $"'{Printable.Clip(word, 40)}' is not a command{(level == root ? "" : $" of {level.Name}")}; the commands are: {string.Join(", ", level.Subcommands.Select(c => c.Name))}";
                level = sub;
            }
            if (level.Subcommands.Count > 0)
                return $"{(level == root ? "spatialvlm" : level.Name)} needs a command: {string.Join(", ", level.Subcommands.Select(c => c.Name))}";
        }
        return Printable.Clip(message, 300);
    }

    private static string Expected(string type) => Regex.Replace(type, @"System\.Nullable`1\[(.+)\]", "$1") switch
    {
        "System.Int32" => "a whole number (up to 2147483647)",
        "System.Int64" => "a whole number",
        "System.UInt32" => "a whole number of 0 or more",
        "System.Double" or "System.Single" => "a number",
        "System.Boolean" => "true or false",
        var t => $"a valid {t.Split('.')[^1].ToLowerInvariant()}",
    };

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'")]
    private static partial Regex CannotParse();
}
