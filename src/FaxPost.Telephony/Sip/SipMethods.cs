using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>Method names (RFC 3261 §7.1 and extensions); known ones are interned so they allocate nothing.</summary>
public static class SipMethods
{
    public const string Invite = "INVITE";
    public const string Ack = "ACK";
    public const string Bye = "BYE";
    public const string Cancel = "CANCEL";
    public const string Options = "OPTIONS";
    public const string Register = "REGISTER";
    public const string Info = "INFO";
    public const string Update = "UPDATE";
    public const string Prack = "PRACK";
    public const string Refer = "REFER";
    public const string Notify = "NOTIFY";
    public const string Subscribe = "SUBSCRIBE";
    public const string Message = "MESSAGE";

    private static readonly string[] Known = [Invite, Ack, Bye, Cancel, Options, Register, Info, Update, Prack, Refer, Notify, Subscribe, Message];

    internal static string Intern(ReadOnlySpan<byte> bytes)
    {
        foreach (var m in Known)
        {
            if (bytes.Length == m.Length && Ascii.Equals(bytes, m))
            {
                return m;
            }
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
