using System.Text;

namespace ReviewBot.Agents.Tests.Parity;

/// <summary>One labelled case of the parity corpus: a file (path and text) that must or must not raise a finding.</summary>
internal sealed record ParityCase(string Category, string Label, string Name, string Path, string Text)
{
    /// <summary>True for the cases a rule must find (secret, risky, injection); false for the look-alikes and safe ones.</summary>
    public bool Positive => Label is "secret" or "risky" or "injection" or "swallowed";
}

/// <summary>
/// Reads the parity corpus (tests/ReviewBot.Agents.Tests/Parity/corpus/*.txt): cases start with
/// <c>=== label name | path</c>; <c>~~</c> is removed (provider-shaped fake tokens are split in the files so that
/// no file holds a contiguous one); <c>&lt;&lt;pad N&gt;&gt;</c> becomes N filler characters (long-line cases).
/// </summary>
internal static class ParityCorpus
{
    public static IReadOnlyList<ParityCase> Load(string folder)
    {
        var cases = new List<ParityCase>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.txt").Order(StringComparer.Ordinal))
        {
            var category = System.IO.Path.GetFileNameWithoutExtension(file);
            string? label = null, name = null, path = null;
            var body = new StringBuilder();
            foreach (var raw in File.ReadLines(file))
            {
                if (raw.StartsWith("=== ", StringComparison.Ordinal))
                {
                    Flush();
                    var header = raw[4..];
                    var bar = header.IndexOf('|', StringComparison.Ordinal);
                    if (bar < 0)
                    {
                        throw new FormatException($"{file}: case header without '| path': {raw}");
                    }

                    var words = header[..bar].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    (label, name, path) = (words[0], words.Length > 1 ? words[1] : $"case{cases.Count}", header[(bar + 1)..].Trim());
                    continue;
                }

                if (label is null)
                {
                    continue;
                }

                body.Append(Expand(raw)).Append('\n');
            }

            Flush();

            void Flush()
            {
                if (label is not null)
                {
                    cases.Add(new ParityCase(category, label, name!, path!, body.ToString().TrimEnd('\n') + "\n"));
                }

                body.Clear();
                label = null;
            }
        }

        return cases;
    }

    /// <summary>The corpus folder of the checkout.</summary>
    public static string DefaultFolder => ReviewBot.TestUtils.RepositoryRoot.Combine("tests/ReviewBot.Agents.Tests/Parity/corpus");

    private static string Expand(string line)
    {
        var text = line.Replace("~~", "", StringComparison.Ordinal);
        while (text.IndexOf("<<pad ", StringComparison.Ordinal) is var at and >= 0)
        {
            var end = text.IndexOf(">>", at, StringComparison.Ordinal);
            var count = int.Parse(text.AsSpan(at + 6, end - at - 6), System.Globalization.CultureInfo.InvariantCulture);
            var filler = new StringBuilder(count);
            for (var i = 0; i < count; i++)
            {
                filler.Append((char)('a' + (i % 26)));
            }

            text = string.Concat(text.AsSpan(0, at), filler.ToString(), text.AsSpan(end + 2));
        }

        return text;
    }
}
