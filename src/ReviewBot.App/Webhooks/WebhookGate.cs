using System.Net.Mime;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using ReviewBot.App.Options;

namespace ReviewBot.App.Webhooks;

/// <summary>
/// Admits a delivery to the webhook endpoint only when <c>X-Hub-Signature-256</c> is the HMAC-SHA256 of the
/// raw body under the webhook secret (compared in constant time): otherwise 401, and nothing is parsed.
/// Octokit.Webhooks.AspNetCore answers 400 to a bad signature and 200 to a request without a content type,
/// so this gate runs before it and gives each refusal its own status and a reason.
/// </summary>
internal sealed partial class WebhookGate(RequestDelegate next, AppSettings settings, ILogger<WebhookGate> logger)
{
    private const string SignatureHeader = "X-Hub-Signature-256";
    private const string SignaturePrefix = "sha256=";
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(settings.WebhookSecret);
    private readonly PathString _path = new(settings.WebhookPath);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.Path.Equals(_path, StringComparison.OrdinalIgnoreCase))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var delivery = request.Headers["X-GitHub-Delivery"].ToString();
        if (!TryParseSignature(request.Headers[SignatureHeader].ToString(), out var signature))
        {
            LogRefused(logger, delivery, "missing or malformed signature");
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, $"{SignatureHeader} is missing or is not 'sha256=' followed by 64 hex digits.").ConfigureAwait(false);
            return;
        }

        if (request.ContentLength > AppSettings.MaxBodyBytes)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {AppSettings.MaxBodyBytes / (1024 * 1024)} MB, GitHub's maximum webhook payload.").ConfigureAwait(false);
            return;
        }

        ArraySegment<byte> body;
        try
        {
            body = await ReadBodyAsync(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            await RefuseAsync(context, e.StatusCode, $"The body could not be read: {e.Message}").ConfigureAwait(false);
            return;
        }

        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_secret, body), signature))
        {
            LogRefused(logger, delivery, "signature mismatch");
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, $"{SignatureHeader} does not match the body: check that the App's webhook secret equals REVIEWBOT_WEBHOOK_SECRET.").ConfigureAwait(false);
            return;
        }

        if (!IsJson(request.ContentType))
        {
            await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "The webhook content type must be application/json (set it in the App's webhook settings).").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrWhiteSpace(request.Headers["X-GitHub-Event"].ToString()))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "X-GitHub-Event is missing.").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrWhiteSpace(delivery))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "X-GitHub-Delivery is missing.").ConfigureAwait(false);
            return;
        }

        request.Body = new MemoryStream(body.Array!, body.Offset, body.Count, writable: false);
        request.ContentLength = body.Count;
        await next(context).ConfigureAwait(false);
    }

    internal static async Task RefuseAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(reason + "\n", context.RequestAborted).ConfigureAwait(false);
    }

    private static bool TryParseSignature(string header, out byte[] signature)
    {
        signature = [];
        if (!header.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase) || header.Length != SignaturePrefix.Length + 64)
        {
            return false;
        }

        try
        {
            signature = Convert.FromHexString(header.AsSpan(SignaturePrefix.Length));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static async Task<ArraySegment<byte>> ReadBodyAsync(HttpContext context)
    {
        // Kestrel enforces the body limit while reading (413), also for chunked bodies without a length.
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false })
        {
            limit.MaxRequestBodySize = AppSettings.MaxBodyBytes;
        }

        var buffer = new MemoryStream(context.Request.ContentLength is { } length ? (int)length : 16 * 1024);
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        try
        {
            return string.Equals(new ContentType(contentType).MediaType, MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    [LoggerMessage(20, LogLevel.Warning, "Webhook refused (401, {Reason}); delivery {Delivery}")]
    private static partial void LogRefused(ILogger logger, string delivery, string reason);
}
