using System.CommandLine;
using System.Collections;
using ReviewBot.Cli.Action;
using ReviewBot.Cli.Output;
using ReviewBot.Cli.Review;
using ReviewBot.Core;

namespace ReviewBot.Cli;

/// <summary>The <c>reviewbot</c> executable: <c>review</c> (local) and <c>action</c> (GitHub Actions).</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("ReviewBot reviews changes to data repositories (dbt, SQL, Python pipelines, migrations) with five agents: governance, quality, lineage, cost and docs.")
        {
            ReviewCommand.Create(ReadEnvironment),
            ActionCommand.Create(ReadEnvironment),
        };

        var parsed = root.Parse(args);
        var commands = root.Subcommands.Select(c => c.Name).ToList();
        if (args.Length == 0 || (!args[0].StartsWith('-') && !commands.Contains(args[0], StringComparer.Ordinal)))
        {
            // System.CommandLine only says "Required command was not provided": name what was typed and what exists.
            var what = args.Length == 0 ? "no command given" : $"unknown command '{args[0]}'";
            await Console.Error.WriteLineAsync($"reviewbot: error: {what}; the commands are: {string.Join(", ", commands)} (see 'reviewbot --help')").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        if (parsed.Errors.Count > 0)
        {
            var message = string.Join(' ', parsed.Errors[0].Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await Console.Error.WriteLineAsync($"reviewbot: error: {message} (see 'reviewbot --help')").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancel.Token).ConfigureAwait(false);
        }
        catch (InvalidInputException e)
        {
            await Console.Error.WriteLineAsync($"reviewbot: error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("reviewbot: cancelled").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A defect of ours, not the input's: the run is not a review, so it fails, with what a bug report needs,
            // instead of the runtime's abort (exit 134 and a core dump).
            await Console.Error.WriteLineAsync($"reviewbot: internal error, the review did not complete: {e}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }

    private static IReadOnlyDictionary<string, string?> ReadEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
}
