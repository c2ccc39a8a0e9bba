using ReviewBot.Core.Findings;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests.Docs;

/// <summary>
/// <c>env-var-undocumented</c> on monorepos: the nearest example file up the tree, the project's other
/// declarations (compose, CI, Terraform, test env files), only newly introduced reads, no test files, and a
/// run-time failure claimed only where the read really raises.
/// </summary>
public sealed class EnvVarUndocumentedPrecisionTests
{
    private static Task<RunResult> Review(Dictionary<string, string> before, params (string Path, string Text)[] edits)
    {
        var after = new Dictionary<string, string>(before, StringComparer.Ordinal);
        foreach (var (path, text) in edits)
        {
            after[path] = text;
        }

        return Tests.Review.RunAsync(ChangeSets.FromFiles(before, after));
    }

    private static Dictionary<string, string> Monorepo(params (string Path, string Text)[] extra)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["billing/.env.example"] = "BILLING_DB_URL=postgres://localhost/billing\n",
            ["billing/billing/app.py"] = "import os\n",
            ["reports/reports/assets.py"] = "import os\n",
            ["reports/sub/.env.sample"] = "REPORTS_TOKEN=\n",
            ["reports/sub/job.py"] = "import os\n",
        };
        foreach (var (path, text) in extra)
        {
            files[path] = text;
        }

        return files;
    }

    [Fact]
    public async Task EnvVar_ProjectWithoutExampleFile_NeverSentToASiblingProjectsFile()
    {
        var result = await Review(Monorepo(), ("reports/reports/assets.py", "import os\nWORKSPACE = os.environ[\"REPORTS_WORKSPACE_ID\"]\n"));

        var finding = result.Single("env-var-undocumented");
        Assert.DoesNotContain("billing/.env.example", finding.Message, StringComparison.Ordinal);
        Assert.Contains("none exists up the tree", finding.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Low, finding.Severity);
    }

    [Fact]
    public async Task EnvVar_NearestExampleUpTheTree_IsTheOneNamed()
    {
        var files = Monorepo(("reports/.env.example", "X=1\n"));

        var result = await Review(files, ("reports/sub/job.py", "import os\nKEY = os.environ[\"REPORTS_KEY\"]\n"));

        var finding = result.Single("env-var-undocumented");
        Assert.Contains("`reports/sub/.env.sample`", finding.Message, StringComparison.Ordinal);
        Assert.Contains("fails at run time", finding.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Medium, finding.Severity);
    }

    [Theory]
    [InlineData("reports/.dbt.env.example", "NEW_VAR=abc\n")]
    [InlineData("reports/prod.env.example", "# NEW_VAR: what it does\nNEW_VAR=\n")]
    [InlineData("reports/env.example", "NEW_VAR=1\n")]
    [InlineData("reports/.env.template", "export NEW_VAR=\n")]
    [InlineData(".test.env", "NEW_VAR=x\n")]
    [InlineData("docker-compose.yml", "services:\n  app:\n    image: x\n    environment:\n      - NEW_VAR=1\n      - OTHER\n")]
    [InlineData("docker-compose.override.yml", "services:\n  app:\n    environment:\n      NEW_VAR: \"1\"\n")]
    [InlineData(".github/workflows/ci.yml", "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      NEW_VAR: ${{ secrets.NEW_VAR }}\n    steps: []\n")]
    [InlineData("infra/main.tf", "resource \"aws_ecs_task_definition\" \"t\" {\n  container_definitions = jsonencode([{ environment = [{ name = \"NEW_VAR\", value = \"1\" }] }])\n}\n")]
    public async Task EnvVar_DeclaredByTheProjectElsewhere_NoFinding(string path, string text)
    {
        var result = await Review(Monorepo((path, text)), ("reports/reports/assets.py", "import os\nV = os.environ[\"NEW_VAR\"]\n"));

        result.None("env-var-undocumented");
    }

    [Fact]
    public async Task EnvVar_ExistingReadReformattedOrMoved_NoFinding()
    {
        var files = Monorepo(("reports/reports/assets.py", "import os\nA = os.environ.get('LEGACY_A')\n"), ("reports/reports/old.py", "import os\nB = os.environ['LEGACY_B']\n"));

        var result = await Review(files,
            ("reports/reports/assets.py", "import os\nA = os.environ.get(\"LEGACY_A\")\nB = os.environ[\"LEGACY_B\"]\n"),
            ("reports/reports/old.py", "import os\n"));

        result.None("env-var-undocumented");
    }

    [Fact]
    public async Task EnvVar_ReadInATestFile_NoFinding()
    {
        var result = await Review(Monorepo(("reports/tests/test_assets.py", "import os\n")), ("reports/tests/test_assets.py", "import os\nT = os.environ[\"TEST_ONLY_TOKEN\"]\n"));

        result.None("env-var-undocumented");
    }

    [Fact]
    public async Task EnvVar_ReadInAnIntegrationTestProfile_NoFinding()
    {
        var result = await Review(Monorepo(("integration_tests/ci/sample.profiles.yml", "x: 1\n")),
            ("integration_tests/ci/sample.profiles.yml", "x: 1\nhost: \"{{ env_var('CI_WAREHOUSE_HOST') }}\"\n"));

        result.None("env-var-undocumented");
    }

    [Fact]
    public async Task EnvVar_GetenvWithoutDefault_SaysNoneNotRunTimeFailureAndIsLow()
    {
        var result = await Review(Monorepo(), ("billing/billing/app.py", "import os\nREGION = os.getenv(\"BILLING_REGION\")\n"));

        var finding = result.Single("env-var-undocumented");
        Assert.Contains("None when unset", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("fails at run time", finding.Message, StringComparison.Ordinal);
        Assert.Contains("`billing/.env.example`", finding.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Low, finding.Severity);
    }
}
