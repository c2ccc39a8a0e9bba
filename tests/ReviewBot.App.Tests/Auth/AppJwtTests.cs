using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ReviewBot.App.Auth;
using ReviewBot.App.Options;

namespace ReviewBot.App.Tests.Auth;

public sealed class AppJwtTests
{
    [Fact]
    public void Create_AtAnInstant_IsRs256SignedWithBackdatedIssueAndNineMinuteExpiry()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var jwt = new AppJwt(AppSettings.FromEnvironment(TestServer.Environment()), time);

        var parts = jwt.Create().Split('.');

        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        Assert.Equal(1_700_000_000 - 60, claims.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(1_700_000_000 + 540, claims.RootElement.GetProperty("exp").GetInt64());
        Assert.Equal("4242", claims.RootElement.GetProperty("iss").GetString());

        using var key = RSA.Create();
        key.ImportFromPem(TestServer.PrivateKeyPem);
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }
}
