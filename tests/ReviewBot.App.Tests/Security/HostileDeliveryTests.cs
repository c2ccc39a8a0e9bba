using System.Diagnostics;
using System.Net;
using System.Text;

namespace ReviewBot.App.Tests.Security;

/// <summary>
/// Webhook bodies an attacker or a broken proxy could send (the recorded-payload cases are in WebhookEndpointTests):
/// each is refused with a 4xx and a reason, quickly, without a review, without echoing the secret, and the server
/// keeps serving.
/// </summary>
public sealed class HostileDeliveryTests
{
    public static TheoryData<string, bool> Bodies => new()
    {
        { "empty", false },
        { "empty", true },
        { "whitespace", true },
        { "not-json", false },
        { "not-json", true },
        { "json-string", true },
        { "json-number", true },
        { "json-null", true },
        { "json-array", true },
        { "deeply-nested-arrays", true },
        { "deeply-nested-objects", true },
        { "pull-request-is-a-string", true },
        { "utf16-bom-json", true },
        { "invalid-utf8", true },
        { "five-megabytes-of-garbage", false },
        { "five-megabytes-of-garbage", true },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Deliver_HostileBody_Refused4xxNoReviewServerKeepsServing(string kind, bool signed)
    {
        await using var server = await TestServer.StartAsync();
        var body = Body(kind);
        var clock = Stopwatch.StartNew();

        using var response = await server.SendAsync("pull_request", body, signature: signed ? "sign" : null);

        var text = await response.Content.ReadAsStringAsync();
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.True(signed || response.StatusCode == HttpStatusCode.Unauthorized, $"an unsigned delivery got {(int)response.StatusCode}");
        Assert.NotEmpty(text.Trim());
        Assert.DoesNotContain(TestServer.Secret, text, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        await server.DrainAsync();
        Assert.All(server.Reviewer.Started, r => Assert.Equal(999_999, r.Number));
        Assert.DoesNotContain(server.Logs.Entries, e => e.Message.Contains(TestServer.Secret, StringComparison.Ordinal));
        using var health = await server.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData("sha256=")]
    [InlineData("sha256=zz")]
    [InlineData("SHA256=")]
    [InlineData("sha256 =0000")]
    [InlineData("")]
    public async Task Deliver_ForgedSignatureHeader_Returns401AndReviewsNothing(string signature)
    {
        await using var server = await TestServer.StartAsync();
        var body = Fixtures.Bytes("pull_request/opened.payload.json");

        using var response = await server.SendAsync("pull_request", body, signature: signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await server.DrainAsync();
        Assert.DoesNotContain(server.Reviewer.Started, r => r.Number == 2);
    }

    [Fact]
    public async Task Deliver_ValidSignatureOfAnotherBody_Returns401()
    {
        await using var server = await TestServer.StartAsync();
        var body = Fixtures.Bytes("pull_request/opened.payload.json");
        var other = Encoding.UTF8.GetBytes("{}");

        using var response = await server.SendAsync("pull_request", body, signature: TestServer.Sign(other));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static byte[] Body(string kind) => kind switch
    {
        "empty" => [],
        "whitespace" => Encoding.UTF8.GetBytes("   \n\t "),
        "not-json" => Encoding.UTF8.GetBytes("<html><body>not json</body></html>"),
        "json-string" => Encoding.UTF8.GetBytes("\"opened\""),
        "json-number" => Encoding.UTF8.GetBytes("42"),
        "json-null" => Encoding.UTF8.GetBytes("null"),
        "json-array" => Encoding.UTF8.GetBytes("[{\"action\":\"opened\"}]"),
        "deeply-nested-arrays" => Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000)),
        "deeply-nested-objects" => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 50_000)) + "1" + new string('}', 50_000)),
        "pull-request-is-a-string" => Encoding.UTF8.GetBytes("""{"action":"opened","number":2,"pull_request":"#2","installation":{"id":1},"repository":{"full_name":"a/b","name":"b","owner":{"login":"a"}}}"""),
        "utf16-bom-json" => Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("{\"action\":\"opened\"}")).ToArray(),
        "invalid-utf8" => [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0xFE, 0x22, 0x7D],
        "five-megabytes-of-garbage" => Enumerable.Range(0, 5 * 1024 * 1024).Select(i => (byte)((i * 7919) % 251)).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
