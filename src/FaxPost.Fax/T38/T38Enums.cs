namespace FaxPost.Fax.T38;

/// <summary>T.38 Annex A <c>t30-indicator</c> values; values from <see cref="V8Ansam"/> on are extensions (version ≥ 1).</summary>
public enum T38Indicator : byte
{
    NoSignal = 0,
    Cng = 1,
    Ced = 2,
    V21Preamble = 3,
    V27ter2400Training = 4,
    V27ter4800Training = 5,
    V29Training7200 = 6,
    V29Training9600 = 7,
    V17ShortTraining7200 = 8,
    V17LongTraining7200 = 9,
    V17ShortTraining9600 = 10,
    V17LongTraining9600 = 11,
    V17ShortTraining12000 = 12,
    V17LongTraining12000 = 13,
    V17ShortTraining14400 = 14,
    V17LongTraining14400 = 15,
    V8Ansam = 16,
    V8Signal = 17,
    V34ControlChannel1200 = 18,
    V34PrimaryChannel = 19,
    V34ControlChannelRetrain = 20,
    V33Training12000 = 21,
    V33Training14400 = 22,
}

/// <summary>T.38 Annex A <c>t30-data</c> values (modulation and rate of the data that follows).</summary>
public enum T38DataType : byte
{
    V21 = 0,
    V27ter2400 = 1,
    V27ter4800 = 2,
    V29Rate7200 = 3,
    V29Rate9600 = 4,
    V17Rate7200 = 5,
    V17Rate9600 = 6,
    V17Rate12000 = 7,
    V17Rate14400 = 8,
    V8 = 9,
    V34PrimaryRate = 10,
    V34ControlChannel1200 = 11,
    V34PrimaryChannel = 12,
    V33Rate12000 = 13,
    V33Rate14400 = 14,
}

/// <summary>T.38 Annex A <c>field-type</c>; values from <see cref="CmMessage"/> on are extensions (version ≥ 1).</summary>
public enum IfpFieldType : byte
{
    HdlcData = 0,
    HdlcSigEnd = 1,
    HdlcFcsOk = 2,
    HdlcFcsBad = 3,
    HdlcFcsOkSigEnd = 4,
    HdlcFcsBadSigEnd = 5,
    T4NonEcmData = 6,
    T4NonEcmSigEnd = 7,
    CmMessage = 8,
    JmMessage = 9,
    CiMessage = 10,
    V34Rate = 11,
}

/// <summary>The two kinds of IFP packet (T.38 Annex A <c>Type-of-msg</c>).</summary>
public enum IfpMessageType : byte
{
    Indicator = 0,
    Data = 1,
}

/// <summary>Why an IFP packet could not be decoded.</summary>
public enum IfpError : byte
{
    None = 0,
    /// <summary>No octets at all.</summary>
    Empty,
    /// <summary>The packet ends inside a field, length or value.</summary>
    Truncated,
    /// <summary>An indicator packet has the data-field presence bit set.</summary>
    IndicatorWithDataField,
    UnknownIndicator,
    UnknownDataType,
    UnknownFieldType,
    /// <summary>A fragmented (≥ 16K) PER length determinant, which no real IFP packet needs.</summary>
    FragmentedLength,
    /// <summary>Octets left over after a complete packet.</summary>
    TrailingBytes,
    /// <summary>The T.38 version is outside 0–3.</summary>
    UnsupportedVersion,
}
