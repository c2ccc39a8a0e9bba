using System.Collections.Concurrent;
using System.Net;

namespace ReviewBot.GitHub.Http;

/// <summary>One request as it went over the wire (retries are separate entries).</summary>
public sealed record RequestRecord(string Method, string PathAndQuery, HttpStatusCode? Status);

/// <summary>Every HTTP request a <see cref="GitHubApi"/> sent, for the run's request count and for tests.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<RequestRecord> _records = new();

    public int Count => _records.Count;

    public IReadOnlyList<RequestRecord> Records => _records.ToArray();

    internal void Add(RequestRecord record) => _records.Enqueue(record);
}

/// <summary>Innermost handler: records each request that reaches the network.</summary>
internal sealed class RequestCountingHandler(RequestLog log) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.PathAndQuery ?? "";
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            log.Add(new RequestRecord(request.Method.Method, path, response.StatusCode));
            return response;
        }
        catch
        {
            log.Add(new RequestRecord(request.Method.Method, path, null));
            throw;
        }
    }
}
