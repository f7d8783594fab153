using System.Text;

namespace FaxPost.Telephony.Sip.Auth;

/// <summary>auth-param list: name=token or name="quoted string", separated by commas (RFC 7235 §2.1).</summary>
internal static class DigestParameters
{
    public static bool TryParse(ReadOnlySpan<char> s, out Dictionary<string, string> parameters)
    {
        parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (true)
        {
            while (i < s.Length && (SipChars.IsWs(s[i]) || s[i] == ','))
            {
                i++;
            }

            if (i >= s.Length)
            {
                return true;
            }

            var nameStart = i;
            while (i < s.Length && s[i] < 128 && SipChars.IsToken((byte)s[i]))
            {
                i++;
            }

            var name = s[nameStart..i];
            while (i < s.Length && SipChars.IsWs(s[i]))
            {
                i++;
            }

            if (name.IsEmpty || i >= s.Length || s[i] != '=')
            {
                return false;
            }

            i++;
            while (i < s.Length && SipChars.IsWs(s[i]))
            {
                i++;
            }

            string value;
            if (i < s.Length && s[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= s.Length)
                    {
                        return false;
                    }

                    if (s[i] == '\\' && i + 1 < s.Length)
                    {
                        sb.Append(s[i + 1]);
                        i += 2;
                        continue;
                    }

                    if (s[i] == '"')
                    {
                        i++;
                        break;
                    }

                    sb.Append(s[i++]);
                }

                value = sb.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < s.Length && s[i] != ',' && !SipChars.IsWs(s[i]))
                {
                    i++;
                }

                value = new string(s[valueStart..i]);
            }

            parameters[new string(name)] = value;
        }
    }
}
