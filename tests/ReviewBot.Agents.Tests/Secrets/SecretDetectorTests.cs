using System.Diagnostics;
using ReviewBot.Agents.LlmPass;
using ReviewBot.Agents.Secrets;
using ReviewBot.Agents.Tests.Parity;

namespace ReviewBot.Agents.Tests.Secrets;

public sealed class SecretDetectorTests
{
    // Synthetic provider-shaped values, assembled here so that no source file holds a contiguous token.
    private static readonly string GitHubToken = "ghp_" + "R3v1ewB0tFakeToken0123456789abcdefAB";
    private static readonly string SlackHook = "https://hooks.slack" + ".com/services/T0ACME123/B0ACME456/" + "R3v1ewB0tFakeHook0123";
    private static readonly string AwsKey = "AKIA" + "R3VBQTF4K7ZPW2NM";

    private static IReadOnlyList<SecretHit> Scan(string path, string text) => SecretDetector.Scan(path, text.Split('\n'));

    private static string Value(string text, SecretHit hit) => text.Split('\n')[hit.Line].Substring(hit.Start, hit.Length);

    [Theory]
    [InlineData("etl/settings.py", "AWS_KEY = \"{aws}\"", "AWS access key id")]
    [InlineData("scripts/release.sh", "export GH_TOKEN={gh}", "GitHub token")]
    [InlineData("alerts/hook.py", "WEBHOOK = \"{hook}\"", "Slack webhook URL")]
    [InlineData("etl/db.py", "engine = create_engine(\"postgresql+psycopg2://loader:L0ader-Pa55@db.acme.internal:5432/dwh\")", "credentialed postgresql+psycopg2 URL")]
    [InlineData("etl/jdbc.py", "URL = \"jdbc:postgresql://db.acme.internal:5432/dwh?user=etl&password=Jdbc-S3cret\"", "password in a connection URL")]
    public void Scan_ProviderShape_FoundAsSecretWithMaskedHint(string path, string template, string kind)
    {
        var text = template.Replace("{aws}", AwsKey, StringComparison.Ordinal).Replace("{gh}", GitHubToken, StringComparison.Ordinal).Replace("{hook}", SlackHook, StringComparison.Ordinal);

        var hit = Assert.Single(Scan(path, text));

        Assert.Equal(kind, hit.Kind);
        Assert.Equal(SecretCertainty.Secret, hit.Certainty);
        Assert.DoesNotContain(Value(text, hit), hit.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_BlockchainAddressesUnderTokenKeys_NotSecrets()
    {
        // On-chain projects configure public contract addresses and hashes under keys that look like secret keys.
        const string Text = "{% set cfg = {\n    \"wrapped_native_token_address\"  : \"0x4a1c93be07f2d5e8a9b0c61d3f7e2a85b9c04d16\",\n    \"deploy_tx_hash\": \"0x9f3b6a0c2e4d8f1a7b5c3e9d0f2a4b6c8e1d3f5a7b9c0e2d4f6a8b1c3e5d7f9a0b\",\n} %}";

        Assert.Empty(Scan("macros/chain/chain_cfg_macro.sql", Text));
    }

    [Fact]
    public void Scan_PwdInsideConnectionStringLiteral_Found()
    {
        const string Text = "CONN = \"Driver={ODBC Driver 18};Server=tcp:acme.database.windows.net;Uid=loader;Pwd=Odbc-Pa55 w0rd;\"";

        var hit = Assert.Single(Scan("etl/mssql.py", Text));

        Assert.Equal("Odbc-Pa55 w0rd", Value(Text, hit));
    }

    [Fact]
    public void Scan_YamlPasswordOnTheNextLine_ValueLineFlagged()
    {
        const string Text = "warehouse:\n  password:\n    \"Nxt-L1ne-Pa55\"\n  user: loader";

        var hit = Assert.Single(Scan("airflow/connections.yaml", Text));

        Assert.Equal(2, hit.Line);
        Assert.Contains("Nxt-L1ne-Pa55", Value(Text, hit), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(">-")]
    [InlineData("|")]
    [InlineData("|+")]
    public void Scan_YamlBlockScalarPassword_EveryValueLineFlagged(string indicator)
    {
        var text = $"db:\n  password: {indicator}\n    Bl0ck-Scalar\n    -Pa55\n  host: db";

        var hits = Scan("config/db.yaml", text);

        Assert.Equal([2, 3], hits.Select(h => h.Line));
    }

    [Fact]
    public void Scan_YamlMultiWordUnquotedValue_WholeValueFlagged()
    {
        const string Text = "service:\n  password: three words Pa55 # rotated monthly";

        var hit = Assert.Single(Scan("config/service.yml", Text));

        Assert.Equal("three words Pa55", Value(Text, hit));
    }

    [Fact]
    public void Scan_EnvValueWithSpaces_WholeValueFlagged()
    {
        const string Text = "SMTP_PASSWORD=correct horse battery staple\nSMTP_HOST=mail.acme.internal";

        var hit = Assert.Single(Scan(".env", Text));

        Assert.Equal("correct horse battery staple", Value(Text, hit));
    }

    [Fact]
    public void Scan_YamlKeyWithNestedMappingOrList_NotAValue()
    {
        const string Text = "password:\n  secretKeyRef:\n    name: warehouse\ntoken:\n  - a\n  - b";

        Assert.Empty(Scan("deploy/k8s.yaml", Text));
    }

    [Theory]
    [InlineData("profiles.yml", "password: \"{{ env_var('SNOWFLAKE_PASSWORD') }}\"")]
    [InlineData(".github/workflows/ci.yml", "  DBT_PASSWORD: ${{ secrets.DBT_PASSWORD }}")]
    [InlineData("README.md", "password: <your-password>")]
    [InlineData("config/app.yml", "password: changeme")]
    [InlineData("infra/rds.tf", "  password = var.db_password")]
    [InlineData("infra/k8s.tf", "  token = data.google_client_config.default.access_token")]
    [InlineData("etl/db.py", "password = os.environ[\"DB_PASSWORD\"]")]
    [InlineData("etl/db.py", "url = f\"postgresql://{user}:{password}@{host}/db\"")]
    [InlineData("config/prod.yml", "password: !vault |")]
    [InlineData("models/users.sql", "select password_reset_at, token_count from users")]
    [InlineData("config/oauth.yml", "token_url: https://login.acme.com/oauth2/token")]
    [InlineData("etl/s.py", "API_KEY: str = None")]
    public void Scan_PlaceholderOrReference_Quiet(string path, string text)
    {
        Assert.Empty(Scan(path, text));
    }

    [Theory]
    [InlineData("docs/aws.md", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE")]
    [InlineData("tests/aws.py", "AWS_SECRET_ACCESS_KEY = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"")]
    [InlineData("tests/conftest.py", "DB = \"postgresql://app:app-local-pw@localhost:5432/test\"")]
    [InlineData(".env.example", "DB_PASSWORD=local-dev-only-pw")]
    public void Scan_DocumentedExampleOrLocalTestCredential_ExampleNotSecret(string path, string text)
    {
        var hits = Scan(path, text);

        Assert.NotEmpty(hits);
        Assert.All(hits, h => Assert.Equal(SecretCertainty.Example, h.Certainty));
    }

    [Fact]
    public void Scan_PrivateKeyBlock_BodyLinesFlaggedEndLineNot()
    {
        var text = "KEY = \"\"\"\n-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEowIBAAKCAQEAr3v1ew\nB0tFakeKeyMaterial==\n-----END RSA PRIVATE KEY-----\n\"\"\"\nprint(KEY)";

        var hits = Scan("signing/keys.py", text);

        Assert.Equal([1, 2, 3], hits.Select(h => h.Line));
    }

    [Fact]
    public void Scan_UnterminatedKeyBlock_EndsAtTheFirstLineThatIsNotKeyMaterial()
    {
        var text = "KEY = \"\"\"-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEow...\n\"\"\"\nprint('done')";

        var hits = Scan("signing/keys.py", text);

        Assert.Equal([0, 1], hits.Select(h => h.Line));
    }

    [Fact]
    public void Scan_SecretDeepInALineOfOneMegabyte_FoundInBoundedTime()
    {
        var line = new string('a', 700_000) + " " + GitHubToken + " " + new string('b', 300_000);
        var clock = Stopwatch.StartNew();

        var hit = Assert.Single(SecretDetector.Scan("data/seed.sql", [line]));

        Assert.Equal(700_001, hit.Start);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Scan_AdversarialLineFullOfMarkers_BoundedTimeAndWholeLineWithheld()
    {
        var line = string.Concat(Enumerable.Repeat("password='Aa1!x' AKIA" + "R3VBQTF4K7ZPW2NM ://u:p@h ", 20_000));
        var clock = Stopwatch.StartNew();

        var hits = SecretDetector.Scan("data/seed.py", [line]);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains(hits, h => h.Kind == "many secrets" && h.Start == 0);
        Assert.DoesNotContain("R3VBQTF4", SecretDetector.Mask(line, hits), StringComparison.Ordinal);
    }

    [Fact]
    public void Redactor_IsAStrictSupersetOfDetection_OnTheWholeCorpus()
    {
        var cases = ParityCorpus.Load(ParityCorpus.DefaultFolder);
        var checkedValues = 0;
        foreach (var c in cases)
        {
            var lines = c.Text.Split('\n');
            var hits = SecretDetector.Scan(c.Path, lines);
            var document = SecretRedactor.RedactDocument(c.Path, lines, out _, out var flagged);
            var anyOrigin = SecretRedactor.RedactLines(lines, out _);
            foreach (var hit in hits)
            {
                var value = lines[hit.Line].Substring(hit.Start, Math.Min(hit.Length, lines[hit.Line].Length - hit.Start)).Trim();
                if (value.Length < 3)
                {
                    continue;
                }

                Assert.True(flagged.Contains(hit.Line), $"{c.Name}: line {hit.Line} detected but not flagged");
                Assert.DoesNotContain(value, document[hit.Line], StringComparison.Ordinal);
                checkedValues++;
                _ = anyOrigin;
            }
        }

        Assert.True(checkedValues >= 60, $"only {checkedValues} detected values checked");

        // Strictly more: the redactor masks shapes detection does not report.
        const string Wider = "headers = {'Authorization': 'Bearer abcdefghijklmnopqrstuvwxyz012345'}";
        Assert.Empty(SecretDetector.Scan("etl/api.py", [Wider]));
        Assert.DoesNotContain("abcdefghijklmnopqrstuvwxyz012345", SecretRedactor.RedactDocument("etl/api.py", [Wider], out _, out _)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void RedactLines_UnknownOrigin_MasksYamlNextLineAndEnvSpaces()
    {
        string[] lines = ["db:", "  password:", "    Nxt-L1ne-Pa55", "SMTP_PASSWORD=correct horse battery staple"];

        var redacted = string.Join('\n', SecretRedactor.RedactLines(lines, out var count));

        Assert.DoesNotContain("Nxt-L1ne-Pa55", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("horse battery", redacted, StringComparison.Ordinal);
        Assert.True(count >= 2);
    }
}
