namespace FaxPost.Fax.T38;

/// <summary>UDPTL datagram parsing and the length determinants it uses (X.691 §10.9, aligned).</summary>
public static class UdptlCodec
{
    /// <summary>The largest length a two-octet determinant can say.</summary>
    public const int MaxLength = 0x3FFF;

    /// <summary>Parses a whole datagram; nothing is copied. Every length is checked against the datagram first.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> datagram, out UdptlPacket packet, out UdptlError error)
    {
        packet = default;
        if (datagram.Length < 2)
        {
            error = UdptlError.Truncated;
            return false;
        }

        var seq = (ushort)((datagram[0] << 8) | datagram[1]);
        var pos = 2;
        if ((error = ReadOpenType(datagram, ref pos, out var primaryOffset, out var primaryLength)) != UdptlError.None)
        {
            return false;
        }

        if (pos >= datagram.Length)
        {
            error = UdptlError.Truncated;
            return false;
        }

        var choice = datagram[pos++];
        if ((choice & 0x7F) != 0)
        {
            error = UdptlError.BadErrorRecovery;
            return false;
        }

        var recovery = choice == 0 ? UdptlErrorRecovery.Redundancy : UdptlErrorRecovery.Fec;
        var span = 0;
        if (recovery == UdptlErrorRecovery.Fec)
        {
            // fec-npackets: an unconstrained INTEGER, so a length octet then the value (in practice one octet).
            if (pos >= datagram.Length)
            {
                error = UdptlError.Truncated;
                return false;
            }

            var intLength = datagram[pos++];
            if (intLength is 0 or > 2)
            {
                error = UdptlError.BadFecParameters;
                return false;
            }

            if (pos + intLength > datagram.Length)
            {
                error = UdptlError.Truncated;
                return false;
            }

            for (var i = 0; i < intLength; i++)
            {
                span = (span << 8) | datagram[pos++];
            }
        }

        if ((error = ReadLength(datagram, ref pos, out var count)) != UdptlError.None)
        {
            return false;
        }

        var entriesOffset = pos;
        for (var i = 0; i < count; i++)
        {
            if ((error = ReadOpenType(datagram, ref pos, out _, out _)) != UdptlError.None)
            {
                return false;
            }
        }

        if (pos != datagram.Length)
        {
            error = UdptlError.TrailingBytes;
            return false;
        }

        packet = new UdptlPacket(datagram, seq, datagram.Slice(primaryOffset, primaryLength), recovery, span, count, entriesOffset);
        return true;
    }

    /// <summary>Reads a length determinant; false on truncation or a fragmented length.</summary>
    internal static bool TryReadLength(ReadOnlySpan<byte> b, ref int pos, out int length) => ReadLength(b, ref pos, out length) == UdptlError.None;

    private static UdptlError ReadLength(ReadOnlySpan<byte> b, ref int pos, out int length)
    {
        length = 0;
        if (pos >= b.Length)
        {
            return UdptlError.Truncated;
        }

        var first = b[pos];
        if ((first & 0x80) == 0)
        {
            length = first;
            pos++;
            return UdptlError.None;
        }

        if ((first & 0x40) != 0)
        {
            return UdptlError.FragmentedLength;
        }

        if (pos + 2 > b.Length)
        {
            return UdptlError.Truncated;
        }

        length = ((first & 0x3F) << 8) | b[pos + 1];
        pos += 2;
        return UdptlError.None;
    }

    private static UdptlError ReadOpenType(ReadOnlySpan<byte> b, ref int pos, out int offset, out int length)
    {
        offset = 0;
        var error = ReadLength(b, ref pos, out length);
        if (error != UdptlError.None)
        {
            return error;
        }

        if (length == 0)
        {
            return UdptlError.EmptyPacket;
        }

        if (length > b.Length - pos)
        {
            return UdptlError.Truncated;
        }

        offset = pos;
        pos += length;
        return UdptlError.None;
    }

    /// <summary>Octets the length determinant for <paramref name="length"/> takes.</summary>
    public static int LengthSize(int length) => length < 0x80 ? 1 : 2;

    /// <summary>Writes a length determinant (one octet below 128, else <c>0x80|hi, lo</c>).</summary>
    public static int WriteLength(Span<byte> dest, int length)
    {
        if ((uint)length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "UDPTL lengths above 16383 need fragments");
        }

        if (length < 0x80)
        {
            dest[0] = (byte)length;
            return 1;
        }

        dest[0] = (byte)(0x80 | (length >> 8));
        dest[1] = (byte)length;
        return 2;
    }

    /// <summary>Writes a length-prefixed packet (an open type or octet string).</summary>
    internal static int WriteOpenType(Span<byte> dest, ReadOnlySpan<byte> data)
    {
        var n = WriteLength(dest, data.Length);
        data.CopyTo(dest[n..]);
        return n + data.Length;
    }
}
