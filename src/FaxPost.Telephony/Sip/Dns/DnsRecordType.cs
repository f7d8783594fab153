namespace FaxPost.Telephony.Sip.Dns;

/// <summary>The record types we ask for and read (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 3403).</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    Ns = 2,
    Cname = 5,
    Soa = 6,
    Aaaa = 28,
    Srv = 33,
    Naptr = 35,
    Opt = 41,
}

/// <summary>RCODE (RFC 1035 §4.1.1).</summary>
public enum DnsResponseCode : byte
{
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3,
    NotImplemented = 4,
    Refused = 5,
}
