using ReviewBot.Agents.LlmPass;

namespace ReviewBot.Agents.Tests.LlmPass;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("aws_key = AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("token: ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")]
    [InlineData("SLACK=xoxb-1234567890-abcdefghijkl", "xoxb-1234567890-abcdefghijkl")]
    [InlineData("client = OpenAI(api_key=\"sk-proj-Abc123Def456Ghi789Jkl0\")", "sk-proj-Abc123Def456Ghi789Jkl0")]
    [InlineData("STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc", "4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("password = 'hunter2'", "hunter2")]
    [InlineData("  DB_PASSWORD=s3cr3t!", "s3cr3t!")]
    [InlineData("\"client_secret\": \"abc.def\"", "abc.def")]
    [InlineData("url = \"postgresql://etl:Sup3rS3cret@db.internal:5432/warehouse\"", "Sup3rS3cret")]
    [InlineData("headers = {'Authorization': 'Bearer abcdefghijklmnopqrstuvwxyz012345'}", "abcdefghijklmnopqrstuvwxyz012345")]
    [InlineData("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==")]
    [InlineData("signing = 'q8Zr4TbW2nLk9XvP6sYd3HjF7mQc5Ga1'", "q8Zr4TbW2nLk9XvP6sYd3HjF7mQc5Ga1")]
    public void Redact_SecretPattern_Masked(string line, string secret)
    {
        var redacted = SecretRedactor.Redact(line, out var count);

        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:", redacted, StringComparison.Ordinal);
        Assert.True(count >= 1);
    }

    [Theory]
    [InlineData("password: \"{{ env_var('DBT_PASSWORD') }}\"")]
    [InlineData("password = os.environ[\"DB_PASSWORD\"]")]
    [InlineData("token = get_secret(\"warehouse-token\")")]
    [InlineData("select customer_id, stg_customers_orders_snapshot_2024 from {{ ref('stg_orders') }}")]
    [InlineData("uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab")]
    [InlineData("materialized='incremental', unique_key='order_id'")]
    [InlineData("url = \"https://docs.getdbt.com/reference/resource-configs/contract\"")]
    public void Redact_OrdinaryCodeAndSecretReferences_Unchanged(string line)
    {
        Assert.Equal(line, SecretRedactor.Redact(line, out var count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void RedactLines_PrivateKeyBlockAcrossLines_BodyMaskedLineCountKept()
    {
        string[] lines =
        [
            "key = \"\"\"",
            "-----BEGIN RSA PRIVATE KEY-----",
            "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi",
            "Z1BjP5CE/Wm/Rr500P4ZOxBv4qJ1c2iS8Y7uW0",
            "-----END RSA PRIVATE KEY-----",
            "\"\"\"",
        ];

        var redacted = SecretRedactor.RedactLines(lines, out var count);

        Assert.Equal(lines.Length, redacted.Count);
        Assert.DoesNotContain(redacted, l => l.Contains("MIIEpAIBAAKCAQEA", StringComparison.Ordinal) || l.Contains("Z1BjP5CE", StringComparison.Ordinal));
        Assert.Equal("-----END RSA PRIVATE KEY-----", redacted[4]);
        Assert.Equal("\"\"\"", redacted[5]);
        Assert.Equal(3, count);
    }

    [Fact]
    public void Redact_MultiLineText_KeepsLineBreaks()
    {
        var text = "a = 1\npassword=abc\nb = 2";

        Assert.Equal("a = 1\npassword=[REDACTED:password]\nb = 2", SecretRedactor.Redact(text));
    }
}
