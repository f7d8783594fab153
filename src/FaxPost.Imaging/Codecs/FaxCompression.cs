namespace FaxPost.Imaging.Codecs;

/// <summary>Fax image coding schemes (values match the T.30 DCS notion of MH/MR/MMR).</summary>
public enum FaxCompression
{
    /// <summary>T.4 §4.1: one-dimensional modified Huffman.</summary>
    Mh = 1,

    /// <summary>T.4 §4.2: two-dimensional modified READ, a 1-D row every K rows.</summary>
    Mr = 2,

    /// <summary>T.6: modified modified READ, 2-D only, no EOLs.</summary>
    Mmr = 3,
}
