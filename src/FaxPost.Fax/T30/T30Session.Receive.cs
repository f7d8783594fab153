namespace FaxPost.Fax.T30;

/// <summary>The called terminal receiving: phase B (DIS/DCS/TCF), C and D without ECM.</summary>
public sealed partial class T30Session
{
    private bool _pageAcceptable = true;
    private bool _pageOpen;
    private long _pageOctets;
    private int _tcfOctets;
    private int _tcfRun;
    private int _tcfBestRun;

    private void OnStart()
    {
        if (State != T30State.Idle)
        {
            return;
        }

        // T.30 §5.3.2 / T.38: CED first, then the DIS with our identity.
        Emit(new T30Action { Kind = T30ActionKind.SendTone, Tone = T30Tone.Ced });
        Arm(T30Timer.T1);
        SendDis();
    }

    /// <summary>
    /// CSI and DIS, or, polling, CIG and DTC (T.30 §5.3.6.2.3: the DTC carries our receive capabilities,
    /// as our DIS would). Both are repeated on T4 until a command comes.
    /// </summary>
    private void SendDis()
    {
        var ident = new byte[T30Identity.Length];
        T30Identity.TryEncode(_options.LocalIdent, ident);
        var capabilities = DisFrame.For(_options.Capabilities);
        // T.30 Table 2 bit 9: a document is ready to be polled (never set in a DTC).
        capabilities.ReadyToTransmit = !Polling && _options.OfferForPolling;
        var fif = capabilities.Bits.ToArray();
        if (Polling)
        {
            Send((T30FrameType.Cig, ident), (T30FrameType.Dtc, fif));
        }
        else
        {
            Send((T30FrameType.Csi, ident), (T30FrameType.Dis, fif));
        }

        Listen(T30Listen.ControlFrames);
        State = T30State.WaitCommand;
        Arm(T30Timer.T4);
    }

    private void OnFrame(in T30Frame frame)
    {
        switch (frame.Type)
        {
            case T30FrameType.Dcn:
                if (State == T30State.WaitDisconnect)
                {
                    Finish(T30Completion.Ok, "", sendDcn: false);
                }
                else
                {
                    Finish(T30Completion.RemoteDisconnected, $"DCN in {State}", sendDcn: false);
                }

                return;
            case T30FrameType.Crp:
                Resend();
                return;
        }

        switch (State)
        {
            case T30State.WaitCommand or T30State.ReceiveTcf:
                OnPhaseBFrame(frame);
                break;
            case T30State.WaitPage:
                // The sender may not have heard our CFR and sends DCS again; or it repeats a post-page command.
                if (frame.Type is T30FrameType.Tsi or T30FrameType.Dcs or T30FrameType.Sub or T30FrameType.Sid or T30FrameType.Pwd or T30FrameType.Nss)
                {
                    OnPhaseBFrame(frame);
                }
                else if (IsPostPageCommand(frame.Type) || frame.Type == T30FrameType.Pps)
                {
                    Resend();
                }
                else if (IsEcm)
                {
                    OnEcmFrame(frame);
                }

                break;
            case T30State.ReceivePage:
                // A post-page command without a clean end of the image carrier still ends the page.
                if (IsPostPageCommand(frame.Type))
                {
                    EndNonEcmData();
                    OnPostPageCommand(frame);
                }

                break;
            case T30State.ReceiveBlock:
                OnEcmFrame(frame);
                break;
            case T30State.WaitPostPage:
                if (IsEcm)
                {
                    OnEcmFrame(frame);
                }
                else
                {
                    OnPostPageCommand(frame);
                }

                break;
            case T30State.WaitDisconnect:
                if (IsPostPageCommand(frame.Type) || frame.Type is T30FrameType.Pps or T30FrameType.Rr)
                {
                    Resend();
                }

                break;
        }
    }

    private void OnPhaseBFrame(in T30Frame frame)
    {
        switch (frame.Type)
        {
            case T30FrameType.Tsi:
                _remoteIdent = T30Identity.Decode(frame.Fif);
                return;
            case T30FrameType.Sub:
                _remoteSub = T30Identity.Decode(frame.Fif);
                return;
            case T30FrameType.Sid or T30FrameType.Pwd:
                _remoteSid = T30Identity.Decode(frame.Fif);
                return;
            case T30FrameType.Nss:
                _remoteNonStandard = frame.Fif.ToArray();
                return;
            case T30FrameType.Cig:
                _remoteIdent = T30Identity.Decode(frame.Fif);
                return;
            case T30FrameType.Dtc when !Polling:
                OnDtc(frame);
                return;
            case T30FrameType.Dis when Polling && State == T30State.WaitCommand:
                // The polled station did not hear our DTC and repeats its DIS.
                SendDis();
                return;
            case T30FrameType.Dcs:
                break;
            default:
                return;
        }

        if (!DcsFrame.TryParse(frame.Fif, out var dcs, out var error))
        {
            Finish(T30Completion.InvalidDcs, $"DCS: {error}", sendDcn: true);
            return;
        }

        var problem = CheckDcs(dcs);
        if (problem is not null)
        {
            Finish(T30Completion.InvalidDcs, problem, sendDcn: true);
            return;
        }

        // T.30 §5.3.2: DCS is followed by TCF at the commanded rate.
        _dcs = dcs;
        Disarm(T30Timer.T1);
        Disarm(T30Timer.T4);
        _tcfOctets = _tcfRun = _tcfBestRun = 0;
        State = T30State.ReceiveTcf;
        Listen(T30Listen.ImageData);
        Arm(T30Timer.T2);
    }

    /// <summary>A DCS may only ask for what our DIS offered.</summary>
    private string? CheckDcs(DcsFrame dcs)
    {
        var caps = _options.Capabilities;
        var modem = dcs.Rate.Modulation switch
        {
            T30Modulation.V17 => T30ModemSupport.V17,
            T30Modulation.V29 => T30ModemSupport.V29,
            _ => T30ModemSupport.V27ter,
        };
        if (!caps.Modems.HasFlag(modem))
        {
            return $"DCS asks for {dcs.Rate}, not offered";
        }

        if (dcs.Ecm && !caps.Ecm)
        {
            return "DCS asks for ECM, not offered";
        }

        return dcs.Compression switch
        {
            T30Compression.MMR when !dcs.Ecm => "DCS asks for T.6 without ECM",
            T30Compression.MMR when !caps.T6 => "DCS asks for T.6, not offered",
            T30Compression.MR when !caps.TwoDimensional => "DCS asks for MR, not offered",
            _ when (int)dcs.Width > (int)caps.MaxWidth => $"DCS asks for width {dcs.Width}, not offered",
            _ when !DisFrame.For(caps).Supports(dcs.Resolution) => $"DCS asks for {dcs.Resolution}, not offered",
            _ => null,
        };
    }

    private void OnImageData(ReadOnlyMemory<byte> data)
    {
        switch (State)
        {
            case T30State.ReceiveTcf:
                // T.30 §5.3.2.1: TCF is 1.5 s of zeros; we look for a long enough run of zero octets.
                foreach (var b in data.Span)
                {
                    _tcfRun = b == 0 ? _tcfRun + 1 : 0;
                    _tcfBestRun = Math.Max(_tcfBestRun, _tcfRun);
                }

                _tcfOctets += data.Length;
                Arm(T30Timer.T2);
                break;
            case T30State.WaitPage when !IsEcm:
                BeginPage();
                State = T30State.ReceivePage;
                goto case T30State.ReceivePage;
            case T30State.ReceivePage:
                _pageOctets += data.Length;
                Emit(new T30Action { Kind = T30ActionKind.PageData, Data = data, Page = _pagesReceived + 1 });
                Arm(T30Timer.T2);
                break;
        }
    }

    private void OnImageEnd()
    {
        switch (State)
        {
            case T30State.ReceiveTcf:
                JudgeTcf();
                break;
            case T30State.ReceivePage:
                EndNonEcmData();
                break;
            case T30State.ReceiveBlock:
                State = T30State.WaitPostPage;
                Listen(T30Listen.ControlFrames);
                Arm(T30Timer.T2);
                break;
        }
    }

    private void JudgeTcf()
    {
        var needed = (int)(_dcs!.Rate.BitRate / 8 * _options.MinTcfZeroRun.TotalSeconds);
        if (_tcfBestRun >= needed)
        {
            Send((T30FrameType.Cfr, []));
            State = T30State.WaitPage;
            _pageAcceptable = true;
            Listen(IsEcm ? T30Listen.ImageFrames : T30Listen.ImageData);
            Arm(T30Timer.T2);
        }
        else
        {
            // FTT: the sender retrains, usually slower, with a new DCS.
            Send((T30FrameType.Ftt, []));
            State = T30State.WaitCommand;
            Listen(T30Listen.ControlFrames);
            Disarm(T30Timer.T2);
            Arm(T30Timer.T1);
        }
    }

    private void BeginPage()
    {
        _pageOpen = true;
        _pageOctets = 0;
        Emit(new T30Action { Kind = T30ActionKind.BeginPage, Mode = _dcs, Page = _pagesReceived + 1 });
    }

    private void EndNonEcmData()
    {
        State = T30State.WaitPostPage;
        Listen(T30Listen.ControlFrames);
        Arm(T30Timer.T2);
    }

    private static bool IsPostPageCommand(T30FrameType type) =>
        type is T30FrameType.Mps or T30FrameType.Eom or T30FrameType.Eop or T30FrameType.PriMps or T30FrameType.PriEom or T30FrameType.PriEop;

    private void OnPostPageCommand(in T30Frame frame)
    {
        if (!IsPostPageCommand(frame.Type))
        {
            if (frame.Type is T30FrameType.Dcs or T30FrameType.Tsi)
            {
                // Some senders skip the page after a retrain; phase B again.
                OnPhaseBFrame(frame);
            }

            return;
        }

        var accepted = _pageOpen && _pageOctets > 0 && _pageAcceptable;
        if (_pageOpen)
        {
            Emit(new T30Action { Kind = T30ActionKind.EndPage, Page = _pagesReceived + 1, Accepted = accepted });
            _pageOpen = false;
            if (accepted)
            {
                _pagesReceived++;
            }
        }

        if (!accepted)
        {
            // T.30 §5.3.6.1.8: RTN, the sender retrains (phase B) before going on.
            Send((T30FrameType.Rtn, []));
            State = T30State.WaitCommand;
            Listen(T30Listen.ControlFrames);
            Arm(T30Timer.T2);
            return;
        }

        Send((T30FrameType.Mcf, []));
        AfterConfirmedPage(frame.Type);
    }

    /// <summary>Where MCF leads (T.30 Figure 5-2): next page, back to phase B, or the end.</summary>
    private void AfterConfirmedPage(T30FrameType command)
    {
        _pageAcceptable = true;
        switch (command)
        {
            case T30FrameType.Mps or T30FrameType.PriMps:
                State = T30State.WaitPage;
                Listen(IsEcm ? T30Listen.ImageFrames : T30Listen.ImageData);
                Arm(T30Timer.T2);
                break;
            case T30FrameType.Eom or T30FrameType.PriEom:
                Disarm(T30Timer.T2);
                Arm(T30Timer.T1);
                SendDisAfterResponse();
                break;
            default:
                State = T30State.WaitDisconnect;
                Listen(T30Listen.ControlFrames);
                Arm(T30Timer.T2);
                break;
        }
    }

    /// <summary>After EOM the called terminal starts phase B again with a new DIS once the T4 timer runs.</summary>
    private void SendDisAfterResponse()
    {
        State = T30State.WaitCommand;
        Listen(T30Listen.ControlFrames);
        Arm(T30Timer.T4);
    }

    private void OnBadFrame()
    {
        // T.30 §5.3.6.1.5: ask for the command again.
        if (State is T30State.WaitCommand or T30State.WaitPostPage or T30State.WaitDisconnect)
        {
            var keep = new List<byte[]>(_lastSent);
            Send((T30FrameType.Crp, []));
            _lastSent.Clear();
            _lastSent.AddRange(keep);
        }
    }

    private void OnTimer(T30Timer timer)
    {
        switch (State, timer)
        {
            case (T30State.WaitCommand, T30Timer.T1):
                Finish(T30Completion.NoIdentification, "T1 expired without DCS", sendDcn: true);
                break;
            case (T30State.WaitCommand, T30Timer.T4):
                // No command yet: DIS again (T.30 §5.3.2.2), until T1 runs out.
                SendDis();
                break;
            case (T30State.WaitDisconnect, T30Timer.T2):
                // Every page was confirmed; a lost DCN does not spoil the call.
                Finish(T30Completion.Ok, "no DCN after EOP", sendDcn: false);
                break;
            case (_, T30Timer.T2):
                Finish(T30Completion.CommandTimeout, $"T2 expired in {State}", sendDcn: true);
                break;
        }
    }
}
