using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace FaxPost.Imaging.Codecs;

/// <summary>
/// MSB-first bit packer into a span. Holds fewer than 32 pending bits between calls; the owner
/// keeps <see cref="Pending"/>/<see cref="PendingCount"/> across rows so a row need not end on a byte.
/// </summary>
internal ref struct BitWriter
{
    private readonly Span<byte> _output;
    private readonly bool _lsbFirst;
    private int _written;
    private ulong _pending;
    private int _count;

    public BitWriter(Span<byte> output, ulong pending, int pendingCount, bool lsbFirst)
    {
        _output = output;
        _pending = pending;
        _count = pendingCount;
        _lsbFirst = lsbFirst;
        _written = 0;
    }

    public readonly int Written => _written;

    public readonly ulong Pending => _pending;

    public readonly int PendingCount => _count;

    /// <summary>Bits written so far modulo 8 (pending whole bytes were already flushed).</summary>
    public readonly int BitPhase => _count & 7;

    /// <summary>Appends up to 24 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(uint code, int length)
    {
        _pending = (_pending << length) | code;
        _count += length;
        if (_count >= 32)
        {
            Flush32();
        }
    }

    /// <summary>Appends a (length &lt;&lt; 16) | code table entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(uint entry) => Write(entry & 0xFFFF, (int)(entry >> 16));

    public void WriteZeros(int count)
    {
        while (count > 0)
        {
            int n = Math.Min(count, 24);
            Write(0, n);
            count -= n;
        }
    }

    private void Flush32()
    {
        uint word = (uint)(_pending >> (_count - 32));
        _count -= 32;
        _pending &= (1UL << _count) - 1;
        if (_lsbFirst)
        {
            ReadOnlySpan<byte> reverse = BitOrder.Reverse;
            word = ((uint)reverse[(int)(word >> 24)] << 24) | ((uint)reverse[(int)((word >> 16) & 0xFF)] << 16)
                | ((uint)reverse[(int)((word >> 8) & 0xFF)] << 8) | reverse[(int)(word & 0xFF)];
        }

        BinaryPrimitives.WriteUInt32BigEndian(_output.Slice(_written), word);
        _written += 4;
    }

    /// <summary>Writes out all pending bits, zero-padding the last byte.</summary>
    public void FlushAll()
    {
        int pad = (8 - (_count & 7)) & 7;
        _pending <<= pad;
        _count += pad;
        while (_count > 0)
        {
            byte b = (byte)(_pending >> (_count - 8));
            _output[_written++] = _lsbFirst ? BitOrder.Reverse[b] : b;
            _count -= 8;
        }

        _pending = 0;
    }
}
