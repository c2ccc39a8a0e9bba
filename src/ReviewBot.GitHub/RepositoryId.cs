using ReviewBot.Core;

namespace ReviewBot.GitHub;

/// <summary>A repository as <c>owner/name</c> (the form of <c>GITHUB_REPOSITORY</c>).</summary>
public readonly record struct RepositoryId(string Owner, string Name)
{
    public static RepositoryId Parse(string fullName)
    {
        var parts = (fullName ?? "").Split('/');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new InvalidInputException($"GITHUB_REPOSITORY: '{fullName}' is not of the form owner/name.");
        }

        return new RepositoryId(parts[0], parts[1]);
    }

    public override string ToString() => $"{Owner}/{Name}";
}
