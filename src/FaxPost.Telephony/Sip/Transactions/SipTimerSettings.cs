namespace FaxPost.Telephony.Sip.Transactions;

/// <summary>RFC 3261 §17 / Table 4 timer values. Timers for retransmission and absorption are zero on reliable transports.</summary>
public sealed record SipTimerSettings
{
    public static SipTimerSettings Default { get; } = new();

    /// <summary>T1: RTT estimate (500 ms).</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>T2: maximum retransmit interval for non-INVITE requests and INVITE responses (4 s).</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>T4: maximum time a message stays in the network (5 s).</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Timer D on unreliable transports: at least 32 s (RFC 3261 §17.1.1.2).</summary>
    public TimeSpan TimerDUnreliable { get; init; } = TimeSpan.FromSeconds(32);

    public TimeSpan TransactionTimeout => T1 * 64;
}

/// <summary>The timers of RFC 3261 §17 (A–K).</summary>
public enum SipTimer
{
    A,
    B,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
    K,
}

public enum SipTransactionState
{
    Calling,
    Trying,
    Proceeding,
    Completed,
    Confirmed,
    Terminated,
}
