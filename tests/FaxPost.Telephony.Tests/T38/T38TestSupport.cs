using System.Net;
using FaxPost.Imaging.Tiff;
using FaxPost.Telephony.T38;

namespace FaxPost.Telephony.Tests.T38;

internal static class T38TestSupport
{
    public static T38EndpointOptions Options(IPEndPoint? peer, bool ecm = true, int version = 0) => new()
    {
        LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        Peer = peer,
        T38Version = version,
        Pacing = false,
        Capabilities = new() { Ecm = ecm, T6 = ecm },
        LocalIdent = "+49 30 1234567",
        AnswerTimeout = TimeSpan.FromSeconds(60),
        CallTimeout = TimeSpan.FromSeconds(90),
    };

    /// <summary>Every page of both files decodes (with our decoder) to the same pixels at the same resolution.</summary>
    public static void AssertSamePages(string expected, string actual)
    {
        var a = TiffDocument.Read(File.ReadAllBytes(expected));
        var b = TiffDocument.Read(File.ReadAllBytes(actual));
        Assert.Equal(a.Pages.Count, b.Pages.Count);
        for (var i = 0; i < a.Pages.Count; i++)
        {
            var x = a.Pages[i].DecodeBilevel();
            var y = b.Pages[i].DecodeBilevel();
            Assert.Equal((x.Width, x.Height), (y.Width, y.Height));
            Assert.Equal(Math.Round(x.YDpi), Math.Round(y.YDpi));
            Assert.True(x.Pixels.AsSpan().SequenceEqual(y.Pixels), $"page {i + 1} differs");
        }
    }
}
