namespace ReviewBot.Reporting.Formatting;

/// <summary>Fits a document that lists findings into a character limit by listing fewer of them.</summary>
internal static class SizeFit
{
    /// <summary>
    /// The largest <c>k</c> in [0, <paramref name="count"/>] for which <paramref name="compose"/>(k) is at most
    /// <paramref name="maxLength"/> characters, or -1 when even k = 0 is too long. The document grows with k
    /// (a few digits of the "not listed" note aside), so a binary search finds it; a final walk down makes
    /// sure the answer really fits.
    /// </summary>
    public static int LargestFitting(int count, int maxLength, Func<int, string> compose)
    {
        if (compose(0).Length > maxLength)
        {
            return -1;
        }

        int low = 0, high = count;
        while (low < high)
        {
            var middle = low + ((high - low + 1) / 2);
            if (compose(middle).Length <= maxLength)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        while (low > 0 && compose(low).Length > maxLength)
        {
            low--;
        }

        return low;
    }

    /// <summary>
    /// Last resort when even the frame does not fit: cut at a line boundary and say so. The result is never
    /// longer than <paramref name="maxLength"/>.
    /// </summary>
    public static string HardClip(string text, int maxLength, string note)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var tail = "\n\n" + note + "\n";
        var room = Math.Max(0, maxLength - tail.Length);
        var cut = text.LastIndexOf('\n', Math.Max(0, Math.Min(room, text.Length) - 1));
        if (cut <= 0)
        {
            cut = room;
        }

        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        var clipped = text[..cut].TrimEnd() + tail;
        return clipped.Length <= maxLength ? clipped : clipped[..maxLength];
    }
}
