namespace FaxPost.Imaging.Codecs;

/// <summary>Where an incremental decoder stands after a push.</summary>
public enum FaxDecodeStatus
{
    /// <summary>All input used; the page is not finished yet.</summary>
    NeedMoreData,

    /// <summary>The page ended (RTC, EOFB, or end of data at <see cref="FaxDecoder.Finish"/>); later input is ignored.</summary>
    PageComplete,

    /// <summary>A fatal error; see <see cref="FaxDecoder.Error"/>. Rows delivered before it stay valid.</summary>
    Failed,
}
