namespace FaxPost.Fax.T38;

/// <summary>
/// IFP packet encoding and decoding, T.38 Annex A in aligned PER, laid out as spandsp writes it.
/// Decoding allocates nothing; fields are slices of the input.
/// </summary>
public static class IfpCodec
{
    public const int MaxVersion = 3;

    /// <summary>Longest indicator packet (an extended indicator).</summary>
    public const int MaxIndicatorLength = 2;

    /// <summary>Decodes one whole packet; octets left over are an error.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> input, int version, out IfpPacket packet, out IfpError error)
    {
        if (!TryDecodePrefix(input, version, out packet, out error))
        {
            return false;
        }

        if (packet.Length != input.Length)
        {
            packet = default;
            error = IfpError.TrailingBytes;
            return false;
        }

        return true;
    }

    /// <summary>Decodes the packet at the start of <paramref name="input"/>; <see cref="IfpPacket.Length"/> says how much it used.</summary>
    public static bool TryDecodePrefix(ReadOnlySpan<byte> input, int version, out IfpPacket packet, out IfpError error)
    {
        packet = default;
        error = Decode(input, version, out var type, out var value, out var count, out var fieldsOffset, out var length);
        if (error != IfpError.None)
        {
            return false;
        }

        packet = new IfpPacket(input, version, type, value, count, fieldsOffset, length);
        return true;
    }

    private static IfpError Decode(ReadOnlySpan<byte> b, int version, out IfpMessageType type, out byte value, out int count, out int fieldsOffset, out int length)
    {
        type = default;
        value = 0;
        count = 0;
        fieldsOffset = 0;
        length = 0;
        if ((uint)version > MaxVersion)
        {
            return IfpError.UnsupportedVersion;
        }

        if (b.IsEmpty)
        {
            return IfpError.Empty;
        }

        // Octet 0: data-field present (bit 7), choice (bit 6), enumeration extension (bit 5), value.
        var first = b[0];
        var hasDataField = (first & 0x80) != 0;
        type = (first & 0x40) != 0 ? IfpMessageType.Data : IfpMessageType.Indicator;
        var pos = 1;
        int v;
        if ((first & 0x20) != 0)
        {
            // Extension value: normally-small whole number, high bits here, low two in the next octet.
            if (b.Length < 2)
            {
                return IfpError.Truncated;
            }

            v = ((first & 0x1F) << 2) | (b[1] >> 6);
            pos = 2;
            v += type == IfpMessageType.Indicator ? (int)T38Indicator.V8Ansam : (int)T38DataType.V8;
        }
        else
        {
            v = (first >> 1) & 0x0F;
        }

        if (type == IfpMessageType.Indicator)
        {
            if (hasDataField)
            {
                return IfpError.IndicatorWithDataField;
            }

            if (v > (int)T38Indicator.V33Training14400 || (version == 0 && v > (int)T38Indicator.V17LongTraining14400))
            {
                return IfpError.UnknownIndicator;
            }

            value = (byte)v;
            length = pos;
            return IfpError.None;
        }

        // Extension values (V.8, V.34, V.33) exist from version 1 on.
        if (v > (int)T38DataType.V33Rate14400 || ((first & 0x20) == 0 && v > (int)T38DataType.V17Rate14400) ||
            (version == 0 && v > (int)T38DataType.V17Rate14400))
        {
            return IfpError.UnknownDataType;
        }

        value = (byte)v;
        if (!hasDataField)
        {
            length = pos;
            return IfpError.None;
        }

        // SEQUENCE OF length determinant (X.691 §10.9): one octet < 128, two octets < 16K.
        if (pos >= b.Length)
        {
            return IfpError.Truncated;
        }

        var lenOctet = b[pos++];
        if ((lenOctet & 0x80) == 0)
        {
            count = lenOctet;
        }
        else if ((lenOctet & 0x40) == 0)
        {
            if (pos >= b.Length)
            {
                return IfpError.Truncated;
            }

            count = ((lenOctet & 0x3F) << 8) | b[pos++];
        }
        else
        {
            return IfpError.FragmentedLength;
        }

        fieldsOffset = pos;
        var half = false;
        for (var i = 0; i < count; i++)
        {
            if (pos >= b.Length)
            {
                return IfpError.Truncated;
            }

            if (!half && version >= 1 && (b[pos] & 0x40) != 0 && pos + 1 >= b.Length)
            {
                return IfpError.Truncated;
            }

            ReadFieldHeader(b, ref pos, ref half, version, out var fieldType, out var fieldHasData);
            if (fieldType > IfpFieldType.V34Rate || (version == 0 && fieldType > IfpFieldType.T4NonEcmSigEnd))
            {
                return IfpError.UnknownFieldType;
            }

            if (fieldHasData)
            {
                if (pos + 2 > b.Length)
                {
                    return IfpError.Truncated;
                }

                var fieldLength = ((b[pos] << 8) | b[pos + 1]) + 1;
                pos += 2;
                if (fieldLength > b.Length - pos)
                {
                    return IfpError.Truncated;
                }

                pos += fieldLength;
            }
        }

        if (half)
        {
            pos++;
        }

        length = pos;
        return IfpError.None;
    }

    /// <summary>
    /// Reads a field's presence bit and type. Version 0 (the 1998 ASN.1, no extension marker) packs a
    /// field without data into four bits, so the next field starts in the low half of the octet.
    /// </summary>
    internal static void ReadFieldHeader(ReadOnlySpan<byte> b, ref int pos, ref bool half, int version, out IfpFieldType type, out bool hasData)
    {
        var o = b[pos];
        if (version == 0)
        {
            if (half)
            {
                hasData = (o & 0x08) != 0;
                type = (IfpFieldType)(o & 0x07);
                pos++;
                half = false;
            }
            else
            {
                hasData = (o & 0x80) != 0;
                type = (IfpFieldType)((o >> 4) & 0x07);
                if (hasData)
                {
                    pos++;
                }
                else
                {
                    half = true;
                }
            }

            return;
        }

        hasData = (o & 0x80) != 0;
        if ((o & 0x40) != 0)
        {
            // Extension field types, two octets (same bit placement as spandsp uses).
            var ext = ((o & 0x3F) << 2) | (b[pos + 1] >> 6);
            type = (IfpFieldType)Math.Min(ext + (int)IfpFieldType.CmMessage, 255);
            pos += 2;
        }
        else
        {
            type = (IfpFieldType)((o >> 3) & 0x07);
            pos++;
        }
    }

    /// <summary>Writes an indicator packet: one octet (<c>indicator &lt;&lt; 1</c>), or two for the version ≥ 1 extensions.</summary>
    public static bool TryEncodeIndicator(T38Indicator indicator, int version, Span<byte> destination, out int written)
    {
        CheckVersion(version);
        written = 0;
        if (indicator <= T38Indicator.V17LongTraining14400)
        {
            if (destination.IsEmpty)
            {
                return false;
            }

            destination[0] = (byte)((int)indicator << 1);
            written = 1;
            return true;
        }

        if (version == 0 || indicator > T38Indicator.V33Training14400)
        {
            throw new ArgumentOutOfRangeException(nameof(indicator), indicator, "not defined for this T.38 version");
        }

        if (destination.Length < 2)
        {
            return false;
        }

        var ext = (int)indicator - (int)T38Indicator.V8Ansam;
        destination[0] = (byte)(0x20 | (ext >> 2));
        destination[1] = (byte)((ext << 6) & 0xC0);
        written = 2;
        return true;
    }

    /// <summary>Writes a data packet with a single field (the common case).</summary>
    public static bool TryEncodeData(T38DataType dataType, IfpFieldType fieldType, ReadOnlySpan<byte> data, int version, Span<byte> destination, out int written)
    {
        var writer = new IfpDataWriter(destination, version, dataType);
        writer.AddField(fieldType, data);
        return writer.TryFinish(out written);
    }

    /// <summary>Octets a single-field data packet needs.</summary>
    public static int GetDataLength(T38DataType dataType, IfpFieldType fieldType, int dataLength) =>
        (dataType > T38DataType.V17Rate14400 ? 2 : 1) + 1 + (fieldType > IfpFieldType.T4NonEcmSigEnd ? 2 : 1) + (dataLength == 0 ? 0 : 2 + dataLength);

    internal static void CheckVersion(int version)
    {
        if ((uint)version > MaxVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "T.38 versions are 0 to 3");
        }
    }
}
