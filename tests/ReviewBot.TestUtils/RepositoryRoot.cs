using IOPath = System.IO.Path;

namespace ReviewBot.TestUtils;

/// <summary>The checkout under test: the folder above the test binaries that holds ReviewBot.sln.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(IOPath.Combine(dir.FullName, "ReviewBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds ReviewBot.sln.");
    });

    public static string Path => Root.Value;

    /// <summary>A path inside the checkout, written with forward slashes.</summary>
    public static string Combine(string relative) => IOPath.Combine(Root.Value, relative.Replace('/', IOPath.DirectorySeparatorChar));
}
