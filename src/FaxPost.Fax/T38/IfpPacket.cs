namespace FaxPost.Fax.T38;

/// <summary>
/// A decoded IFP packet: a view over the octets it was decoded from (nothing is copied).
/// Field data are slices of that input and are valid only while the input is.
/// </summary>
public readonly ref struct IfpPacket
{
    private readonly ReadOnlySpan<byte> _source;
    private readonly int _fieldsOffset;

    internal IfpPacket(ReadOnlySpan<byte> source, int version, IfpMessageType type, byte value, int fieldCount, int fieldsOffset, int length)
    {
        _source = source;
        Version = version;
        MessageType = type;
        Value = value;
        FieldCount = fieldCount;
        _fieldsOffset = fieldsOffset;
        Length = length;
    }

    public IfpMessageType MessageType { get; }

    /// <summary>The T.38 version the packet was decoded with (it decides the field layout).</summary>
    public int Version { get; }

    /// <summary>Octets the packet occupies in the input.</summary>
    public int Length { get; }

    /// <summary>Number of data fields (0 for indicators).</summary>
    public int FieldCount { get; }

    private byte Value { get; }

    public bool IsIndicator => MessageType == IfpMessageType.Indicator;

    /// <summary>The indicator; only meaningful when <see cref="IsIndicator"/>.</summary>
    public T38Indicator Indicator => IsIndicator ? (T38Indicator)Value : T38Indicator.NoSignal;

    /// <summary>The data type; only meaningful for data packets.</summary>
    public T38DataType DataType => IsIndicator ? T38DataType.V21 : (T38DataType)Value;

    /// <summary>The encoded packet.</summary>
    public ReadOnlySpan<byte> Span => _source[..Length];

    public FieldEnumerator Fields => new(_source, _fieldsOffset, FieldCount, Version);

    /// <summary>Walks the (already validated) fields without allocating.</summary>
    public ref struct FieldEnumerator
    {
        private readonly ReadOnlySpan<byte> _source;
        private readonly int _version;
        private int _remaining;
        private int _pos;
        private bool _halfOctet;
        private IfpField _current;

        internal FieldEnumerator(ReadOnlySpan<byte> source, int pos, int count, int version)
        {
            _source = source;
            _pos = pos;
            _remaining = count;
            _version = version;
        }

        public readonly IfpField Current => _current;

        public readonly FieldEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            _remaining--;
            IfpCodec.ReadFieldHeader(_source, ref _pos, ref _halfOctet, _version, out var type, out var hasData);
            if (!hasData)
            {
                _current = new IfpField(type, -1, default);
                return true;
            }

            var len = ((_source[_pos] << 8) | _source[_pos + 1]) + 1;
            _pos += 2;
            _current = new IfpField(type, _pos, _source.Slice(_pos, len));
            _pos += len;
            return true;
        }
    }
}

/// <summary>One data field of an IFP packet: its type and its octets (a slice of the packet's input).</summary>
public readonly ref struct IfpField
{
    internal IfpField(IfpFieldType type, int dataOffset, ReadOnlySpan<byte> data)
    {
        Type = type;
        DataOffset = dataOffset;
        Data = data;
    }

    public IfpFieldType Type { get; }

    /// <summary>Where <see cref="Data"/> starts in the decoded input, or -1 when the field carries no data.</summary>
    public int DataOffset { get; }

    public bool HasData => DataOffset >= 0;

    public ReadOnlySpan<byte> Data { get; }
}
