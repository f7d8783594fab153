namespace FaxPost.Fax.T30;

/// <summary>The calling terminal sending pages: phase B (DIS → DCS/TCF), C and D, with and without ECM.</summary>
public sealed partial class T30Session
{
    private DisFrame? _remoteDis;
    private int _pagesSent;
    private int _commandTries;
    private bool _awaitSendComplete;
    private bool _morePages;
    private bool _pageNeedsResend;
    private int _pageRetransmissions;
    private byte[] _page = [];
    private int _block;
    private int _blockCount;
    private int _sendPprCount;
    private EcmFrameMap? _resendMap;

    private void OnStartCall()
    {
        if (State != T30State.Idle)
        {
            return;
        }

        // T.30 §5.3.1: the caller sends CNG and waits up to T1 for DIS.
        Emit(new T30Action { Kind = T30ActionKind.SendTone, Tone = T30Tone.Cng });
        Listen(T30Listen.ControlFrames);
        State = T30State.WaitDis;
        Arm(T30Timer.T1);
    }

    private void OnSendFrame(in T30Frame frame)
    {
        switch (frame.Type)
        {
            case T30FrameType.Dcn:
                Finish(T30Completion.RemoteDisconnected, $"DCN in {State}", sendDcn: false);
                return;
            case T30FrameType.Crp:
                Resend();
                Arm(T30Timer.T4);
                return;
        }

        switch (State)
        {
            case T30State.WaitDis or T30State.WaitTrainingResponse when frame.Type is T30FrameType.Csi or T30FrameType.Cig:
                _remoteIdent = T30Identity.Decode(frame.Fif);
                break;
            case T30State.WaitDis or T30State.WaitTrainingResponse when frame.Type == T30FrameType.Nsf:
                _remoteNonStandard = frame.Fif.ToArray();
                break;
            case T30State.WaitDis or T30State.WaitTrainingResponse when frame.Type == CapabilitiesFrame:
                // A repeated DIS (or DTC, polled) while training means our DCS was not heard: start phase B over.
                OnDis(frame);
                break;
            case T30State.WaitTrainingResponse when frame.Type == T30FrameType.Cfr:
                Disarm(T30Timer.T4);
                if (_pageNeedsResend || _page.Length == 0 || !IsEcm || _block >= _blockCount)
                {
                    RequestOrResendPage();
                }
                else
                {
                    SendBlock();
                }

                break;
            case T30State.WaitTrainingResponse when frame.Type == T30FrameType.Ftt:
                if (!T30Negotiation.TryFallback(_dcs!.Rate, _remoteDis!.Modems & _options.Capabilities.Modems, out var slower))
                {
                    Finish(T30Completion.TrainingFailed, $"FTT at {_dcs.Rate}", sendDcn: true);
                    return;
                }

                _dcs.Rate = slower;
                _commandTries = 0;
                SendDcsAndTcf();
                break;
            case T30State.WaitPostPageResponse:
                OnPostPageResponse(frame);
                break;
            case T30State.WaitCtr when frame.Type == T30FrameType.Ctr:
                Disarm(T30Timer.T4);
                _sendPprCount = 0;
                SendBlock();
                break;
        }
    }

    private void OnDis(in T30Frame frame)
    {
        if (!DisFrame.TryParse(frame.Fif, out var dis, out _))
        {
            OnSendBadFrame();
            return;
        }

        if (_options.Direction == T30Direction.Poll)
        {
            OnDisToPoll(dis);
            return;
        }

        StartSending(dis);
    }

    /// <summary>The capabilities that start our phase B as sender: DIS when we called, DTC when we were polled.</summary>
    private T30FrameType CapabilitiesFrame => Calling ? T30FrameType.Dis : T30FrameType.Dtc;

    /// <summary>Chooses the mode from the far end's DIS or DTC (the same rules for both) and sends DCS and TCF.</summary>
    private void StartSending(DisFrame dis)
    {
        _remoteDis = dis;
        if (!T30Negotiation.TrySelectDcs(dis, _options.Capabilities, _options.SendResolution, _options.SendWidth, out var dcs, out var problem))
        {
            Finish(T30Completion.Incompatible, problem.ToString(), sendDcn: true);
            return;
        }

        _dcs = dcs;
        _commandTries = 0;
        Disarm(T30Timer.T1);
        SendDcsAndTcf();
    }

    /// <summary>T.30 §5.3.2: TSI and DCS at V.21, then TCF (zeros) at the commanded rate.</summary>
    private void SendDcsAndTcf()
    {
        // T.30 §5.3.6.2: optional identification frames go before the DCS, which says which were sent.
        var frames = new List<(T30FrameType, byte[])> { (T30FrameType.Tsi, Identity(_options.LocalIdent)) };
        _dcs!.SubaddressFollows = _options.SubAddress.Length > 0 && _remoteDis!.Subaddressing;
        _dcs.SenderIdFollows = _options.SenderId.Length > 0 && _remoteDis!.Password;
        if (_dcs.SubaddressFollows)
        {
            frames.Add((T30FrameType.Sub, Identity(_options.SubAddress)));
        }

        if (_dcs.SenderIdFollows)
        {
            frames.Add((T30FrameType.Sid, Identity(_options.SenderId)));
        }

        frames.Add((T30FrameType.Dcs, _dcs.Bits.ToArray()));
        Send([.. frames]);
        var tcf = new byte[(int)(_dcs.Rate.BitRate / 8 * _options.TcfLength.TotalSeconds)];
        Emit(new T30Action { Kind = T30ActionKind.SendImage, Data = tcf, Rate = _dcs.Rate });
        Listen(T30Listen.ControlFrames);
        State = T30State.WaitTrainingResponse;
        _commandTries++;
        _awaitSendComplete = true;
    }

    private static byte[] Identity(string text)
    {
        var field = new byte[T30Identity.Length];
        T30Identity.TryEncode(text, field);
        return field;
    }

    private void RequestOrResendPage()
    {
        if (_pageNeedsResend && _page.Length > 0)
        {
            _pageNeedsResend = false;
            StartPage();
            return;
        }

        State = T30State.WaitPageData;
        Emit(new T30Action { Kind = T30ActionKind.RequestPage, Page = _pagesSent + 1, Mode = _dcs });
    }

    private void OnPageCoded(ReadOnlyMemory<byte> coded, bool morePages)
    {
        if (!Sending || State != T30State.WaitPageData)
        {
            return;
        }

        _page = coded.ToArray();
        _morePages = morePages;
        StartPage();
    }

    private void StartPage()
    {
        if (!IsEcm)
        {
            Emit(new T30Action { Kind = T30ActionKind.SendImage, Data = _page, Rate = _dcs!.Rate });
            State = T30State.SendingImage;
            _awaitSendComplete = true;
            return;
        }

        // T.30 A.3: the page goes in blocks of at most 256 frames.
        var frameSize = _dcs!.EcmFrameSize;
        var frames = (_page.Length + frameSize - 1) / frameSize;
        _blockCount = Math.Max(1, (frames + EcmFrameMap.MaxFrames - 1) / EcmFrameMap.MaxFrames);
        _block = 0;
        _resendMap = null;
        SendBlock();
    }

    private int FramesInBlock(int block)
    {
        var frameSize = _dcs!.EcmFrameSize;
        var start = block * EcmFrameMap.MaxFrames * frameSize;
        var bytes = Math.Min(_page.Length - start, EcmFrameMap.MaxFrames * frameSize);
        return Math.Max(1, (bytes + frameSize - 1) / frameSize);
    }

    private void SendBlock()
    {
        var frameSize = _dcs!.EcmFrameSize;
        var start = _block * EcmFrameMap.MaxFrames * frameSize;
        var count = FramesInBlock(_block);
        var frames = new List<byte[]>();
        var buffer = new byte[4 + 256];
        for (var i = 0; i < count; i++)
        {
            if (_resendMap is not null && !_resendMap[i])
            {
                continue;
            }

            var offset = start + (i * frameSize);
            var length = Math.Clamp(_page.Length - offset, 0, frameSize);
            // Page data is first-bit-MSB; FCD octets are in HDLC order.
            var data = new byte[Math.Max(length, 1)];
            _page.AsSpan(offset, length).CopyTo(data);
            HdlcBitOrder.ReverseInPlace(data);
            var n = FcdFrame.Write(buffer, i, data);
            frames.Add(buffer[..n]);
        }

        // T.4 A.3.6.3: three RCP frames end the partial page.
        for (var i = 0; i < 3; i++)
        {
            frames.Add([T30Frame.Address, T30Frame.ControlFinal, (byte)T30FrameType.Rcp]);
        }

        Emit(new T30Action { Kind = T30ActionKind.SendImageFrames, Frames = frames, Rate = _dcs.Rate });
        State = T30State.SendingImage;
        _awaitSendComplete = true;
    }

    private void OnSendComplete()
    {
        if (!Sending || !_awaitSendComplete)
        {
            return;
        }

        _awaitSendComplete = false;
        switch (State)
        {
            case T30State.WaitTrainingResponse:
                Arm(T30Timer.T4);
                break;
            case T30State.SendingImage:
                _commandTries = 0;
                SendPostPageCommand();
                break;
        }
    }

    private T30FrameType PostPageCommand => _morePages ? T30FrameType.Mps : T30FrameType.Eop;

    private void SendPostPageCommand()
    {
        if (IsEcm)
        {
            var last = _block == _blockCount - 1;
            var pm = !last ? T30PostMessage.Null : _morePages ? T30PostMessage.Mps : T30PostMessage.Eop;
            var fif = new byte[PpsFrame.FifLength];
            new PpsFrame(pm, _pagesSent & 0xFF, _block & 0xFF, FramesInBlock(_block)).Write(fif, x: Calling);
            Send((T30FrameType.Pps, fif));
        }
        else
        {
            Send((PostPageCommand, []));
        }

        _commandTries++;
        State = T30State.WaitPostPageResponse;
        Listen(T30Listen.ControlFrames);
        Arm(T30Timer.T4);
    }

    private void OnPostPageResponse(in T30Frame frame)
    {
        switch (frame.Type)
        {
            case T30FrameType.Mcf:
                Disarm(T30Timer.T4);
                Disarm(T30Timer.T5);
                if (IsEcm && _block < _blockCount - 1)
                {
                    _block++;
                    _resendMap = null;
                    _sendPprCount = 0;
                    SendBlock();
                    return;
                }

                PageDone(retrain: false);
                break;
            case T30FrameType.Rtp:
                Disarm(T30Timer.T4);
                PageDone(retrain: true);
                break;
            case T30FrameType.Rtn:
                // T.30 §5.3.6.2.9: retrain, then send the page again; a page the far end keeps
                // rejecting ends the call rather than looping.
                Disarm(T30Timer.T4);
                if (++_pageRetransmissions > _options.MaxPageRetransmissions)
                {
                    Finish(T30Completion.PageRejected, $"RTN for page {_pagesSent + 1} after {_pageRetransmissions} tries", sendDcn: true);
                    return;
                }

                // A poor page at this rate: retrain one step slower where there is one.
                if (T30Negotiation.TryFallback(_dcs!.Rate, _remoteDis!.Modems & _options.Capabilities.Modems, out var slower))
                {
                    _dcs.Rate = slower;
                }

                _pageNeedsResend = true;
                _commandTries = 0;
                SendDcsAndTcf();
                break;
            case T30FrameType.Ppr when IsEcm && frame.Fif.Length == EcmFrameMap.Octets:
                Disarm(T30Timer.T4);
                _resendMap = EcmFrameMap.Parse(frame.Fif);
                _sendPprCount++;
                if (_sendPprCount >= _options.MaxPprPerBlock)
                {
                    // T.30 A.5.3: after the fourth PPR, continue to correct.
                    var dcs = _dcs!.Bits.ToArray();
                    Send((T30FrameType.Ctc, [dcs[0], dcs[1]]));
                    State = T30State.WaitCtr;
                    Arm(T30Timer.T4);
                    return;
                }

                SendBlock();
                break;
            case T30FrameType.Rnr:
                // T.30 A.5.5: the receiver is busy; ask again with RR, for at most T5 in all.
                Disarm(T30Timer.T4);
                if (_deadlines[(int)T30Timer.T5] is null)
                {
                    Arm(T30Timer.T5);
                }

                Send((T30FrameType.Rr, []));
                _commandTries = 1;
                Arm(T30Timer.T4);
                break;
        }
    }

    private void PageDone(bool retrain)
    {
        _pagesSent++;
        _pageRetransmissions = 0;
        _page = [];
        if (!_morePages)
        {
            Finish(T30Completion.Ok, "", sendDcn: true);
            return;
        }

        if (retrain)
        {
            _commandTries = 0;
            SendDcsAndTcf();
            return;
        }

        RequestOrResendPage();
    }

    private void OnSendBadFrame()
    {
        // T.30 §5.3.6.1.5: ask the far end to repeat its response.
        if (State is T30State.WaitTrainingResponse or T30State.WaitPostPageResponse or T30State.WaitCtr)
        {
            var keep = new List<byte[]>(_lastSent);
            Send((T30FrameType.Crp, []));
            _lastSent.Clear();
            _lastSent.AddRange(keep);
        }
    }

    private void OnSendTimer(T30Timer timer)
    {
        switch (State, timer)
        {
            case (T30State.WaitDis, T30Timer.T1):
                Finish(T30Completion.NoIdentification, "T1 expired without DIS", sendDcn: true);
                break;
            case (T30State.WaitTrainingResponse, T30Timer.T4):
                if (_commandTries >= _options.MaxCommandTries)
                {
                    Finish(T30Completion.NoResponse, "no response to DCS", sendDcn: true);
                }
                else
                {
                    SendDcsAndTcf();
                }

                break;
            case (_, T30Timer.T5):
                Finish(T30Completion.ReceiverNotReady, "RNR for all of T5", sendDcn: true);
                break;
            case (T30State.WaitPostPageResponse or T30State.WaitCtr, T30Timer.T4):
                if (_commandTries >= _options.MaxCommandTries)
                {
                    Finish(T30Completion.NoResponse, $"no response in {State}", sendDcn: true);
                }
                else
                {
                    _commandTries++;
                    Resend();
                    Arm(T30Timer.T4);
                }

                break;
        }
    }
}
