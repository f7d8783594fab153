namespace FaxPost.Imaging.Codecs;

/// <summary>
/// What a decoder saw on a page: rows delivered (good and replaced), rows that were corrupt and
/// replaced by a copy of the previous row, and the longest run of consecutive bad rows
/// (T.30 uses these to choose MCF, RTP or RTN).
/// </summary>
public readonly record struct FaxDecodeStatistics(int Rows, int BadRows, int LongestBadRun);
