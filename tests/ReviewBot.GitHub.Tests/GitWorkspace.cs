using ReviewBot.TestUtils;

namespace ReviewBot.GitHub.Tests;

/// <summary>A real repository with a base and a head commit, like an Actions checkout with full history.</summary>
internal sealed class GitWorkspace : IDisposable
{
    private readonly TempGitRepo _repo;

    private GitWorkspace(TempGitRepo repo, string baseSha, string headSha)
    {
        _repo = repo;
        BaseSha = baseSha;
        HeadSha = headSha;
    }

    public string Path => _repo.Root;

    public string BaseSha { get; }

    public string HeadSha { get; }

    public static GitWorkspace Create(IReadOnlyDictionary<string, string> baseFiles, IReadOnlyDictionary<string, string> headFiles)
    {
        var repo = TempGitRepo.Create();
        foreach (var (path, text) in baseFiles)
        {
            repo.WriteFile(path, text);
        }

        var baseSha = repo.Commit("base");
        repo.Branch("feature", checkout: true);
        foreach (var path in baseFiles.Keys.Except(headFiles.Keys))
        {
            repo.DeleteFile(path);
        }

        foreach (var (path, text) in headFiles)
        {
            repo.WriteFile(path, text);
        }

        return new GitWorkspace(repo, baseSha, repo.Commit("head"));
    }

    public void Dispose() => _repo.Dispose();
}
