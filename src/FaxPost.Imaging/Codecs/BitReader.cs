using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace FaxPost.Imaging.Codecs;

/// <summary>
/// MSB-first bit window over one contiguous buffer. <see cref="Fill"/> keeps at least 32 bits in
/// the window; past the end of the data it shifts in zeros, and callers compare
/// <see cref="Position"/> with <see cref="Length"/> to tell "need more input" from a real code.
/// </summary>
internal ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _next;
    private ulong _window;
    private int _count;

    public BitReader(ReadOnlySpan<byte> data, long startBit)
    {
        _data = data;
        _next = (int)(startBit >> 3);
        _window = 0;
        _count = 0;
        int skip = (int)(startBit & 7);
        if (skip != 0)
        {
            Fill();
            Skip(skip);
        }
    }

    /// <summary>Total bits of real data.</summary>
    public readonly long Length => (long)_data.Length << 3;

    /// <summary>Bit position of the next unread bit.</summary>
    public readonly long Position => ((long)_next << 3) - _count;

    /// <summary>Real bits left (negative when zeros past the end were consumed).</summary>
    public readonly long Remaining => Length - Position;

    /// <summary>The window, MSB = next bit; valid for at least 32 bits after <see cref="Fill"/>.</summary>
    public readonly ulong Window => _window;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Fill()
    {
        if (_count < 32)
        {
            Refill();
        }
    }

    private void Refill()
    {
        if (_next + 8 <= _data.Length)
        {
            // Bits below _count are either zero or the same data bits, so OR is safe.
            _window |= BinaryPrimitives.ReadUInt64BigEndian(_data.Slice(_next)) >> _count;
            int bytes = (63 - _count) >> 3;
            _next += bytes;
            _count += bytes << 3;
            return;
        }

        while (_count <= 56)
        {
            ulong b = _next < _data.Length ? _data[_next] : 0UL;
            _window |= b << (56 - _count);
            _next++;
            _count += 8;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly uint Peek(int bits) => (uint)(_window >> (64 - bits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int bits)
    {
        _window <<= bits;
        _count -= bits;
    }

    /// <summary>Moves to the next byte boundary.</summary>
    public void AlignToByte()
    {
        int drop = (int)(Position & 7);
        if (drop != 0)
        {
            Fill();
            Skip(8 - drop);
        }
    }
}
