using System.Buffers;
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
/// <remarks>
/// Until the signature is verified a body is an anonymous stranger's, so reading it is bounded: at most
/// <see cref="AppSettings.MaxConcurrentBodyReads"/> at once (others wait briefly, then get 503), a declared length
/// over the limit is refused before a byte is read, the HMAC is computed while the body streams in, and the copy
/// kept for the webhook handler holds at most <see cref="MemoryThreshold"/> in memory (the rest spills to a temporary
/// file that is deleted with the request). A flood of large forged deliveries costs disk and CPU, not memory.
/// </remarks>
internal sealed partial class WebhookGate(RequestDelegate next, AppSettings settings, ILogger<WebhookGate> logger) : IDisposable
{
    /// <summary>What one delivery's body may hold in memory; real deliveries are tens of kilobytes.</summary>
    internal const int MemoryThreshold = 256 * 1024;

    private const string SignatureHeader = "X-Hub-Signature-256";
    private const string SignaturePrefix = "sha256=";
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(settings.WebhookSecret);
    private readonly PathString _path = new(settings.WebhookPath);
    private readonly SemaphoreSlim _reads = new(settings.MaxConcurrentBodyReads, settings.MaxConcurrentBodyReads);

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

        if (!await _reads.WaitAsync(AppSettings.BodyReadSlotWait, context.RequestAborted).ConfigureAwait(false))
        {
            LogBusy(logger, delivery);
            context.Response.Headers.RetryAfter = "10";
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "Too many deliveries are being received at once; retry shortly.").ConfigureAwait(false);
            return;
        }

        bool verified;
        try
        {
            verified = await ReadAndVerifyAsync(context, signature).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            await RefuseAsync(context, e.StatusCode, $"The body could not be read: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            await RefuseAsync(context, StatusCodes.Status408RequestTimeout, $"The body did not arrive within {AppSettings.BodyReadTimeout.TotalSeconds:0} s.").ConfigureAwait(false);
            return;
        }
        finally
        {
            _reads.Release();
        }

        if (!verified)
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

        request.Body.Position = 0;
        await next(context).ConfigureAwait(false);

        // Octokit.Webhooks.AspNetCore answers 200 to every delivery it processed; one that queued a review for later
        // work is 202 Accepted (the processor marks it). Its answer has no body, so the status is still ours to set.
        if (context.Items.ContainsKey(ReviewBotWebhookProcessor.QueuedItem) && context.Response is { HasStarted: false, StatusCode: StatusCodes.Status200OK } response)
        {
            response.StatusCode = StatusCodes.Status202Accepted;
        }
    }

    public void Dispose() => _reads.Dispose();

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

    /// <summary>
    /// Streams the body once through the HMAC and into a buffer that spills to disk past <see cref="MemoryThreshold"/>,
    /// within <see cref="AppSettings.BodyReadTimeout"/>; true when the signature matches (the body is then rewindable).
    /// </summary>
    private async Task<bool> ReadAndVerifyAsync(HttpContext context, byte[] signature)
    {
        // Kestrel enforces the body limit while reading (413), also for chunked bodies without a length.
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false })
        {
            limit.MaxRequestBodySize = AppSettings.MaxBodyBytes;
        }

        // No buffer limit of its own: Kestrel's MaxRequestBodySize (above) refuses an oversized body with 413.
        context.Request.EnableBuffering(MemoryThreshold);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(AppSettings.BodyReadTimeout);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _secret);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
            {
                hmac.AppendData(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return CryptographicOperations.FixedTimeEquals(hmac.GetHashAndReset(), signature);
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

    [LoggerMessage(21, LogLevel.Warning, "Webhook refused (503, too many bodies being read at once); delivery {Delivery}")]
    private static partial void LogBusy(ILogger logger, string delivery);
}
