namespace FaxPost.Fax.T38;

/// <summary>
/// Builds an IFP data packet field by field into a caller's buffer (no allocation).
/// Call <see cref="AddField"/> for each field, then <see cref="TryFinish"/>; if the buffer was too
/// small, <see cref="TryFinish"/> returns false.
/// </summary>
public ref struct IfpDataWriter
{
    private readonly Span<byte> _dest;
    private readonly int _version;
    private readonly int _countOffset;
    private int _pos;
    private int _count;
    private bool _half;
    private bool _overflow;

    public IfpDataWriter(Span<byte> destination, int version, T38DataType dataType)
    {
        IfpCodec.CheckVersion(version);
        _dest = destination;
        _version = version;
        if (dataType <= T38DataType.V17Rate14400)
        {
            Put((byte)(0x80 | 0x40 | ((int)dataType << 1)));
        }
        else if (version != 0 && dataType <= T38DataType.V33Rate14400)
        {
            var ext = (int)dataType - (int)T38DataType.V8;
            Put((byte)(0x80 | 0x40 | 0x20 | (ext >> 2)));
            Put((byte)((ext << 6) & 0xC0));
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "not defined for this T.38 version");
        }

        _countOffset = _pos;
        Put(0);
    }

    public readonly int FieldCount => _count;

    /// <summary>Appends a field; empty <paramref name="data"/> means the field carries no data.</summary>
    public void AddField(IfpFieldType type, ReadOnlySpan<byte> data)
    {
        if (data.Length > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, "an IFP field holds at most 65536 octets");
        }

        if (_count == 0x3FFF)
        {
            throw new InvalidOperationException("too many fields for one IFP packet");
        }

        var hasData = !data.IsEmpty;
        if (_version == 0)
        {
            // T.38 (1998): four bits per field header; a field without data leaves the next one mid-octet.
            if (type > IfpFieldType.T4NonEcmSigEnd)
            {
                throw new ArgumentOutOfRangeException(nameof(type), type, "not defined in T.38 version 0");
            }

            if (_half)
            {
                if (_pos > 0 && _pos <= _dest.Length)
                {
                    _dest[_pos - 1] |= (byte)((hasData ? 0x08 : 0) | (int)type);
                }

                _half = false;
            }
            else
            {
                Put((byte)((hasData ? 0x80 : 0) | ((int)type << 4)));
                _half = !hasData;
            }
        }
        else if (type <= IfpFieldType.T4NonEcmSigEnd)
        {
            Put((byte)((hasData ? 0x80 : 0) | ((int)type << 3)));
        }
        else if (type <= IfpFieldType.V34Rate)
        {
            var ext = (int)type - (int)IfpFieldType.CmMessage;
            Put((byte)((hasData ? 0x80 : 0) | 0x40 | (ext >> 2)));
            Put((byte)((ext << 6) & 0xC0));
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "unknown field type");
        }

        if (hasData)
        {
            Put((byte)((data.Length - 1) >> 8));
            Put((byte)(data.Length - 1));
            if (_pos + data.Length <= _dest.Length)
            {
                data.CopyTo(_dest[_pos..]);
            }
            else
            {
                _overflow = true;
            }

            _pos += data.Length;
        }

        _count++;
    }

    /// <summary>Writes the field count; false if the packet did not fit.</summary>
    public bool TryFinish(out int written)
    {
        written = 0;
        if (_count >= 0x80)
        {
            // Two-octet length determinant: shift the fields up by one.
            if (_pos + 1 > _dest.Length)
            {
                return false;
            }

            if (!_overflow)
            {
                _dest[(_countOffset + 1).._pos].CopyTo(_dest[(_countOffset + 2)..]);
                _dest[_countOffset] = (byte)(0x80 | (_count >> 8));
                _dest[_countOffset + 1] = (byte)_count;
            }

            _pos++;
        }
        else if (!_overflow)
        {
            _dest[_countOffset] = (byte)_count;
        }

        if (_overflow)
        {
            return false;
        }

        written = _pos;
        return true;
    }

    private void Put(byte value)
    {
        if (_pos < _dest.Length)
        {
            _dest[_pos] = value;
        }
        else
        {
            _overflow = true;
        }

        _pos++;
    }
}
