namespace ReviewBot.Core.Changes;

/// <summary>How a file changed between the base and the head of a change set.</summary>
public enum ChangeKind
{
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
}
