using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ReviewBot.App.Options;

namespace ReviewBot.App.Auth;

/// <summary>
/// The App's own credential: a JWT (RS256) signed with its private key, issued 60 s in the past against
/// clock drift and valid for 9 minutes (GitHub's limit is 10). Used only to ask for installation tokens.
/// </summary>
internal sealed class AppJwt : IDisposable
{
    private static readonly string Header = Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT"}"""u8);
    private readonly RSA _key;
    private readonly long _appId;
    private readonly TimeProvider _time;

    public AppJwt(AppSettings settings, TimeProvider time)
    {
        _key = RSA.Create();
        _key.ImportFromPem(settings.PrivateKeyPem);
        _appId = settings.AppId;
        _time = time;
    }

    public string Create()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Claims(now - 60, now + (9 * 60), _appId.ToString(System.Globalization.CultureInfo.InvariantCulture)), AuthJson.Default.Claims);
        var signingInput = $"{Header}.{Base64Url.EncodeToString(payload)}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    public void Dispose() => _key.Dispose();

    internal sealed record Claims(
        [property: System.Text.Json.Serialization.JsonPropertyName("iat")] long IssuedAt,
        [property: System.Text.Json.Serialization.JsonPropertyName("exp")] long ExpiresAt,
        [property: System.Text.Json.Serialization.JsonPropertyName("iss")] string Issuer);
}
