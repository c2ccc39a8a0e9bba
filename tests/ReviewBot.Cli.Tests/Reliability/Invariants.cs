using System.Text.Json.Nodes;

namespace ReviewBot.Cli.Tests.Reliability;

/// <summary>What every run must keep, whatever failed around it.</summary>
internal static class Invariants
{
    public static void Check(InProcessAction action, ActionRunResult result, Expected expected, int checkRunsOnHead = 1)
    {
        NoSecretAnywhere(action, result);

        // No false green: the head carries blocking secrets, so every way out is a failure.
        Assert.Equal(1, result.ExitCode);
        if (result.Outputs.TryGetValue("conclusion", out var conclusion))
        {
            Assert.Equal("failure", conclusion);
        }

        Assert.All(action.GitHub.CheckRunWrites, w => Assert.True(w["conclusion"] is null || w["conclusion"]!.GetValue<string>() == "failure", $"a check-run write concluded {w["conclusion"]}"));

        // One check run on the head, completed (never left pending), failed.
        var runs = action.GitHub.CheckRuns;
        Assert.Equal(checkRunsOnHead, runs.Count);
        Assert.All(runs, r => Assert.Equal(action.HeadSha, r["head_sha"]!.GetValue<string>()));
        var run = runs[^1];
        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
        var title = run["output"]!["title"]!.GetValue<string>();

        var markerComments = action.GitHub.Comments.Where(c => c.Body.Contains(InProcessAction.Marker, StringComparison.Ordinal)).ToList();
        Assert.True(markerComments.Count <= 1, $"{markerComments.Count} ReviewBot comments");
        switch (expected)
        {
            case Expected.NotReviewed:
                Assert.StartsWith("Not reviewed:", title, StringComparison.Ordinal);
                Assert.DoesNotContain(markerComments, c => !c.Body.Contains("an older result", StringComparison.Ordinal));
                Assert.Contains("not reviewed", result.Summary, StringComparison.OrdinalIgnoreCase);
                return;
            case Expected.ReviewedCommentLeft or Expected.ReviewedCommentNotWritten:
                Assert.Empty(markerComments);
                break;
            default:
                var comment = Assert.Single(markerComments);
                Assert.Equal(result.Report!["markdown"]!.GetValue<string>(), comment.Body);
                break;
        }

        // Reviewed: the report is complete and every computed finding is visible to a reader.
        var report = result.Report ?? throw new Xunit.Sdk.XunitException("no JSON report although the run was reviewed");
        Assert.Equal("failure", report["conclusion"]!.GetValue<string>());
        Assert.False(report["incomplete"]!.GetValue<bool>(), title);
        Assert.DoesNotContain("Not reviewed", title, StringComparison.Ordinal);
        var findings = report["findings"]!.AsArray().Select(f => f!.AsObject()).ToList();
        var secretLines = findings.Where(f => f["agent"]!.GetValue<string>() == "governance" && f["file"]!.GetValue<string>() == "pipelines/load.py")
            .Select(f => f["line"]!.GetValue<int>()).Distinct().Order().ToList();
        Assert.Equal([4, 5, 6], secretLines);
        Assert.Contains(findings, f => f["rule"]!.GetValue<string>() == "todo-left");
        Assert.Equal(findings.Count, result.Outputs.TryGetValue("findings", out var count) ? int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) : -1);

        var visible = string.Join(
            "\n",
            [result.Summary, run["output"]!["text"]?.GetValue<string>() ?? "", run["output"]!["summary"]?.GetValue<string>() ?? "", .. markerComments.Select(c => c.Body)]);
        foreach (var finding in findings)
        {
            var rule = finding["rule"]!.GetValue<string>();
            var file = finding["file"]!.GetValue<string>();
            Assert.True(visible.Contains(rule, StringComparison.Ordinal) && visible.Contains(file, StringComparison.Ordinal), $"finding {rule} on {file} is not visible");
        }

        Assert.NotNull(result.Sarif);
        var sarifResults = JsonNode.Parse(result.Sarif!)!["runs"]![0]!["results"]!.AsArray();
        Assert.Equal(findings.Count, sarifResults.Count);
    }

    public static void NoSecretAnywhere(InProcessAction action, ActionRunResult result)
    {
        var written = new List<(string Where, string Text)>
        {
            ("stdout", result.Stdout),
            ("stderr", result.Stderr),
            ("job summary", result.Summary),
            ("outputs", string.Join("\n", result.Outputs.Values)),
            ("report", result.Report?.ToJsonString() ?? ""),
            ("sarif", result.Sarif ?? ""),
        };
        written.AddRange(action.GitHub.Requests.Select(r => ($"GitHub {r.Method} {r.Path}", r.Body)));
        written.AddRange(action.GitHub.Comments.Select(c => ("comment", c.Body)));
        if (action.Llm is { } llm)
        {
            written.AddRange(llm.RequestBodies.Select(b => ("LLM prompt", b)));
        }

        foreach (var (where, text) in written)
        {
            foreach (var secret in InProcessAction.Secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"the secret {secret[..4]}... leaked into the {where}");
            }
        }

        // Credentials: masked first thing, then never printed or sent in a body.
        Assert.StartsWith($"::add-mask::{InProcessAction.Token}", result.Stdout, StringComparison.Ordinal);
        foreach (var credential in (string[])[InProcessAction.Token, InProcessAction.AzureKey])
        {
            var unmasked = string.Join("\n", result.Stdout.Split('\n').Where(l => !l.StartsWith("::add-mask::", StringComparison.Ordinal)));
            Assert.DoesNotContain(credential, unmasked, StringComparison.Ordinal);
            Assert.All(written.Where(w => w.Where != "stdout"), w => Assert.False(w.Text.Contains(credential, StringComparison.Ordinal), $"a credential leaked into the {w.Where}"));
        }

        if (action.Environment.ContainsKey("INPUT_AZURE_OPENAI_API_KEY"))
        {
            Assert.Contains($"::add-mask::{InProcessAction.AzureKey}", result.Stdout, StringComparison.Ordinal);
        }
    }
}
