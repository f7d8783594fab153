using System.Net;

namespace FaxPost.Telephony.Sip.Dns;

/// <summary>A question (RFC 1035 §4.1.2).</summary>
public sealed record DnsQuestion(string Name, DnsRecordType Type, ushort Class);

/// <summary>A resource record (RFC 1035 §4.1.3); the subclasses carry the RDATA we understand.</summary>
public abstract record DnsRecord(string Name, DnsRecordType Type, uint Ttl);

/// <summary>A or AAAA (RFC 1035 §3.4.1, RFC 3596 §2.2).</summary>
public sealed record DnsAddressRecord(string Name, DnsRecordType Type, uint Ttl, IPAddress Address) : DnsRecord(Name, Type, Ttl);

/// <summary>CNAME (RFC 1035 §3.3.1).</summary>
public sealed record DnsCnameRecord(string Name, uint Ttl, string Target) : DnsRecord(Name, DnsRecordType.Cname, Ttl);

/// <summary>SRV (RFC 2782): a target "." means the service is not offered at this name.</summary>
public sealed record DnsSrvRecord(string Name, uint Ttl, ushort Priority, ushort Weight, ushort Port, string Target) : DnsRecord(Name, DnsRecordType.Srv, Ttl);

/// <summary>NAPTR (RFC 3403 §4.1).</summary>
public sealed record DnsNaptrRecord(string Name, uint Ttl, ushort Order, ushort Preference, string Flags, string Services, string Regexp, string Replacement)
    : DnsRecord(Name, DnsRecordType.Naptr, Ttl);

/// <summary>SOA (RFC 1035 §3.3.13); its MINIMUM bounds how long a negative answer is kept (RFC 2308 §5).</summary>
public sealed record DnsSoaRecord(string Name, uint Ttl, string PrimaryServer, string Mailbox, uint Serial, uint Refresh, uint Retry, uint Expire, uint Minimum)
    : DnsRecord(Name, DnsRecordType.Soa, Ttl);

/// <summary>Any other type, kept as its raw RDATA.</summary>
public sealed record DnsOtherRecord(string Name, DnsRecordType Type, ushort Class, uint Ttl, byte[] Data) : DnsRecord(Name, Type, Ttl);
