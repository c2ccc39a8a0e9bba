using System.Buffers;
using System.Text;

namespace ReviewBot.Core.Changes;

/// <summary>
/// Parses unified diffs: the output of <c>git diff</c> (extended headers for new, deleted, renamed and
/// copied files, mode changes, binary files, C-quoted paths), plain <c>diff -u</c> output, and the
/// hunk-only <c>patch</c> text of GitHub's files API. Every hunk line gets its base and head line number.
/// </summary>
/// <remarks>
/// The parser is a single forward pass over the bytes with no regular expressions, so its time is
/// linear in the input (a 10 MB line costs one scan). The model it builds keeps positions in the diff's bytes, not
/// strings (<see cref="DiffStore"/>): a line's text is decoded when it is read, as UTF-8 with
/// replacement characters for invalid bytes; a trailing <c>'\r'</c> is removed from every line, so CRLF
/// files give the same <see cref="DiffLine.Text"/> as LF files. Malformed input — text that is not a
/// diff, a hunk cut short, a line inside a hunk that is not a hunk line — is an
/// <see cref="InvalidInputException"/> whose message names the line; the caller prefixes the file name.
/// </remarks>
public static class UnifiedDiffParser
{
    /// <summary>Parses a whole diff (a copy of it: see <see cref="Parse(byte[])"/>). An empty (or whitespace-only) diff gives an empty list.</summary>
    /// <exception cref="InvalidInputException">The input is not a diff, or is truncated or malformed.</exception>
    public static IReadOnlyList<FileChange> Parse(ReadOnlySpan<byte> gitDiff) => Parse(gitDiff.ToArray());

    /// <summary>
    /// Parses a whole diff without copying it: the files' lines are read from <paramref name="gitDiff"/> when they are
    /// accessed, so the array must not change afterwards. An empty (or whitespace-only) diff gives an empty list.
    /// </summary>
    /// <exception cref="InvalidInputException">The input is not a diff, or is truncated or malformed.</exception>
    public static IReadOnlyList<FileChange> Parse(byte[] gitDiff)
    {
        ArgumentNullException.ThrowIfNull(gitDiff);
        ReadOnlySpan<byte> data = gitDiff;

        // Windows PowerShell 5 writes `git diff > change.diff` as UTF-16 with a byte order mark.
        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || data.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            var utf16 = data[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            return Parse(Encoding.UTF8.GetBytes(utf16.GetString(data[2..])));
        }

        var start = data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var parser = new DiffParser(hunksOnly: false, new DiffStore(gitDiff));
        var reader = new LineReader(data, start);
        while (reader.TryRead(out var line))
        {
            parser.Line(line, ref reader);
        }

        parser.End(reader.LineNumber);
        if (parser.Files.Count == 0 && !IsBlank(data[start..]))
        {
            throw new InvalidInputException("not a diff: no 'diff --git' header and no '@@' hunk found");
        }

        return parser.Files;
    }

    /// <summary>
    /// Parses the hunk-only text of a GitHub files API <c>patch</c> field (it starts at the first
    /// <c>@@</c> line, without file headers). An empty patch gives an empty list.
    /// </summary>
    /// <exception cref="InvalidInputException">The text has no hunk, or a hunk is truncated or malformed.</exception>
    public static IReadOnlyList<DiffHunk> ParseHunks(string patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var bytes = Encoding.UTF8.GetBytes(patch);
        var parser = new DiffParser(hunksOnly: true, new DiffStore(bytes));
        var reader = new LineReader(bytes, 0);
        while (reader.TryRead(out var line))
        {
            parser.Line(line, ref reader);
        }

        parser.End(reader.LineNumber);
        if (parser.Files.Count == 0)
        {
            if (!IsBlank(bytes))
            {
                throw new InvalidInputException("not a patch: no '@@' hunk found");
            }

            return [];
        }

        return parser.Files[0].Hunks;
    }

    private static bool IsBlank(ReadOnlySpan<byte> data) => data.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    internal static string Decode(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "" : Encoding.UTF8.GetString(bytes);

    /// <summary>
    /// The sections of hunk headers (the enclosing function or CTE git names), trimmed, one string per distinct text:
    /// they repeat throughout a diff. Bounded so that a diff of distinct sections cannot grow it without limit.
    /// </summary>
    private sealed class Sections
    {
        private const int MaxBytes = 128;
        private const int MaxEntries = 1 << 16;
        private readonly HashSet<string> _set = new(StringComparer.Ordinal);
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public Sections() => _lookup = _set.GetAlternateLookup<ReadOnlySpan<char>>();

        public string Get(ReadOnlySpan<byte> utf8)
        {
            Span<char> buffer = stackalloc char[MaxBytes];
            if (utf8.Length > MaxBytes || !Encoding.UTF8.TryGetChars(utf8, buffer, out var length))
            {
                return Decode(utf8).Trim();
            }

            var chars = ((ReadOnlySpan<char>)buffer[..length]).Trim();
            if (chars.IsEmpty)
            {
                return "";
            }

            if (_lookup.TryGetValue(chars, out var known))
            {
                return known;
            }

            var text = new string(chars);
            if (_set.Count < MaxEntries)
            {
                _set.Add(text);
            }

            return text;
        }
    }

    private ref struct LineReader(ReadOnlySpan<byte> data, int start)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position = start;

        public int LineNumber { get; private set; }

        /// <summary>Where the line last read starts in the data.</summary>
        public int LineStart { get; private set; }

        public bool TryRead(out ReadOnlySpan<byte> line)
        {
            if (!TryGet(_position, out line, out var next))
            {
                return false;
            }

            LineStart = _position;
            _position = next;
            LineNumber++;
            return true;
        }

        public readonly ReadOnlySpan<byte> Peek() => TryGet(_position, out var line, out _) ? line : default;

        private readonly bool TryGet(int position, out ReadOnlySpan<byte> line, out int next)
        {
            if (position >= _data.Length)
            {
                line = default;
                next = position;
                return false;
            }

            var rest = _data[position..];
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                line = rest;
                next = _data.Length;
            }
            else
            {
                line = rest[..newline];
                next = position + newline + 1;
            }

            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            return true;
        }
    }

    private sealed class DiffParser(bool hunksOnly, DiffStore store)
    {
        private readonly Sections _sections = new();
        private readonly DiffStore _store = store;
        private readonly HunkReader _hunk = new();
        private readonly FileBuilder _builder = new(store);
        private FileBuilder? _file;

        public List<FileChange> Files { get; } = [];

        public void Line(ReadOnlySpan<byte> line, ref LineReader reader)
        {
            var number = reader.LineNumber;
            if (_hunk.IsOpen)
            {
                _hunk.Add(line, number, reader.LineStart);
                return;
            }

            if (line.StartsWith("@@"u8))
            {
                if (_file is null)
                {
                    if (!hunksOnly)
                    {
                        throw new InvalidInputException($"line {number}: hunk before any file header ('diff --git' or '---'/'+++')");
                    }

                    _file = _builder.BeginHunks(number);
                }

                _hunk.Start(line, number, _store, _sections);
                _file.InHeader = false;
                return;
            }

            if (line.Length > 0 && line[0] == (byte)'\\')
            {
                _hunk.MarkNoNewline();
                return;
            }

            if (hunksOnly)
            {
                if (line.IndexOfAnyExcept(" \t"u8) < 0)
                {
                    return;
                }

                throw new InvalidInputException(_file is null
                    ? $"line {number}: not a patch: expected an '@@' hunk header"
                    : $"line {number}: unexpected text between hunks");
            }

            if (line.StartsWith("diff --git "u8))
            {
                FinishFile();
                _file = _builder.Begin(number, isGit: true, inHeader: true);
                _file.ParseGitHeader(line["diff --git "u8.Length..], number);
                return;
            }

            if (line.StartsWith("diff --cc "u8) || line.StartsWith("diff --combined "u8))
            {
                throw new InvalidInputException($"line {number}: combined (merge) diffs are not supported; diff two commits instead");
            }

            if (_file is { IsGit: true, InHeader: true })
            {
                _file.ExtendedHeader(line, number);
                return;
            }

            // A plain unified diff (diff -u, svn, hand-made): a '---' line directly followed by '+++'.
            if (line.StartsWith("--- "u8) && reader.Peek().StartsWith("+++ "u8))
            {
                FinishFile();
                _file = _builder.Begin(number, isGit: false, inHeader: true);
                _file.MinusLine(line[4..], number);
                reader.TryRead(out var plus);
                _file.PlusLine(plus[4..], reader.LineNumber);
            }

            // Anything else outside a file header or hunk is preamble or trailer (a commit message, a
            // format-patch signature, 'Only in ...' lines of diff -r): not part of any file.
        }

        public void End(int lastLine)
        {
            if (_hunk.IsOpen)
            {
                throw new InvalidInputException(_hunk.Truncated(lastLine, "the input ends"));
            }

            FinishFile();
            _store.Trim();
        }

        private void FinishFile()
        {
            _hunk.Close();
            if (_file is not null)
            {
                Files.Add(_file.Build());
                _file = null;
            }
        }
    }

    /// <summary>
    /// Reads the lines of the open hunk into the <see cref="DiffStore"/>, checking them against the header's counts.
    /// One per parse, reused for every hunk: an object per hunk would be garbage the size of a small hunk's text.
    /// </summary>
    private sealed class HunkReader
    {
        private DiffStore? _store;
        private int _baseStart;
        private int _baseCount;
        private int _headStart;
        private int _headCount;
        private int _startLine;
        private int _first;
        private int _nextBase;
        private int _nextHead;
        private int _baseLeft;
        private int _headLeft;

        public bool IsOpen => _baseLeft > 0 || _headLeft > 0;

        public void Start(ReadOnlySpan<byte> line, int number, DiffStore store, Sections sections)
        {
            // @@ -a[,b] +c[,d] @@[ section]
            var rest = line;
            if (!rest.StartsWith("@@ -"u8)
                || !TryNumber(ref rest, 4, out var baseStart)
                || !TryCount(ref rest, out var baseCount)
                || !rest.StartsWith(" +"u8)
                || !TryNumber(ref rest, 2, out var headStart)
                || !TryCount(ref rest, out var headCount)
                || !rest.StartsWith(" @@"u8))
            {
                throw new InvalidInputException($"line {number}: malformed hunk header '{Clip(Decode(line))}'");
            }

            var section = sections.Get(rest[3..]);
            store.AddHunk(baseStart, baseCount, headStart, headCount, section);
            _store = store;
            _first = store.LineCount;
            _baseStart = baseStart;
            _baseCount = baseCount;
            _headStart = headStart;
            _headCount = headCount;
            _startLine = number;
            _nextBase = baseStart;
            _nextHead = headStart;
            _baseLeft = baseCount;
            _headLeft = headCount;
        }

        /// <summary>Ends the hunk: a <c>\ No newline</c> line after it no longer marks its last line.</summary>
        public void Close()
        {
            _store = null;
            _baseLeft = _headLeft = 0;
        }

        /// <summary>Adds the hunk line <paramref name="line"/>, which starts at <paramref name="start"/> in the diff.</summary>
        public void Add(ReadOnlySpan<byte> line, int number, int start)
        {
            // An empty line counts as an empty context line: some tools strip the trailing space.
            var store = _store!;
            var marker = line.IsEmpty ? (byte)' ' : line[0];
            switch (marker)
            {
                case (byte)' ' when _baseLeft > 0 && _headLeft > 0:
                    store.AddLine(start, _nextBase++, _nextHead++);
                    _baseLeft--;
                    _headLeft--;
                    break;
                case (byte)'-' when _baseLeft > 0:
                    store.AddLine(start, _nextBase++, _nextHead);
                    _baseLeft--;
                    break;
                case (byte)'+' when _headLeft > 0:
                    store.AddLine(start, _nextBase, _nextHead++);
                    _headLeft--;
                    break;
                case (byte)'\\':
                    MarkNoNewline();
                    break;
                case (byte)' ' or (byte)'-' or (byte)'+':
                    throw new InvalidInputException(
                        $"line {number}: hunk starting at line {_startLine} has more lines than its header " +
                        $"'@@ -{_baseStart},{_baseCount} +{_headStart},{_headCount} @@' says");
                default:
                    throw new InvalidInputException(line.StartsWith("diff "u8)
                        ? Truncated(number, "a new file starts")
                        : $"line {number}: expected a hunk line starting with ' ', '+' or '-', found '{Clip(Decode(line))}'");
            }
        }

        public void MarkNoNewline()
        {
            if (_store is not null && _store.LineCount > _first)
            {
                _store.MarkNoNewline(_store.LineCount - 1);
            }
        }

        public string Truncated(int number, string what) =>
            $"line {number}: truncated diff: {what} while the hunk starting at line {_startLine} " +
            $"still expects {_baseLeft} base and {_headLeft} head lines";

        private static bool TryNumber(ref ReadOnlySpan<byte> rest, int skip, out int value)
        {
            rest = rest[skip..];
            value = 0;
            var digits = 0;
            while (digits < rest.Length && rest[digits] is >= (byte)'0' and <= (byte)'9')
            {
                if (value > (int.MaxValue - 9) / 10)
                {
                    return false;
                }

                value = (value * 10) + (rest[digits] - '0');
                digits++;
            }

            rest = rest[digits..];
            return digits > 0;
        }

        private static bool TryCount(ref ReadOnlySpan<byte> rest, out int count)
        {
            if (!rest.IsEmpty && rest[0] == (byte)',')
            {
                return TryNumber(ref rest, 1, out count);
            }

            count = 1;
            return true;
        }
    }

    /// <summary>
    /// Collects one file's header. One per parse, reused for every file (<see cref="Begin"/> resets every field): an
    /// object per file would be garbage about the size of a small file's diff.
    /// </summary>
    private sealed class FileBuilder(DiffStore store)
    {
        private static readonly SearchValues<byte> LowerHex = SearchValues.Create("0123456789abcdef"u8);
        private int _startLine;
        private int _firstHunk;
        private string? _gitOld;
        private string? _gitNew;
        private string _oldPrefix = "";
        private string _newPrefix = "";
        private string? _minus;
        private string? _plus;
        private bool _minusNull;
        private bool _plusNull;
        private bool _minusIsGitOld;
        private bool _plusIsGitNew;
        private string? _renameFrom;
        private string? _renameTo;
        private string? _copyFrom;
        private string? _copyTo;
        private string? _oldMode;
        private string? _newMode;
        private bool _newFile;
        private bool _deletedFile;
        private bool _binary;
        private string? _baseBlob;
        private string? _headBlob;
        private int? _similarity;

        public bool IsGit { get; private set; }

        public bool InHeader { get; set; }

        /// <summary>Starts the file whose header begins at line <paramref name="startLine"/>; every field is reset here.</summary>
        public FileBuilder Begin(int startLine, bool isGit, bool inHeader)
        {
            _startLine = startLine;
            _firstHunk = store.HunkCount;
            (IsGit, InHeader) = (isGit, inHeader);
            (_gitOld, _gitNew, _oldPrefix, _newPrefix) = (null, null, "", "");
            (_minus, _plus, _minusNull, _plusNull, _minusIsGitOld, _plusIsGitNew) = (null, null, false, false, false, false);
            (_renameFrom, _renameTo, _copyFrom, _copyTo) = (null, null, null, null);
            (_oldMode, _newMode, _newFile, _deletedFile, _binary) = (null, null, false, false, false);
            (_baseBlob, _headBlob, _similarity) = (null, null, null);
            return this;
        }

        /// <summary>Starts the one file of a hunk-only patch (a GitHub files API patch has no header).</summary>
        public FileBuilder BeginHunks(int startLine)
        {
            Begin(startLine, isGit: false, inHeader: false);
            (_gitOld, _gitNew) = ("", "");
            return this;
        }

        public void ParseGitHeader(ReadOnlySpan<byte> rest, int number)
        {
            // The usual header names one path twice behind two prefixes ("a/x b/x"): decode it once. Anything else
            // (quotes, no prefixes, a rename's two names) goes the general way.
            var length = rest.Length;
            if (length >= 5 && (length - 5) % 2 == 0 && rest[0] != (byte)'"' && rest[^1] != (byte)'"')
            {
                var p = (length - 5) / 2;
                if (rest[1] == (byte)'/' && rest[p + 2] == (byte)' ' && rest[p + 4] == (byte)'/' && rest[0] != rest[p + 3]
                    && char.IsAsciiLetter((char)rest[0]) && char.IsAsciiLetter((char)rest[p + 3]) && rest.Slice(2, p).SequenceEqual(rest[(p + 5)..]))
                {
                    _oldPrefix = Prefix((char)rest[0]);
                    _newPrefix = Prefix((char)rest[p + 3]);
                    _gitOld = _gitNew = Decode(rest.Slice(2, p));
                    return;
                }
            }

            if (!TrySplitGitPaths(rest, out var a, out var b))
            {
                throw new InvalidInputException($"line {number}: malformed 'diff --git' header");
            }

            // "a/x b/x" (default), "c/x w/x" (mnemonic prefixes) or "x x" (diff.noprefix).
            if (a.Length > 2 && b.Length > 2 && a[1] == '/' && b[1] == '/' && a[0] != b[0])
            {
                _oldPrefix = Prefix(a[0]);
                _newPrefix = Prefix(b[0]);
                a = a[2..];
                b = b[2..];
            }

            _gitOld = a;
            _gitNew = b;
        }

        public void ExtendedHeader(ReadOnlySpan<byte> line, int number)
        {
            if (line.StartsWith("--- "u8))
            {
                MinusLine(line[4..], number);
            }
            else if (line.StartsWith("+++ "u8))
            {
                PlusLine(line[4..], number);
            }
            else if (line.StartsWith("old mode "u8))
            {
                _oldMode = Decode(line["old mode "u8.Length..]).Trim();
            }
            else if (line.StartsWith("new mode "u8))
            {
                _newMode = Decode(line["new mode "u8.Length..]).Trim();
            }
            else if (line.StartsWith("new file mode "u8))
            {
                _newFile = true;
                _newMode = Decode(line["new file mode "u8.Length..]).Trim();
            }
            else if (line.StartsWith("deleted file mode "u8))
            {
                _deletedFile = true;
                _oldMode = Decode(line["deleted file mode "u8.Length..]).Trim();
            }
            else if (line.StartsWith("index "u8))
            {
                // "index <pre>..<post>[ <mode>]": the blob ids the diff was made from and to.
                // Read on the bytes: only the two ids are kept as strings (a diff of many files has an index line each).
                var ids = line["index "u8.Length..].Trim(" \t\v\f"u8);
                var space = ids.IndexOf((byte)' ');
                ids = space < 0 ? ids : ids[..space];
                var dots = ids.IndexOf(".."u8);
                if (dots >= 0 && IsHex(ids[..dots]) && IsHex(ids[(dots + 2)..]))
                {
                    (_baseBlob, _headBlob) = (Decode(ids[..dots]), Decode(ids[(dots + 2)..]));
                }
            }
            else if (line.StartsWith("similarity index "u8))
            {
                var text = Decode(line["similarity index "u8.Length..]).Trim().TrimEnd('%');
                _similarity = int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
            }
            else if (line.StartsWith("rename from "u8))
            {
                _renameFrom = HeaderPath(line["rename from "u8.Length..], number);
            }
            else if (line.StartsWith("rename to "u8))
            {
                _renameTo = HeaderPath(line["rename to "u8.Length..], number);
            }
            else if (line.StartsWith("copy from "u8))
            {
                _copyFrom = HeaderPath(line["copy from "u8.Length..], number);
            }
            else if (line.StartsWith("copy to "u8))
            {
                _copyTo = HeaderPath(line["copy to "u8.Length..], number);
            }
            else if (line.StartsWith("Binary files "u8) || line.SequenceEqual("GIT binary patch"u8))
            {
                _binary = true;
            }

            // Other lines ('index', 'dissimilarity index', the base85 data of a binary patch) carry nothing we use.
        }

        public void MinusLine(ReadOnlySpan<byte> rest, int number)
        {
            // Git repeats the header's path here: keep that string rather than decode the same path again.
            _minusIsGitOld = IsGit && IsPrefixedPath(rest, _oldPrefix, _gitOld);
            _minus = _minusIsGitOld ? null : DashPath(rest, number, out _minusNull);
        }

        public void PlusLine(ReadOnlySpan<byte> rest, int number)
        {
            _plusIsGitNew = IsGit && IsPrefixedPath(rest, _newPrefix, _gitNew);
            _plus = _plusIsGitNew ? null : DashPath(rest, number, out _plusNull);
        }

        public FileChange Build()
        {
            // git writes '---'/'+++' only for a file with hunks: a header cut short is a truncated diff.
            var hasMinus = _minus is not null || _minusNull || _minusIsGitOld;
            var hasPlus = _plus is not null || _plusNull || _plusIsGitNew;
            var hunks = store.HunkCount - _firstHunk;
            if (hasMinus != hasPlus || (hasPlus && hunks == 0 && !_binary))
            {
                throw new InvalidInputException($"line {_startLine}: truncated diff: the file header starting here has no hunk");
            }

            var oldPath = _renameFrom ?? _copyFrom ?? (_minusIsGitOld ? _gitOld : StripPrefix(_minus, _oldPrefix, 'a')) ?? _gitOld;
            var newPath = _renameTo ?? _copyTo ?? (_plusIsGitNew ? _gitNew : StripPrefix(_plus, _newPrefix, 'b')) ?? _gitNew;
            var kind =
                _newFile || (_minusNull && !_plusNull) ? ChangeKind.Added
                : _deletedFile || (_plusNull && !_minusNull) ? ChangeKind.Deleted
                : _renameFrom is not null || _renameTo is not null ? ChangeKind.Renamed
                : _copyFrom is not null || _copyTo is not null ? ChangeKind.Copied
                : ChangeKind.Modified;
            var path = (kind == ChangeKind.Deleted ? oldPath ?? newPath : newPath ?? oldPath)
                ?? throw new InvalidInputException($"line {_startLine}: file header names no path");
            // A window on the diff's flat store, not an object per hunk: a diff of a million tiny hunks must cost a small
            // multiple of its size.
            return new FileChange(path, kind, hunks == 0 ? [] : new StoredHunks(store, _firstHunk, hunks))
            {
                OldPath = kind is ChangeKind.Renamed or ChangeKind.Copied ? oldPath : null,
                IsBinary = _binary,
                OldMode = _oldMode,
                NewMode = _newMode,
                Similarity = kind is ChangeKind.Renamed or ChangeKind.Copied ? _similarity : null,
                BaseBlob = _baseBlob,
                HeadBlob = _headBlob,
            };
        }

        private static bool IsHex(ReadOnlySpan<byte> id) => id.Length is >= 4 and <= 64 && id.IndexOfAnyExcept(LowerHex) < 0;

        // The usual prefixes as constants: one string fewer per side and file.
        private static string Prefix(char letter) => letter switch
        {
            'a' => "a/",
            'b' => "b/",
            'c' => "c/",
            'i' => "i/",
            'w' => "w/",
            'o' => "o/",
            _ => $"{letter}/",
        };

        /// <summary>True when <paramref name="bytes"/> are exactly <paramref name="prefix"/> + <paramref name="path"/>, all ASCII.</summary>
        private static bool IsPrefixedPath(ReadOnlySpan<byte> bytes, string prefix, string? path)
        {
            if (path is null || bytes.Length != prefix.Length + path.Length || bytes.SequenceEqual("/dev/null"u8))
            {
                return false;
            }

            for (var i = 0; i < bytes.Length; i++)
            {
                var c = i < prefix.Length ? prefix[i] : path[i - prefix.Length];
                if (c >= 0x80 || bytes[i] != c)
                {
                    return false;
                }
            }

            return true;
        }

        private string? StripPrefix(string? path, string gitPrefix, char plainPrefix)
        {
            if (path is null)
            {
                return null;
            }

            if (IsGit)
            {
                return gitPrefix.Length > 0 && path.StartsWith(gitPrefix, StringComparison.Ordinal) ? path[gitPrefix.Length..] : path;
            }

            // Plain diffs: strip a/ and b/ only when both sides carry them (as git and most tools write them).
            var other = plainPrefix == 'a' ? _plus : _minus;
            var otherPrefix = plainPrefix == 'a' ? "b/" : "a/";
            var own = plainPrefix == 'a' ? "a/" : "b/";
            var otherIsNull = plainPrefix == 'a' ? _plusNull : _minusNull;
            return path.StartsWith(own, StringComparison.Ordinal) && (otherIsNull || other?.StartsWith(otherPrefix, StringComparison.Ordinal) == true)
                ? path[2..]
                : path;
        }

        private static string? DashPath(ReadOnlySpan<byte> rest, int number, out bool devNull)
        {
            devNull = false;
            string path;
            if (!rest.IsEmpty && rest[0] == (byte)'"')
            {
                var end = Unquote(rest, out path);
                if (end < 0)
                {
                    throw new InvalidInputException($"line {number}: malformed quoted path");
                }
            }
            else
            {
                // git appends a tab when the name has a space; diff -u appends a tab and a timestamp.
                var tab = rest.IndexOf((byte)'\t');
                path = Decode(tab >= 0 ? rest[..tab] : rest);
            }

            if (path == "/dev/null")
            {
                devNull = true;
                return null;
            }

            return path;
        }

        private static string HeaderPath(ReadOnlySpan<byte> rest, int number)
        {
            if (!rest.IsEmpty && rest[0] == (byte)'"')
            {
                return Unquote(rest, out var path) == rest.Length ? path : throw new InvalidInputException($"line {number}: malformed quoted path");
            }

            return Decode(rest);
        }

        private static bool TrySplitGitPaths(ReadOnlySpan<byte> rest, out string a, out string b)
        {
            a = b = "";
            if (rest.IsEmpty)
            {
                return false;
            }

            if (rest[0] == (byte)'"')
            {
                var end = Unquote(rest, out a);
                if (end < 0 || end >= rest.Length || rest[end] != (byte)' ')
                {
                    return false;
                }

                var second = rest[(end + 1)..];
                if (!second.IsEmpty && second[0] == (byte)'"')
                {
                    return Unquote(second, out b) == second.Length;
                }

                b = Decode(second);
                return b.Length > 0;
            }

            if (rest[^1] == (byte)'"')
            {
                // Unquoted old name, quoted new name: the quoted token is the one that parses to the end.
                for (var i = rest.IndexOf(" \""u8); i >= 0;)
                {
                    var candidate = rest[(i + 1)..];
                    if (Unquote(candidate, out b) == candidate.Length)
                    {
                        a = Decode(rest[..i]);
                        return true;
                    }

                    var next = rest[(i + 1)..].IndexOf(" \""u8);
                    i = next < 0 ? -1 : i + 1 + next;
                }

                return false;
            }

            // Both unquoted and possibly containing spaces: the usual case names the same file twice.
            var length = rest.Length;
            if (length >= 5 && (length - 5) % 2 == 0)
            {
                var p = (length - 5) / 2;
                if (rest[1] == (byte)'/' && rest[p + 2] == (byte)' ' && rest[p + 4] == (byte)'/' && rest[0] != rest[p + 3]
                    && rest.Slice(2, p).SequenceEqual(rest[(p + 5)..]))
                {
                    a = Decode(rest[..(p + 2)]);
                    b = Decode(rest[(p + 3)..]);
                    return true;
                }
            }

            if (length % 2 == 1)
            {
                var p = length / 2;
                if (rest[p] == (byte)' ' && rest[..p].SequenceEqual(rest[(p + 1)..]))
                {
                    a = b = Decode(rest[..p]);
                    return true;
                }
            }

            // A rename or copy: the 'rename from/to' headers that follow give the exact names.
            var split = rest.IndexOf(" b/"u8);
            if (split < 0)
            {
                split = rest.IndexOf((byte)' ');
            }

            if (split <= 0)
            {
                return false;
            }

            a = Decode(rest[..split]);
            b = Decode(rest[(split + 1)..]);
            return true;
        }

        /// <summary>Decodes a C-quoted git path ("a/p\303\244th \"q\""); returns the index after the closing quote, or -1.</summary>
        private static int Unquote(ReadOnlySpan<byte> quoted, out string value)
        {
            value = "";
            var bytes = new List<byte>(Math.Min(quoted.Length, 256));
            for (var i = 1; i < quoted.Length; i++)
            {
                var c = quoted[i];
                if (c == (byte)'"')
                {
                    value = Decode(bytes.ToArray());
                    return i + 1;
                }

                if (c != (byte)'\\')
                {
                    bytes.Add(c);
                    continue;
                }

                if (++i >= quoted.Length)
                {
                    return -1;
                }

                var e = quoted[i];
                switch (e)
                {
                    case (byte)'a': bytes.Add(7); break;
                    case (byte)'b': bytes.Add(8); break;
                    case (byte)'t': bytes.Add(9); break;
                    case (byte)'n': bytes.Add(10); break;
                    case (byte)'v': bytes.Add(11); break;
                    case (byte)'f': bytes.Add(12); break;
                    case (byte)'r': bytes.Add(13); break;
                    case (byte)'"' or (byte)'\\': bytes.Add(e); break;
                    case >= (byte)'0' and <= (byte)'3':
                        if (i + 2 >= quoted.Length || quoted[i + 1] is < (byte)'0' or > (byte)'7' || quoted[i + 2] is < (byte)'0' or > (byte)'7')
                        {
                            return -1;
                        }

                        bytes.Add((byte)(((e - '0') << 6) | ((quoted[i + 1] - '0') << 3) | (quoted[i + 2] - '0')));
                        i += 2;
                        break;
                    default:
                        return -1;
                }
            }

            return -1;
        }
    }

    private static string Clip(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
