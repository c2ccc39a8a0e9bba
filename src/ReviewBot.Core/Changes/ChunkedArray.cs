namespace ReviewBot.Core.Changes;

/// <summary>
/// An append-only array in fixed-size chunks. Growing never copies what is stored (a doubling array briefly holds
/// its old and new copy and leaves the old one as garbage: three times the data at the peak), so filling it
/// allocates its final size plus at most one partly used chunk. A small array stays small: the first chunk starts
/// at 16 items and doubles up to the chunk size.
/// </summary>
internal sealed class ChunkedArray<T>
    where T : struct
{
    private const int Shift = 12;
    private const int ChunkSize = 1 << Shift;
    private const int Mask = ChunkSize - 1;

    private T[][] _chunks = [new T[16]];

    public int Count { get; private set; }

    public ref T this[int index] => ref _chunks[index >> Shift][index & Mask];

    public void Add(in T item)
    {
        var chunk = Count >> Shift;
        var at = Count & Mask;
        if (chunk == _chunks.Length)
        {
            Array.Resize(ref _chunks, _chunks.Length * 2);
        }

        if (_chunks[chunk] is null)
        {
            _chunks[chunk] = new T[ChunkSize];
        }
        else if (at == _chunks[chunk].Length)
        {
            Array.Resize(ref _chunks[chunk], Math.Min(at * 2, ChunkSize));
        }

        _chunks[chunk][at] = item;
        Count++;
    }

    /// <summary>Drops the unused tail of the last chunk once nothing more is added.</summary>
    public void Trim()
    {
        var chunk = Count >> Shift;
        if (chunk < _chunks.Length && _chunks[chunk] is { } last && last.Length > (Count & Mask))
        {
            Array.Resize(ref _chunks[chunk], Count & Mask);
        }

        var used = (Count + Mask) >> Shift;
        if (used < _chunks.Length && used > 0)
        {
            Array.Resize(ref _chunks, used);
        }
    }
}
