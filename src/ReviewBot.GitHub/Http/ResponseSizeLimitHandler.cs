using System.Net;

namespace ReviewBot.GitHub.Http;

/// <summary>A response body larger than the limit for its request.</summary>
public sealed class ResponseTooLargeException(string message) : IOException(message);

/// <summary>
/// Bounds the size of repository archives (<c>/tarball/</c>, <c>/zipball/</c> and their codeload redirects):
/// refused at once when <c>Content-Length</c> says so, else cut off while the body is read.
/// </summary>
internal sealed class ResponseSizeLimitHandler(long maxArchiveBytes) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!IsArchive(request.RequestUri) || response.StatusCode != HttpStatusCode.OK)
        {
            return response;
        }

        if (response.Content.Headers.ContentLength is { } length && length > maxArchiveBytes)
        {
            response.Dispose();
            throw new ResponseTooLargeException(TooLarge(length));
        }

        response.Content = new LimitedContent(response.Content, maxArchiveBytes);
        return response;
    }

    private static bool IsArchive(Uri? uri)
    {
        var path = uri?.AbsolutePath ?? "";
        return path.Contains("/tarball/", StringComparison.Ordinal) || path.Contains("/zipball/", StringComparison.Ordinal)
            || string.Equals(uri?.Host, "codeload.github.com", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/codeload/", StringComparison.Ordinal);
    }

    private string TooLarge(long length) => $"the repository archive is {Size(length)}, above the {Size(maxArchiveBytes)} limit";

    internal static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 => $"{bytes / (1024.0 * 1024):N0} MiB",
        >= 1024 => $"{bytes / 1024.0:N0} KiB",
        _ => $"{bytes:N0} bytes",
    };

    private sealed class LimitedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly long _limit;

        public LimitedContent(HttpContent inner, long limit)
        {
            _inner = inner;
            _limit = limit;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var source = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > _limit)
                    {
                        throw new ResponseTooLargeException($"the repository archive is larger than the {Size(_limit)} limit");
                    }

                    await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
