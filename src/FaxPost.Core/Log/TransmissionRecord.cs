namespace FaxPost.Core.Log;

public enum Direction
{
    Send = 1,
    Receive = 2,
}

/// <summary>
/// The send/receive log: one record per transmission attempt and per received fax, kept for
/// quotas and charging (seed 004) and exportable as CSV (and in HylaFAX's xferfaxlog shape).
/// </summary>
public sealed class TransmissionRecord
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public Direction Direction { get; set; }

    public long? MailboxId { get; set; }

    public long? UserId { get; set; }

    public long? JobId { get; set; }

    public long? FaxId { get; set; }

    public string? RemoteNumber { get; set; }

    public string? RemoteId { get; set; }

    public int Pages { get; set; }

    public TimeSpan Duration { get; set; }

    /// <summary>ok, busy, no-answer, failed, partial, internal, ...</summary>
    public required string Result { get; set; }

    public string? Reason { get; set; }

    /// <summary>Line or trunk that carried it; "internal" for internal faxes.</summary>
    public string? Line { get; set; }

    /// <summary>The ASCII digits of a number in order ("+49 (89) 12-3" → "4989123"): what the log's number search compares.</summary>
    public static string DigitsOf(string? number)
    {
        if (string.IsNullOrEmpty(number))
        {
            return "";
        }

        Span<char> digits = number.Length <= 256 ? stackalloc char[number.Length] : new char[number.Length];
        int n = 0;
        foreach (char c in number)
        {
            if (char.IsAsciiDigit(c))
            {
                digits[n++] = c;
            }
        }

        return n == number.Length ? number : new string(digits[..n]);
    }
}
