namespace FaxPost.Imaging.Tiff;

/// <summary>TIFF tag 259 values that FaxPost knows by name (TIFF 6.0 §8, TIFF-F, Adobe TN2).</summary>
public enum TiffCompression
{
    None = 1,

    /// <summary>CCITT modified Huffman run lengths, no EOLs, each row byte-aligned (TIFF 6.0 §10).</summary>
    CcittRle = 2,

    /// <summary>CCITT T.4 (Group 3), 1-D or 2-D per T4Options (TIFF 6.0 §11).</summary>
    CcittT4 = 3,

    /// <summary>CCITT T.6 (Group 4, MMR) (TIFF 6.0 §11).</summary>
    CcittT6 = 4,

    Lzw = 5,
    Deflate = 8,
    PackBits = 32773,

    /// <summary>The pre-standard tag value for zlib data, still written by some tools.</summary>
    DeflateLegacy = 32946,
}

/// <summary>TIFF tag 262 values.</summary>
public enum TiffPhotometric
{
    WhiteIsZero = 0,
    BlackIsZero = 1,
    Rgb = 2,
    Palette = 3,
}
