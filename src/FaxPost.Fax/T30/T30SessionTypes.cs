namespace FaxPost.Fax.T30;

/// <summary>T.30 §5.4.3 timers (nominal values; spandsp uses slightly longer ones).</summary>
public enum T30Timer : byte
{
    /// <summary>Phase B: 35 s to identify the far end.</summary>
    T1,
    /// <summary>6 s: waiting for a command or for phase C to start.</summary>
    T2,
    /// <summary>10 s: procedure interrupt (operator).</summary>
    T3,
    /// <summary>3 s: waiting for a response to a command.</summary>
    T4,
    /// <summary>60 s: the far end is not ready (RNR).</summary>
    T5,
}

/// <summary>Settings for a <see cref="T30Session"/>.</summary>
public sealed record T30SessionOptions
{
    public T30Capabilities Capabilities { get; init; } = new();

    /// <summary>Receive (we answer: CED, DIS), send (we call: CNG, wait for DIS, DCS) or poll (we call and receive: DTC).</summary>
    public T30Direction Direction { get; init; } = T30Direction.Receive;

    /// <summary>
    /// Answering: a document waits to be polled. Our DIS sets bit 9 (ready to transmit) and a DTC makes us
    /// the sending terminal; <see cref="SendResolution"/> and <see cref="SendWidth"/> describe the document.
    /// A caller that sends DCS instead is received from as usual.
    /// </summary>
    public bool OfferForPolling { get; init; }

    /// <summary>Sending: the resolution of the pages we have.</summary>
    public T30Resolution SendResolution { get; init; } = T30Resolution.Fine;

    /// <summary>Sending: the width of the pages we have.</summary>
    public T30PageWidth SendWidth { get; init; } = T30PageWidth.A4;

    /// <summary>Sending: how often a command is repeated when no response comes in T4 (T.30 §5.3.2.2: 3 tries).</summary>
    public int MaxCommandTries { get; init; } = 3;

    /// <summary>Sending: TCF length (T.30 §5.3.2.1: 1.5 s of zeros).</summary>
    public TimeSpan TcfLength { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Our CSI/TSI (digits, '+', space; up to 20).</summary>
    public string LocalIdent { get; init; } = "";

    /// <summary>Sending: SUB to send when the far end offers sub-addressing (DIS bit 49); empty for none.</summary>
    public string SubAddress { get; init; } = "";

    /// <summary>Sending: SID (sender identification / password) to send when the far end offers it (DIS bit 50); empty for none.</summary>
    public string SenderId { get; init; } = "";

    public TimeSpan T1 { get; init; } = TimeSpan.FromSeconds(35);

    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(6);

    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a far end may keep answering RNR before we give up (T.30 A.5.5).</summary>
    public TimeSpan T5 { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Sending: how often one page is sent again after RTN (T.30 §5.3.6.2.9 leaves it to the sender)
    /// before the call ends with <see cref="T30Completion.PageRejected"/>.
    /// </summary>
    public int MaxPageRetransmissions { get; init; } = 2;

    /// <summary>How many PPRs for one block before the sender must send CTC or EOR (T.30 A.5.2: 4).</summary>
    public int MaxPprPerBlock { get; init; } = 4;

    /// <summary>TCF passes when it holds a run of zero octets at least this long (it is 1.5 s long).</summary>
    public TimeSpan MinTcfZeroRun { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Timer(T30Timer timer) => timer switch
    {
        T30Timer.T1 => T1,
        T30Timer.T2 => T2,
        T30Timer.T4 => T4,
        T30Timer.T3 => TimeSpan.FromSeconds(10),
        _ => T5,
    };
}

public enum T30Direction : byte
{
    /// <summary>Called terminal, receiving pages.</summary>
    Receive,
    /// <summary>Calling terminal, sending pages.</summary>
    Send,
    /// <summary>Calling terminal polling: on a DIS with a document ready (bit 9) it sends DTC and receives pages.</summary>
    Poll,
}

/// <summary>The states of a session (T.30 Figure 5-2 flow).</summary>
public enum T30State : byte
{
    Idle,
    /// <summary>Phase B: DIS (or, polling, DTC) sent, waiting for DCS (or DCN).</summary>
    WaitCommand,
    /// <summary>Receiving the training check (TCF) at the DCS rate.</summary>
    ReceiveTcf,
    /// <summary>CFR sent: waiting for the page to start.</summary>
    WaitPage,
    /// <summary>Phase C without ECM: T.4 data flowing.</summary>
    ReceivePage,
    /// <summary>Phase C with ECM: FCD frames of a block (partial page) flowing.</summary>
    ReceiveBlock,
    /// <summary>Phase D: waiting for the post-message command (MPS/EOM/EOP, or PPS in ECM).</summary>
    WaitPostPage,
    /// <summary>After MCF to EOP: waiting for DCN.</summary>
    WaitDisconnect,
    /// <summary>Sending, phase B: CNG sent, waiting for DIS.</summary>
    WaitDis,
    /// <summary>Sending: DCS and TCF out, waiting for CFR or FTT.</summary>
    WaitTrainingResponse,
    /// <summary>Sending: the host was asked for the next page's coded data.</summary>
    WaitPageData,
    /// <summary>Sending: image data or ECM frames handed to the transport, waiting for it to finish.</summary>
    SendingImage,
    /// <summary>Sending: post-message command (or PPS) out, waiting for MCF/RTN/RTP/PPR.</summary>
    WaitPostPageResponse,
    /// <summary>Sending: CTC out after four PPRs, waiting for CTR.</summary>
    WaitCtr,
    /// <summary>Phase E: done (see <see cref="T30Session.Result"/>).</summary>
    Complete,
}

/// <summary>What comes into a session.</summary>
public enum T30InputKind : byte
{
    /// <summary>The call is answered: start phase A/B.</summary>
    Start,
    /// <summary>A complete HDLC frame with a good FCS (HDLC order, no FCS).</summary>
    Frame,
    /// <summary>An HDLC frame whose FCS was bad.</summary>
    BadFrame,
    /// <summary>Non-ECM data at the image rate: TCF or T.4 page data.</summary>
    ImageData,
    /// <summary>The image carrier (or T.38 t4-non-ecm-sig-end / hdlc-sig-end at image rate) ended.</summary>
    ImageEnd,
    /// <summary>The host judged the page just received (non-ECM): <see cref="T30Input.Acceptable"/>.</summary>
    PageQuality,
    /// <summary>Time passed; timers are checked against <c>now</c>.</summary>
    Tick,
    /// <summary>Sending: the coded data of the page asked for (<see cref="T30Input.Data"/>, first bit MSB); <see cref="T30Input.Acceptable"/> false = no more pages after it.</summary>
    PageCoded,
    /// <summary>Sending: the transport has sent everything handed to it so far.</summary>
    SendComplete,
    /// <summary>The far end is sending V.21 (preamble or frame octets): a running T4 waits for it to finish.</summary>
    SignalDetected,
}

/// <summary>One input; data is borrowed until <see cref="T30Session.Step"/> returns.</summary>
public readonly record struct T30Input(T30InputKind Kind, ReadOnlyMemory<byte> Data = default, bool Acceptable = true)
{
    public static T30Input Start => new(T30InputKind.Start);

    public static T30Input Tick => new(T30InputKind.Tick);

    public static T30Input ImageEnd => new(T30InputKind.ImageEnd);

    public static T30Input Frame(ReadOnlyMemory<byte> frame) => new(T30InputKind.Frame, frame);

    public static T30Input BadFrame => new(T30InputKind.BadFrame);

    public static T30Input Image(ReadOnlyMemory<byte> data) => new(T30InputKind.ImageData, data);

    public static T30Input Quality(bool acceptable) => new(T30InputKind.PageQuality, default, acceptable);

    public static T30Input SendComplete => new(T30InputKind.SendComplete);

    public static T30Input Signal => new(T30InputKind.SignalDetected);

    /// <summary>The next page's coded data; <paramref name="morePages"/> false for the last page.</summary>
    public static T30Input Page(ReadOnlyMemory<byte> coded, bool morePages) => new(T30InputKind.PageCoded, coded, morePages);
}

/// <summary>What the transport should listen for next.</summary>
public enum T30Listen : byte
{
    /// <summary>V.21 HDLC frames (control).</summary>
    ControlFrames,
    /// <summary>Non-ECM data at <see cref="T30Action.Rate"/> (TCF or a T.4 page).</summary>
    ImageData,
    /// <summary>ECM HDLC frames at <see cref="T30Action.Rate"/>.</summary>
    ImageFrames,
}

/// <summary>Signals other than HDLC frames.</summary>
public enum T30Tone : byte
{
    Ced,
    Cng,
}

public enum T30ActionKind : byte
{
    /// <summary>Send <see cref="T30Action.Tone"/>.</summary>
    SendTone,
    /// <summary>Send <see cref="T30Action.Frames"/> at V.21 (with preamble), last one final.</summary>
    SendFrames,
    /// <summary>Listen for <see cref="T30Action.Listen"/>.</summary>
    Listen,
    /// <summary>A page starts with <see cref="T30Action.Mode"/>.</summary>
    BeginPage,
    /// <summary>
    /// Page data for the current page: T.4/T.6 octets with the first bit sent in the most significant
    /// bit (TIFF FillOrder 1), with or without ECM.
    /// </summary>
    PageData,
    /// <summary>The current page ended; <see cref="T30Action.Accepted"/> says whether we confirmed it (MCF) or not (RTN).</summary>
    EndPage,
    /// <summary>Phase E: the call is over; see <see cref="T30Session.Result"/>.</summary>
    CallComplete,
    /// <summary>Sending: send <see cref="T30Action.Data"/> (TCF or a non-ECM page) at <see cref="T30Action.Rate"/>, after training.</summary>
    SendImage,
    /// <summary>Sending: send <see cref="T30Action.Frames"/> (ECM FCD and RCP) at <see cref="T30Action.Rate"/>, after training.</summary>
    SendImageFrames,
    /// <summary>Sending: code page <see cref="T30Action.Page"/> for <see cref="T30Action.Mode"/> and give it back with <see cref="T30Input.Page"/>.</summary>
    RequestPage,
}

/// <summary>One thing the host must do.</summary>
public sealed record T30Action
{
    public T30ActionKind Kind { get; init; }

    public T30Tone Tone { get; init; }

    public IReadOnlyList<byte[]> Frames { get; init; } = [];

    public T30Listen Listen { get; init; }

    public T30Rate Rate { get; init; }

    public DcsFrame? Mode { get; init; }

    public int Page { get; init; }

    public ReadOnlyMemory<byte> Data { get; init; }

    public bool Accepted { get; init; }
}

/// <summary>How a session ended (phase E).</summary>
public enum T30Completion : byte
{
    Ok,
    /// <summary>T1 ran out: no DCS from the far end.</summary>
    NoIdentification,
    /// <summary>T2 ran out waiting for a command or for the page.</summary>
    CommandTimeout,
    /// <summary>The far end sent DCN before the last page was confirmed.</summary>
    RemoteDisconnected,
    /// <summary>The DCS asked for a mode we did not offer.</summary>
    InvalidDcs,
    /// <summary>A frame that makes no sense where it came.</summary>
    UnexpectedFrame,
    /// <summary>Sending: the far end cannot receive, or we share no modem.</summary>
    Incompatible,
    /// <summary>Sending: FTT at the slowest rate.</summary>
    TrainingFailed,
    /// <summary>Sending: the far end stayed not ready (RNR) for all of T5.</summary>
    ReceiverNotReady,
    /// <summary>Sending: a command got no response after every try.</summary>
    NoResponse,
    /// <summary>Sending: the far end answered RTN to one page every time it was sent.</summary>
    PageRejected,
    /// <summary>
    /// Polling: there was nothing to poll. The far end's DIS offered no document (bit 9 clear), or,
    /// answering, a DTC asked for a document we did not offer.
    /// </summary>
    NothingToPoll,
}

public sealed record T30Result(T30Completion Completion, string Detail, int PagesReceived, string RemoteIdent, DcsFrame? LastDcs, int PagesSent = 0)
{
    /// <summary>SUB from the far end (T.30 §5.3.6.2.7), for routing by sub-address.</summary>
    public string RemoteSubAddress { get; init; } = "";

    /// <summary>SID or PWD from the far end (T.30 §5.3.6.2.8–9). A secret: never log it.</summary>
    public string RemoteSenderId { get; init; } = "";

    /// <summary>The FIF of the far end's NSF or NSS (T.35 country code, vendor, then anything), passed through.</summary>
    public byte[] RemoteNonStandard { get; init; } = [];

    public bool Success => Completion == T30Completion.Ok;
}
