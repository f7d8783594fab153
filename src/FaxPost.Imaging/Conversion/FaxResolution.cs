namespace FaxPost.Imaging.Conversion;

/// <summary>Vertical fax resolutions at 204 dpi horizontal (T.4 §2.2): 98, 196 and 391 lines per inch.</summary>
public enum FaxResolution
{
    Standard = 0,
    Fine = 1,
    Superfine = 2,
}
