using ReviewBot.App.Options;

namespace ReviewBot.App.Tests.Options;

public sealed class AppSettingsTests
{
    [Fact]
    public void FromEnvironment_Complete_ReadsEveryValueAndDefaults()
    {
        var env = TestServer.Environment("https://ghe.example.com/api/v3");

        var settings = AppSettings.FromEnvironment(env);

        Assert.Equal(TestServer.Secret, settings.WebhookSecret);
        Assert.Equal(TestServer.AppId, settings.AppId);
        Assert.Equal("https://ghe.example.com/api/v3/", settings.ApiUrl.ToString());
        Assert.Equal("/api/github/webhooks", settings.WebhookPath);
        Assert.Equal(1_000, settings.QueueCapacity);
    }

    [Fact]
    public void FromEnvironment_NoApiUrl_DefaultsToPublicGitHub()
    {
        var env = TestServer.Environment();
        env.Remove("GITHUB_API_URL");

        Assert.Equal("https://api.github.com/", AppSettings.FromEnvironment(env).ApiUrl.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void FromEnvironment_NoWebhookSecret_RefusesNamingTheVariable(string? secret)
    {
        var env = TestServer.Environment();
        env["REVIEWBOT_WEBHOOK_SECRET"] = secret;

        var error = Assert.Throws<AppSettingsException>(() => AppSettings.FromEnvironment(env));

        Assert.Contains("REVIEWBOT_WEBHOOK_SECRET is required", error.Message);
    }

    [Fact]
    public void FromEnvironment_SeveralProblems_NamesEachOne()
    {
        var env = new Dictionary<string, string?>
        {
            ["GITHUB_APP_ID"] = "abc",
            ["GITHUB_APP_PRIVATE_KEY"] = "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----",
            ["GITHUB_API_URL"] = "ftp://example.com",
            ["REVIEWBOT_WORKERS"] = "0",
        };

        var error = Assert.Throws<AppSettingsException>(() => AppSettings.FromEnvironment(env));

        Assert.Equal(5, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("REVIEWBOT_WEBHOOK_SECRET", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("GITHUB_APP_ID must be a positive number", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("GITHUB_APP_PRIVATE_KEY is not an RSA private key", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("GITHUB_API_URL", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("REVIEWBOT_WORKERS", StringComparison.Ordinal));
    }

    [Fact]
    public void FromEnvironment_PrivateKeyPath_ReadsTheFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, TestServer.PrivateKeyPem);
            var env = TestServer.Environment();
            env.Remove("GITHUB_APP_PRIVATE_KEY");
            env["GITHUB_APP_PRIVATE_KEY_PATH"] = path;

            Assert.Equal(TestServer.PrivateKeyPem, AppSettings.FromEnvironment(env).PrivateKeyPem);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromEnvironment_PrivateKeyWithEscapedNewLines_IsAccepted()
    {
        var env = TestServer.Environment();
        env["GITHUB_APP_PRIVATE_KEY"] = TestServer.PrivateKeyPem.Replace("\n", "\\n", StringComparison.Ordinal);

        Assert.Equal(TestServer.PrivateKeyPem, AppSettings.FromEnvironment(env).PrivateKeyPem);
    }

    [Fact]
    public void FromEnvironment_PartialAzureOpenAiSettings_RefusesNamingTheMissingVariable()
    {
        var env = TestServer.Environment();
        env["AZURE_OPENAI_ENDPOINT"] = "https://example.openai.azure.com/";

        var error = Assert.Throws<AppSettingsException>(() => AppSettings.FromEnvironment(env));

        Assert.Contains("AZURE_OPENAI_DEPLOYMENT", error.Message);
    }

    [Theory]
    [InlineData("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT")]
    [InlineData("OPENAI_API_KEY", "OPENAI_BASE_URL")]
    public void FromEnvironment_LlmKeyWithoutEndpoint_RefusesSoNoRepositoryConfigCanRedirectTheKey(string key, string endpoint)
    {
        var env = TestServer.Environment();
        env[key] = "sk-test";

        var error = Assert.Throws<AppSettingsException>(() => AppSettings.FromEnvironment(env));

        Assert.Contains($"{key} is set without {endpoint}", error.Message);
        Assert.DoesNotContain("sk-test", error.Message);
    }
}
