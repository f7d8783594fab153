namespace FaxPost.Imaging.Tiff;

/// <summary>Tag numbers used by FaxPost (TIFF 6.0 Appendix A, TIFF-F / RFC 2306).</summary>
internal static class TiffTag
{
    public const ushort NewSubfileType = 254;
    public const ushort ImageWidth = 256;
    public const ushort ImageLength = 257;
    public const ushort BitsPerSample = 258;
    public const ushort Compression = 259;
    public const ushort Photometric = 262;
    public const ushort FillOrder = 266;
    public const ushort StripOffsets = 273;
    public const ushort SamplesPerPixel = 277;
    public const ushort RowsPerStrip = 278;
    public const ushort StripByteCounts = 279;
    public const ushort XResolution = 282;
    public const ushort YResolution = 283;
    public const ushort PlanarConfig = 284;
    public const ushort T4Options = 292;
    public const ushort T6Options = 293;
    public const ushort ResolutionUnit = 296;
    public const ushort PageNumber = 297;
    public const ushort Software = 305;
    public const ushort DateTime = 306;
    public const ushort Predictor = 317;
    public const ushort ColorMap = 320;
    public const ushort TileWidth = 322;
    public const ushort TileOffsets = 324;
    public const ushort BadFaxLines = 326;
    public const ushort CleanFaxData = 327;
    public const ushort ConsecutiveBadFaxLines = 328;
}

/// <summary>TIFF 6.0 §2 field types.</summary>
internal enum TiffFieldType : ushort
{
    Byte = 1,
    Ascii = 2,
    Short = 3,
    Long = 4,
    Rational = 5,
    SByte = 6,
    Undefined = 7,
    SShort = 8,
    SLong = 9,
    SRational = 10,
    Float = 11,
    Double = 12,
    Ifd = 13,
}
