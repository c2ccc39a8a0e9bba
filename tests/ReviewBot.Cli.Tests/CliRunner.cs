namespace ReviewBot.Cli.Tests;

/// <summary>Runs <c>reviewbot</c> in-process with standard output and error captured.</summary>
internal static class CliRunner
{
    private static readonly SemaphoreSlim ConsoleGate = new(1, 1);

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        await ConsoleGate.WaitAsync();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Console.SetOut(stdout);
            Console.SetError(stderr);
            var exit = await Program.Main(args);
            return new CliResult(exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
            ConsoleGate.Release();
        }
    }
}

internal sealed record CliResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Tests that swap the process console run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
