using System.CommandLine;

namespace ReviewBot.Cli.Action;

/// <summary><c>reviewbot action</c>: the GitHub Action entry point (the Docker image runs it).</summary>
internal static class ActionCommand
{
    public static Command Create(Func<IReadOnlyDictionary<string, string?>> environment)
    {
        var command = new Command(
            "action",
            "Run as a GitHub Action: review the pull request of a pull_request or workflow_dispatch event (GITHUB_* variables and INPUT_* inputs), publish the comment and the ReviewBot check. Exit code 0: passed or nothing to review; 1: blocking findings or not fully reviewed; 2: bad usage, config or input.");
        command.SetAction((_, ct) => new ActionRun(environment(), Console.Out, Console.Error, TimeProvider.System).RunAsync(ct));
        return command;
    }
}
