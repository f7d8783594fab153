using System.Globalization;

namespace FaxPost.Telephony.Sdp;

/// <summary>T38FaxRateManagement (T.38 Annex D): who generates TCF.</summary>
public enum T38RateManagement
{
    /// <summary>"transferredTCF": TCF is sent end to end; required over UDP (T.38 §D.2.3).</summary>
    TransferredTcf,

    /// <summary>"localTCF": each gateway generates TCF locally (TCP).</summary>
    LocalTcf,
}

/// <summary>T38FaxUdpEC: error correction over UDPTL.</summary>
public enum T38ErrorCorrection
{
    None,
    Redundancy,
    Fec,
}

/// <summary>
/// T.38 session parameters carried in SDP (ITU-T T.38 Annex D, "SDP parameters for T.38").
/// Attribute names are matched case-insensitively and with the aliases seen in the field
/// (T38FaxMaxRate for T38MaxBitRate, T38MaxDatagram for T38FaxMaxDatagram).
/// </summary>
public sealed record T38Options
{
    public int Version { get; init; }

    public int MaxBitRate { get; init; } = 14400;

    public bool FillBitRemoval { get; init; }

    public bool TranscodingMmr { get; init; }

    public bool TranscodingJbig { get; init; }

    public T38RateManagement RateManagement { get; init; } = T38RateManagement.TransferredTcf;

    public int? MaxBuffer { get; init; }

    public int? MaxDatagram { get; init; }

    public T38ErrorCorrection ErrorCorrection { get; init; } = T38ErrorCorrection.Redundancy;

    public static T38Options FromAttributes(IEnumerable<SdpAttribute> attributes)
    {
        var options = new T38Options { ErrorCorrection = T38ErrorCorrection.None };
        var sawEc = false;
        foreach (var a in attributes)
        {
            switch (a.Name.ToLowerInvariant())
            {
                case "t38faxversion":
                    options = options with { Version = Int(a.Value) ?? 0 };
                    break;
                case "t38maxbitrate":
                case "t38faxmaxrate":
                    options = options with { MaxBitRate = Int(a.Value) ?? options.MaxBitRate };
                    break;
                case "t38faxfillbitremoval":
                    options = options with { FillBitRemoval = Flag(a.Value) };
                    break;
                case "t38faxtranscodingmmr":
                    options = options with { TranscodingMmr = Flag(a.Value) };
                    break;
                case "t38faxtranscodingjbig":
                    options = options with { TranscodingJbig = Flag(a.Value) };
                    break;
                case "t38faxratemanagement":
                    options = options with
                    {
                        RateManagement = string.Equals(a.Value, "localTCF", StringComparison.OrdinalIgnoreCase)
                            ? T38RateManagement.LocalTcf
                            : T38RateManagement.TransferredTcf,
                    };
                    break;
                case "t38faxmaxbuffer":
                    options = options with { MaxBuffer = Int(a.Value) };
                    break;
                case "t38faxmaxdatagram":
                case "t38maxdatagram":
                    options = options with { MaxDatagram = Int(a.Value) };
                    break;
                case "t38faxudpec":
                    sawEc = true;
                    options = options with
                    {
                        ErrorCorrection = a.Value?.ToLowerInvariant() switch
                        {
                            "t38udpfec" => T38ErrorCorrection.Fec,
                            "t38udpredundancy" => T38ErrorCorrection.Redundancy,
                            _ => T38ErrorCorrection.None,
                        },
                    };
                    break;
            }
        }

        return sawEc ? options : options with { ErrorCorrection = T38ErrorCorrection.None };
    }

    /// <summary>The a= lines for these options, in the order the common gateways write them.</summary>
    public IEnumerable<SdpAttribute> ToAttributes()
    {
        yield return new SdpAttribute("T38FaxVersion", Int(Version));
        yield return new SdpAttribute("T38MaxBitRate", Int(MaxBitRate));
        if (FillBitRemoval)
        {
            yield return new SdpAttribute("T38FaxFillBitRemoval", null);
        }

        if (TranscodingMmr)
        {
            yield return new SdpAttribute("T38FaxTranscodingMMR", null);
        }

        if (TranscodingJbig)
        {
            yield return new SdpAttribute("T38FaxTranscodingJBIG", null);
        }

        yield return new SdpAttribute("T38FaxRateManagement", RateManagement == T38RateManagement.LocalTcf ? "localTCF" : "transferredTCF");
        if (MaxBuffer is int buffer)
        {
            yield return new SdpAttribute("T38FaxMaxBuffer", Int(buffer));
        }

        if (MaxDatagram is int datagram)
        {
            yield return new SdpAttribute("T38FaxMaxDatagram", Int(datagram));
        }

        yield return new SdpAttribute("T38FaxUdpEC", ErrorCorrection switch
        {
            T38ErrorCorrection.Fec => "t38UDPFEC",
            T38ErrorCorrection.Redundancy => "t38UDPRedundancy",
            _ => "t38UDPNoEC",
        });
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int? Int(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    // A flag attribute is true when present without a value (T.38 Annex D) or with a non-zero value (older gateways write ":1"/":0").
    private static bool Flag(string? value) => value is null || (value.Trim() != "0" && !value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase));
}
