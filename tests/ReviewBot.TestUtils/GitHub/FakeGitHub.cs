using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ReviewBot.TestUtils.GitHub;

/// <summary>A request the fake GitHub received.</summary>
public sealed record FakeRequest(string Method, string Path, string Query, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
}

/// <summary>A comment held by the fake.</summary>
public sealed record FakeComment(long Id, string Body, string Login, string UserType, DateTimeOffset CreatedAt);

/// <summary>A failure the fake answers with instead of the normal response.</summary>
public sealed class FakeFault
{
    public required string Method { get; init; }

    /// <summary>Regex matched against the path below the API prefix, e.g. <c>/pulls/2/files$</c>.</summary>
    public required string PathPattern { get; init; }

    public int Status { get; init; } = 500;

    public string Body { get; init; } = """{"message":"Server Error"}""";

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Times to answer with this fault; -1 = always.</summary>
    public int Times { get; set; } = 1;

    /// <summary>Only requests whose body contains this text.</summary>
    public string? BodyContains { get; init; }

    /// <summary>The request takes effect, then the fault is answered (a write that happened but whose response was lost).</summary>
    public bool AfterApplying { get; init; }

    /// <summary>A transport fault instead of an HTTP answer (an empty response, or a malformed chunk and a dropped connection).</summary>
    public WireMock.ResponseBuilders.FaultType? Wire { get; init; }
}

/// <summary>
/// A stateful stand-in for the GitHub REST API on loopback (WireMock.Net): one repository, one pull
/// request (seeded from the recorded <c>pull_request</c> payload), its files, comments and check runs,
/// contents and tarballs per SHA, and injectable faults. Serves under <see cref="Prefix"/>
/// ("" like api.github.com, or "/api/v3" like GitHub Enterprise Server).
/// </summary>
public sealed class FakeGitHub : IDisposable
{
    private readonly object _gate = new();
    private readonly WireMockServer _server;
    private readonly string _baseUrl;
    private readonly List<FakeRequest> _requests = [];
    private readonly List<FakeComment> _comments = [];
    private readonly Dictionary<long, JsonObject> _checkRuns = [];
    private readonly Queue<string> _headShaSequence = new();
    private long _nextId = 1000;

    public FakeGitHub(string prefix = "", string payload = "pull_request/opened.payload.json")
    {
        Prefix = prefix.TrimEnd('/');
        var root = WebhookFixtures.Load(payload);
        PullRequest = root["pull_request"]!.AsObject();
        Owner = root["repository"]!["owner"]!["login"]!.GetValue<string>();
        Name = root["repository"]!["name"]!.GetValue<string>();
        Number = PullRequest["number"]!.GetValue<int>();
        _baseUrl = $"http://127.0.0.1:{FreePort()}";
        _server = WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = [_baseUrl], StartAdminInterface = false });
        _server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(".*")).UsingAnyMethod())
            .RespondWith(Response.Create().WithCallback(Handle));
    }

    public string Prefix { get; }

    /// <summary>The underlying server, for mappings the fake does not model (e.g. a response that never completes).</summary>
    public WireMockServer Server => _server;

    public string Owner { get; }

    public string Name { get; }

    public string FullName => $"{Owner}/{Name}";

    public int Number { get; }

    /// <summary>
    /// When set, every pull request number of the repository is served as this one pull request (same files,
    /// one list of comments and check runs), so that several pull requests can be reviewed at once.
    /// </summary>
    public bool AnyPullRequestNumber { get; set; }

    /// <summary>The pull request JSON served by GET pulls/N (edit it freely).</summary>
    public JsonObject PullRequest { get; }

    /// <summary>The API URL as GITHUB_API_URL would carry it (no trailing slash).</summary>
    public string ApiUrl => _baseUrl + Prefix;

    public string HeadSha
    {
        get => PullRequest["head"]!["sha"]!.GetValue<string>();
        set => PullRequest["head"]!["sha"] = value;
    }

    public string BaseSha
    {
        get => PullRequest["base"]!["sha"]!.GetValue<string>();
        set => PullRequest["base"]!["sha"] = value;
    }

    /// <summary>Changed files of the pull request as the files API lists them.</summary>
    public List<JsonObject> Files { get; } = [];

    /// <summary>Repository text per SHA, served as contents and as tarballs.</summary>
    public Dictionary<string, Dictionary<string, string>> Trees { get; } = new(StringComparer.Ordinal);

    public List<FakeFault> Faults { get; } = [];

    /// <summary>
    /// The App the token belongs to: check runs it creates carry this slug, comments it writes are by
    /// <c>&lt;slug&gt;[bot]</c>, and GET /app (with a JWT) answers it. Default <c>github-actions</c> (GITHUB_TOKEN).
    /// </summary>
    public string AppSlug { get; set; } = "github-actions";

    /// <summary>Paths left out of tarballs (as <c>export-ignore</c> in <c>.gitattributes</c> does) but still served by the contents API.</summary>
    public HashSet<string> ExportIgnored { get; } = new(StringComparer.Ordinal);

    /// <summary>How many times the git trees API was asked.</summary>
    public int TreeRequests { get; private set; }

    /// <summary>The token POST /app/installations/{id}/access_tokens hands out (GitHub App mode).</summary>
    public string InstallationToken { get; set; } = "ghs_fakeInstallationToken0123456789";

    /// <summary>When set, GET tarball answers 302 to a codeload-like URL on the same server (as github.com does).</summary>
    public bool RedirectArchives { get; set; }

    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToList();
            }
        }
    }

    public IReadOnlyList<FakeComment> Comments
    {
        get
        {
            lock (_gate)
            {
                return _comments.ToList();
            }
        }
    }

    public IReadOnlyList<JsonObject> CheckRuns
    {
        get
        {
            lock (_gate)
            {
                return _checkRuns.Values.Select(c => c.DeepClone().AsObject()).ToList();
            }
        }
    }

    /// <summary>Bodies of all check-run writes, in order.</summary>
    public IReadOnlyList<JsonObject> CheckRunWrites =>
        Requests.Where(r => r.Path.Contains("/check-runs", StringComparison.Ordinal) && r.Method is "POST" or "PATCH")
            .Select(r => r.Json!.AsObject()).ToList();

    /// <summary>Adds a changed file with the given patch (null: binary or too large).</summary>
    public JsonObject AddFile(string path, string status = "modified", string? patch = null, string? previous = null, int? changes = null)
    {
        var added = patch?.Split('\n').Count(l => l.StartsWith('+')) ?? 0;
        var removed = patch?.Split('\n').Count(l => l.StartsWith('-')) ?? 0;
        var file = new JsonObject
        {
            ["sha"] = new string('a', 40),
            ["filename"] = path,
            ["status"] = status,
            ["additions"] = added,
            ["deletions"] = removed,
            ["changes"] = changes ?? added + removed,
            ["blob_url"] = $"https://github.com/{FullName}/blob/{HeadSha}/{path}",
            ["raw_url"] = $"https://github.com/{FullName}/raw/{HeadSha}/{path}",
            ["contents_url"] = $"{ApiUrl}/repos/{FullName}/contents/{path}?ref={HeadSha}",
            ["patch"] = patch,
        };
        if (previous is not null)
        {
            file["previous_filename"] = previous;
        }

        Files.Add(file);
        PullRequest["changed_files"] = Files.Count;
        return file;
    }

    public FakeComment AddComment(string body, string login = "github-actions[bot]", string userType = "Bot", DateTimeOffset? createdAt = null)
    {
        lock (_gate)
        {
            var comment = new FakeComment(++_nextId, body, login, userType, createdAt ?? DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture).AddMinutes(_comments.Count));
            _comments.Add(comment);
            return comment;
        }
    }

    /// <summary>Each later GET of the pull request answers with the next SHA of this sequence as head (the last one sticks).</summary>
    public void MoveHeadOnLaterReads(params string[] shas)
    {
        lock (_gate)
        {
            foreach (var sha in shas)
            {
                _headShaSequence.Enqueue(sha);
            }
        }
    }

    public int CountRequests(string method, string pathSuffix) =>
        Requests.Count(r => r.Method == method && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal));

    public void Dispose() => _server.Stop();

    private IResponseMessage Handle(IRequestMessage request)
    {
        lock (_gate)
        {
            var path = request.Path;
            var body = request.Body ?? "";
            var headers = request.Headers?.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)
                ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            _requests.Add(new FakeRequest(request.Method, path, request.RawQuery ?? "", body, headers));

            if (path.StartsWith("/codeload/", StringComparison.Ordinal))
            {
                return Tarball(path["/codeload/".Length..]);
            }

            if (!path.StartsWith(Prefix + "/", StringComparison.Ordinal))
            {
                return Json(404, """{"message":"Not Found (wrong API prefix)"}""");
            }

            var local = path[Prefix.Length..];
            foreach (var fault in Faults)
            {
                if (fault.Times != 0 && fault.Method == request.Method && Regex.IsMatch(local, fault.PathPattern)
                    && (fault.BodyContains is null || body.Contains(fault.BodyContains, StringComparison.Ordinal)))
                {
                    if (fault.Times > 0)
                    {
                        fault.Times--;
                    }

                    if (fault.AfterApplying)
                    {
                        Route(request.Method, local, Query(request), body, path);
                    }

                    var response = Json(fault.Status, fault.Body);
                    if (fault.Wire is { } wire)
                    {
                        response.FaultType = wire;
                        response.FaultPercentage = null;
                    }

                    foreach (var (key, value) in fault.Headers)
                    {
                        response.Headers![key] = new WireMockList<string>(value);
                    }

                    return response;
                }
            }

            return Route(request.Method, local, Query(request), body, path);
        }
    }

    private ResponseMessage Route(string method, string local, Dictionary<string, string> query, string body, string fullPath)
    {
        var repo = $"/repos/{Owner}/{Name}";
        if (!local.StartsWith(repo, StringComparison.Ordinal))
        {
            if (method == "POST" && Regex.IsMatch(local, "^/app/installations/[0-9]+/access_tokens$"))
            {
                // A GitHub App exchanging its JWT for an installation token (valid one hour).
                return Json(201, new JsonObject
                {
                    ["token"] = InstallationToken,
                    ["expires_at"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["permissions"] = new JsonObject { ["checks"] = "write", ["pull_requests"] = "write", ["contents"] = "read", ["metadata"] = "read" },
                    ["repository_selection"] = "all",
                }.ToJsonString());
            }

            if (local == "/app" && method == "GET")
            {
                return Json(200, AppJson().ToJsonString());
            }

            return local == "/user" && method == "GET"
                ? Json(200, """{"login":"reviewbot-user","id":1,"type":"User"}""")
                : Json(404, """{"message":"Not Found"}""");
        }

        var rest = local[repo.Length..];
        var number = AnyPullRequestNumber && Regex.Match(rest, "^/(?:pulls|issues)/([0-9]{1,9})(?:/|$)") is { Success: true } asked
            ? int.Parse(asked.Groups[1].Value, CultureInfo.InvariantCulture)
            : Number;
        var pulls = $"/pulls/{number}";
        var issueComments = $"/issues/{number}/comments";
        switch (method)
        {
            case "GET" when rest == pulls:
                if (_headShaSequence.Count > 0 && _requests.Count(r => r.Method == "GET" && r.Path.EndsWith(pulls, StringComparison.Ordinal)) > 1)
                {
                    HeadSha = _headShaSequence.Count > 1 ? _headShaSequence.Dequeue() : _headShaSequence.Peek();
                }

                return Json(200, PullRequest.ToJsonString());
            case "GET" when rest == pulls + "/files":
                return Page(Files.Cast<JsonNode>().ToList(), query, fullPath);
            case "GET" when rest.StartsWith("/contents/", StringComparison.Ordinal):
                var file = Uri.UnescapeDataString(rest["/contents/".Length..]);
                if (!query.TryGetValue("ref", out var @ref) || !Trees.TryGetValue(@ref, out var tree) || !tree.TryGetValue(file, out var text))
                {
                    return Json(404, """{"message":"Not Found"}""");
                }

                var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
                return Json(200, new JsonObject
                {
                    ["type"] = "file",
                    ["encoding"] = "base64",
                    ["size"] = Encoding.UTF8.GetByteCount(text),
                    ["name"] = file.Split('/')[^1],
                    ["path"] = file,
                    ["sha"] = new string('b', 40),
                    ["content"] = string.Join("\n", base64.Chunk(60).Select(c => new string(c))),
                    ["url"] = $"{ApiUrl}{repo}/contents/{file}?ref={@ref}",
                }.ToJsonString());
            case "GET" when rest.StartsWith("/git/trees/", StringComparison.Ordinal):
            {
                // The commit's whole tree (recursive), export-ignored files included, as the git trees API lists it.
                TreeRequests++;
                var treeSha = rest["/git/trees/".Length..];
                if (!Trees.TryGetValue(treeSha, out var files))
                {
                    return Json(404, """{"message":"Not Found"}""");
                }

                var items = files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (JsonNode)new JsonObject
                {
                    ["path"] = f.Key,
                    ["mode"] = "100644",
                    ["type"] = "blob",
                    ["sha"] = new string('c', 40),
                    ["size"] = Encoding.UTF8.GetByteCount(f.Value),
                    ["url"] = $"{ApiUrl}{repo}/git/blobs/{new string('c', 40)}",
                }).ToArray();
                return Json(200, new JsonObject { ["sha"] = treeSha, ["url"] = $"{ApiUrl}{repo}/git/trees/{treeSha}", ["tree"] = new JsonArray(items), ["truncated"] = false }.ToJsonString());
            }

            case "GET" when rest.StartsWith("/tarball/", StringComparison.Ordinal):
                var sha = rest["/tarball/".Length..];
                if (RedirectArchives)
                {
                    var redirect = Raw(302, [], "text/plain");
                    redirect.Headers!["Location"] = new WireMockList<string>($"{_baseUrl}/codeload/{sha}");
                    return redirect;
                }

                return Tarball(sha);
            case "GET" when rest == issueComments:
                return Page(_comments.Select(CommentJson).Cast<JsonNode>().ToList(), query, fullPath);
            case "POST" when rest == issueComments:
                var created = new FakeComment(++_nextId, JsonNode.Parse(body)!["body"]!.GetValue<string>(), AppSlug + "[bot]", "Bot", DateTimeOffset.UtcNow);
                _comments.Add(created);
                return Json(201, CommentJson(created).ToJsonString());
            case "PATCH" when rest.StartsWith("/issues/comments/", StringComparison.Ordinal):
            {
                var id = long.Parse(rest["/issues/comments/".Length..], CultureInfo.InvariantCulture);
                var index = _comments.FindIndex(c => c.Id == id);
                if (index < 0)
                {
                    return Json(404, """{"message":"Not Found"}""");
                }

                _comments[index] = _comments[index] with { Body = JsonNode.Parse(body)!["body"]!.GetValue<string>() };
                return Json(200, CommentJson(_comments[index]).ToJsonString());
            }

            case "DELETE" when rest.StartsWith("/issues/comments/", StringComparison.Ordinal):
            {
                var id = long.Parse(rest["/issues/comments/".Length..], CultureInfo.InvariantCulture);
                return _comments.RemoveAll(c => c.Id == id) > 0 ? Raw(204, [], "text/plain") : Json(404, """{"message":"Not Found"}""");
            }

            case "POST" when rest == "/check-runs":
            {
                var run = JsonNode.Parse(body)!.AsObject();
                var id = ++_nextId;
                run["id"] = id;
                run["html_url"] = $"https://github.com/{FullName}/runs/{id}";
                run["annotations"] = new JsonArray();
                Apply(run, run["output"]?.AsObject());
                _checkRuns[id] = run;
                return Json(201, CheckRunJson(run));
            }

            case "GET" when Regex.IsMatch(rest, "^/commits/[0-9a-fA-F]+/check-runs$"):
            {
                // The check runs of a commit, filtered as GitHub filters them (check_name, status).
                var commit = rest.Split('/')[2];
                var runs = _checkRuns.Values
                    .Where(r => string.Equals(r["head_sha"]?.GetValue<string>(), commit, StringComparison.OrdinalIgnoreCase))
                    .Where(r => !query.TryGetValue("check_name", out var name) || r["name"]?.GetValue<string>() == name)
                    .Where(r => !query.TryGetValue("status", out var status) || r["status"]?.GetValue<string>() == status)
                    .Select(r => JsonNode.Parse(CheckRunJson(r)))
                    .ToList();
                return Json(200, new JsonObject { ["total_count"] = runs.Count, ["check_runs"] = new JsonArray([.. runs]) }.ToJsonString());
            }

            case "PATCH" when rest.StartsWith("/check-runs/", StringComparison.Ordinal):
            {
                var id = long.Parse(rest["/check-runs/".Length..], CultureInfo.InvariantCulture);
                if (!_checkRuns.TryGetValue(id, out var run))
                {
                    return Json(404, """{"message":"Not Found"}""");
                }

                var update = JsonNode.Parse(body)!.AsObject();
                foreach (var (key, value) in update)
                {
                    if (key != "output")
                    {
                        run[key] = value?.DeepClone();
                    }
                }

                Apply(run, update["output"]?.AsObject());
                return Json(200, CheckRunJson(run));
            }

            default:
                return Json(404, """{"message":"Not Found"}""");
        }
    }

    private static void Apply(JsonObject run, JsonObject? output)
    {
        if (output is null)
        {
            return;
        }

        var annotations = run["annotations"] as JsonArray ?? [];
        if (output["annotations"] is JsonArray added)
        {
            foreach (var a in added)
            {
                annotations.Add(a?.DeepClone());
            }
        }

        var kept = output.DeepClone().AsObject();
        kept.Remove("annotations");
        run["output"] = kept;
        run["annotations"] = annotations;
    }

    private string CheckRunJson(JsonObject run)
    {
        var copy = run.DeepClone().AsObject();
        copy.Remove("annotations");
        copy["check_suite"] = null;
        copy["app"] = AppJson();
        return copy.ToJsonString();
    }

    private JsonObject AppJson() => new()
    {
        ["id"] = 15368,
        ["slug"] = AppSlug,
        ["node_id"] = "MDM6QXBwMTUzNjg=",
        ["name"] = AppSlug == "github-actions" ? "GitHub Actions" : AppSlug,
        ["owner"] = new JsonObject { ["login"] = "github", ["id"] = 9919, ["type"] = "Organization" },
        ["html_url"] = $"https://github.com/apps/{AppSlug}",
        ["created_at"] = "2018-07-30T09:30:17Z",
        ["updated_at"] = "2019-12-10T19:04:12Z",
    };

    private static JsonObject CommentJson(FakeComment c) => new()
    {
        ["id"] = c.Id,
        ["node_id"] = $"IC_{c.Id}",
        ["url"] = $"https://api.github.com/repos/x/y/issues/comments/{c.Id}",
        ["html_url"] = $"https://github.com/x/y/pull/1#issuecomment-{c.Id}",
        ["body"] = c.Body,
        ["user"] = new JsonObject { ["login"] = c.Login, ["id"] = 41898282, ["type"] = c.UserType },
        ["created_at"] = c.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["updated_at"] = c.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["author_association"] = "NONE",
    };

    private ResponseMessage Page(List<JsonNode> items, Dictionary<string, string> query, string fullPath)
    {
        var perPage = query.TryGetValue("per_page", out var pp) ? int.Parse(pp, CultureInfo.InvariantCulture) : 30;
        var page = query.TryGetValue("page", out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : 1;
        var slice = new JsonArray(items.Skip((page - 1) * perPage).Take(perPage).Select(i => i.DeepClone()).ToArray());
        var response = Json(200, slice.ToJsonString());
        var last = Math.Max(1, (items.Count + perPage - 1) / perPage);
        if (page < last)
        {
            var url = $"{_baseUrl}{fullPath}";
            response.Headers!["Link"] = new WireMockList<string>(
                $"<{url}?per_page={perPage}&page={page + 1}>; rel=\"next\", <{url}?per_page={perPage}&page={last}>; rel=\"last\"");
        }

        return response;
    }

    private ResponseMessage Tarball(string sha)
    {
        if (!Trees.TryGetValue(sha, out var tree))
        {
            return Json(404, """{"message":"Not Found"}""");
        }

        var archived = tree.Where(f => !ExportIgnored.Contains(f.Key)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        return Raw(200, BuildTarball($"{Owner}-{Name}-{sha[..Math.Min(7, sha.Length)]}", sha, archived), "application/x-gzip");
    }

    /// <summary>A gzip tarball shaped like GitHub's: a pax global header with the commit, one top folder.</summary>
    public static byte[] BuildTarball(string topFolder, string sha, IReadOnlyDictionary<string, string> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = sha }));
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, topFolder + "/"));
            foreach (var (path, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"{topFolder}/{path}")
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
                };
                tar.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Dictionary<string, string> Query(IRequestMessage request) =>
        request.Query?.ToDictionary(q => q.Key, q => q.Value.FirstOrDefault() ?? "", StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    private static ResponseMessage Json(int status, string json) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") },
        BodyData = new BodyData { BodyAsString = json, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
    };

    private static ResponseMessage Raw(int status, byte[] bytes, string contentType) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new(contentType) },
        BodyData = new BodyData { BodyAsBytes = bytes, DetectedBodyType = BodyType.Bytes },
    };
}
