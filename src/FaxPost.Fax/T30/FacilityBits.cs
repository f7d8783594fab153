namespace FaxPost.Fax.T30;

/// <summary>
/// The bit field of a DIS, DTC or DCS (T.30 Table 2), numbered from 1 as the table does. Bit n is in
/// octet (n − 1) / 8 with value 1 &lt;&lt; ((n − 1) % 8) in HDLC order. Bits 24, 32, 40, … are the
/// extend bits; they are managed here, not by callers.
/// </summary>
public sealed class FacilityBits
{
    public const int MaxOctets = 16;
    private const int MinOctets = 3;
    private readonly byte[] _octets = new byte[MaxOctets];

    public bool this[int bit]
    {
        get
        {
            CheckBit(bit);
            return (_octets[(bit - 1) >> 3] & (1 << ((bit - 1) & 7))) != 0;
        }

        set
        {
            CheckBit(bit);
            if (IsExtendBit(bit))
            {
                throw new ArgumentOutOfRangeException(nameof(bit), bit, "extend bits are set when writing");
            }

            ref var o = ref _octets[(bit - 1) >> 3];
            o = value ? (byte)(o | (1 << ((bit - 1) & 7))) : (byte)(o & ~(1 << ((bit - 1) & 7)));
        }
    }

    /// <summary>Reads bits <paramref name="first"/>..first+count−1 as a number, first bit most significant (as T.30 lists them).</summary>
    /// <summary>Bits 17–18, the same in DIS, DTC and DCS (T.30 Table 2): 00 = 1728, 10 = 2048, 01 = 2432 pels.</summary>
    public T30PageWidth Width
    {
        get => this[18] ? T30PageWidth.A3 : this[17] ? T30PageWidth.B4 : T30PageWidth.A4;
        set
        {
            this[17] = value == T30PageWidth.B4;
            this[18] = value == T30PageWidth.A3;
        }
    }

    /// <summary>Bits 19–20, the same in DIS, DTC and DCS: 00 = A4, 10 = B4, 01 = unlimited.</summary>
    public T30PageLength Length
    {
        get => this[20] ? T30PageLength.Unlimited : this[19] ? T30PageLength.B4 : T30PageLength.A4;
        set
        {
            this[19] = value == T30PageLength.B4;
            this[20] = value == T30PageLength.Unlimited;
        }
    }

    public int Code(int first, int count)
    {
        var v = 0;
        for (var i = 0; i < count; i++)
        {
            v = (v << 1) | (this[first + i] ? 1 : 0);
        }

        return v;
    }

    public void SetCode(int first, int count, int value)
    {
        for (var i = 0; i < count; i++)
        {
            this[first + i] = ((value >> (count - 1 - i)) & 1) != 0;
        }
    }

    /// <summary>
    /// Reads a FIF. Octets after one whose extend bit is clear are ignored, and octets an extend bit
    /// promised but that never came read as zero — both are seen from real terminals.
    /// </summary>
    public static FacilityBits Read(ReadOnlySpan<byte> fif)
    {
        var bits = new FacilityBits();
        var n = Math.Min(fif.Length, MaxOctets);
        for (var i = 0; i < n; i++)
        {
            bits._octets[i] = fif[i];
            if (i >= 2 && (fif[i] & 0x80) == 0)
            {
                break;
            }
        }

        for (var i = 2; i < MaxOctets; i++)
        {
            bits._octets[i] &= 0x7F;
        }

        return bits;
    }

    /// <summary>Octets <see cref="Write"/> will produce: up to the last octet with a bit set, at least 3.</summary>
    public int EncodedLength
    {
        get
        {
            var last = MaxOctets - 1;
            while (last >= MinOctets && _octets[last] == 0)
            {
                last--;
            }

            return Math.Max(last + 1, MinOctets);
        }
    }

    /// <summary>Writes the FIF with extend bits set on every octet but the last (from the third on).</summary>
    public int Write(Span<byte> destination)
    {
        var n = EncodedLength;
        for (var i = 0; i < n; i++)
        {
            var o = _octets[i];
            if (i >= 2)
            {
                o = (byte)((o & 0x7F) | (i < n - 1 ? 0x80 : 0));
            }

            destination[i] = o;
        }

        return n;
    }

    public byte[] ToArray()
    {
        var a = new byte[EncodedLength];
        Write(a);
        return a;
    }

    public FacilityBits Clone()
    {
        var c = new FacilityBits();
        _octets.CopyTo(c._octets, 0);
        return c;
    }

    private static bool IsExtendBit(int bit) => bit >= 24 && bit % 8 == 0;

    private static void CheckBit(int bit)
    {
        if (bit < 1 || bit > MaxOctets * 8)
        {
            throw new ArgumentOutOfRangeException(nameof(bit), bit, "T.30 facility bits are numbered from 1");
        }
    }
}
