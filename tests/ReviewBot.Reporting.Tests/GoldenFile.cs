using System.Runtime.CompilerServices;

namespace ReviewBot.Reporting.Tests;

/// <summary>
/// Compares rendered text with a file under Golden/, exactly. Set <c>UPDATE_GOLDEN=1</c> to rewrite the
/// files from the current output (then read the diff before committing it).
/// </summary>
internal static class GoldenFile
{
    public static void AssertMatches(string actual, string name, [CallerFilePath] string callerPath = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(callerPath)!, "Golden", name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Golden file {path} is missing; run the tests with UPDATE_GOLDEN=1 to create it.");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected != actual)
        {
            var at = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i], Math.Min(expected.Length, actual.Length));
            var line = expected[..Math.Min(at, expected.Length)].Count(c => c == '\n') + 1;
            Assert.Fail($"{name} differs from the golden file at line {line}.\nExpected: {Excerpt(expected, at)}\nActual:   {Excerpt(actual, at)}\n(UPDATE_GOLDEN=1 regenerates it.)");
        }
    }

    private static string Excerpt(string text, int at) =>
        at >= text.Length ? "<end of text>" : text.Substring(Math.Max(0, at - 40), Math.Min(120, text.Length - Math.Max(0, at - 40))).ReplaceLineEndings("⏎");
}
