namespace FaxPost.Fax.T30;

/// <summary>The called terminal receiving in error correction mode (T.30 Annex A).</summary>
public sealed partial class T30Session
{
    private byte[][]? _ecmFrames;
    private readonly int[] _ecmLength = new int[EcmFrameMap.MaxFrames];
    private int _pprCount;
    private int _lastPage = -1;
    private int _lastBlock = -1;
    private bool _blockHasFrames;
    private bool _pageFlawed;

    private bool IsEcm => _dcs?.Ecm == true;

    private void OnEcmFrame(in T30Frame frame)
    {
        switch (frame.Type)
        {
            case T30FrameType.Fcd:
                if (State is T30State.WaitPage or T30State.ReceiveBlock && FcdFrame.TryParse(frame, out var number, out var data, out _))
                {
                    StoreFcd(number, data);
                }

                break;
            case T30FrameType.Rcp:
                // T.4 A.3.6.3: end of the partial page's data; the PPS follows at V.21.
                if (State == T30State.ReceiveBlock)
                {
                    Arm(T30Timer.T2);
                }

                break;
            case T30FrameType.Pps:
                OnPps(frame);
                break;
            case T30FrameType.Eor:
                OnEor(frame);
                break;
            case T30FrameType.Ctc:
                // T.30 A.5.3: after four PPRs the sender may continue, possibly slower (new rate in the FIF).
                if (frame.Fif.Length >= 2)
                {
                    var bits = FacilityBits.Read([0, frame.Fif[1], 0]);
                    var probe = new DcsFrame();
                    probe.Bits.SetCode(11, 4, bits.Code(11, 4));
                    _dcs!.Rate = probe.Rate;
                }

                _pprCount = 0;
                Send((T30FrameType.Ctr, []));
                State = T30State.ReceiveBlock;
                Listen(T30Listen.ImageFrames);
                Arm(T30Timer.T2);
                break;
            case T30FrameType.Rr:
                Resend();
                break;
        }
    }

    private void StoreFcd(int number, ReadOnlySpan<byte> data)
    {
        if (State == T30State.WaitPage)
        {
            State = T30State.ReceiveBlock;
            if (!_pageOpen)
            {
                BeginPage();
                _pageFlawed = false;
            }
        }

        if (data.Length > _dcs!.EcmFrameSize)
        {
            return;
        }

        if (_ecmFrames is null)
        {
            _ecmFrames = new byte[EcmFrameMap.MaxFrames][];
            Array.Fill(_ecmLength, -1);
        }

        if (!_blockHasFrames)
        {
            Array.Fill(_ecmLength, -1);
            _blockHasFrames = true;
        }

        var buffer = _ecmFrames[number] ??= new byte[256];
        data.CopyTo(buffer);
        _ecmLength[number] = data.Length;
        Arm(T30Timer.T2);
    }

    private void OnPps(in T30Frame frame)
    {
        if (!PpsFrame.TryParse(frame.Fif, out var pps, out _))
        {
            OnBadFrame();
            return;
        }

        if (pps.Page == _lastPage && pps.Block == _lastBlock && !_blockHasFrames)
        {
            // Our MCF was lost and the sender repeats the PPS.
            Resend();
            return;
        }

        if (State == T30State.WaitPage && !_pageOpen)
        {
            BeginPage();
            _pageFlawed = false;
        }

        var missing = new EcmFrameMap();
        for (var i = 0; i < pps.FrameCount; i++)
        {
            missing[i] = !_blockHasFrames || _ecmLength[i] < 0;
        }

        if (missing.Count > 0)
        {
            // T.30 A.4.4: ask again for exactly the frames we lack.
            _pprCount++;
            var map = new byte[EcmFrameMap.Octets];
            missing.Write(map);
            Send((T30FrameType.Ppr, map));
            State = T30State.ReceiveBlock;
            Listen(T30Listen.ImageFrames);
            Arm(T30Timer.T2);
            return;
        }

        DeliverBlock(pps.FrameCount);
        Send((T30FrameType.Mcf, []));
        CloseBlock(pps);
    }

    private void OnEor(in T30Frame frame)
    {
        // T.30 A.5.4: the sender gives up on this block; we keep what arrived and answer ERR.
        if (frame.Fif.IsEmpty)
        {
            OnBadFrame();
            return;
        }

        var last = 0;
        for (var i = 0; _blockHasFrames && i < EcmFrameMap.MaxFrames; i++)
        {
            if (_ecmLength[i] >= 0)
            {
                last = i + 1;
            }
        }

        DeliverBlock(last);
        _pageFlawed = true;
        Send((T30FrameType.Err, []));
        var command = T30Fcf.Identify(frame.Fif[0]);
        var next = command switch
        {
            T30FrameType.Mps => T30PostMessage.Mps,
            T30FrameType.Eop => T30PostMessage.Eop,
            T30FrameType.Eom => T30PostMessage.Eom,
            T30FrameType.PriMps => T30PostMessage.PriMps,
            T30FrameType.PriEop => T30PostMessage.PriEop,
            T30FrameType.PriEom => T30PostMessage.PriEom,
            _ => T30PostMessage.Null,
        };
        CloseBlock(new PpsFrame(next, _lastPage + 1, _lastBlock + 1, Math.Max(last, 1)));
    }

    private void DeliverBlock(int frameCount)
    {
        if (!_blockHasFrames || frameCount == 0)
        {
            return;
        }

        // Frames are copied out: the buffers are reused by the next block.
        var total = 0;
        for (var i = 0; i < frameCount; i++)
        {
            total += Math.Max(_ecmLength[i], 0);
        }

        var data = new byte[total];
        var pos = 0;
        for (var i = 0; i < frameCount; i++)
        {
            if (_ecmLength[i] > 0)
            {
                _ecmFrames![i].AsSpan(0, _ecmLength[i]).CopyTo(data.AsSpan(pos));
                pos += _ecmLength[i];
            }
        }

        // FCD octets are in HDLC order (first bit least significant); page data goes out first bit most
        // significant, the same as non-ECM data and TIFF FillOrder 1.
        HdlcBitOrder.ReverseInPlace(data);
        _pageOctets += total;
        Emit(new T30Action { Kind = T30ActionKind.PageData, Data = data, Page = _pagesReceived + 1 });
    }

    private void CloseBlock(PpsFrame pps)
    {
        _lastPage = pps.Page;
        _lastBlock = pps.Block;
        _blockHasFrames = false;
        _pprCount = 0;
        if (pps.PostMessage == T30PostMessage.Null)
        {
            // More blocks of the same page.
            State = T30State.ReceiveBlock;
            Listen(T30Listen.ImageFrames);
            Arm(T30Timer.T2);
            return;
        }

        Emit(new T30Action { Kind = T30ActionKind.EndPage, Page = _pagesReceived + 1, Accepted = !_pageFlawed });
        _pageOpen = false;
        _pagesReceived++;
        AfterConfirmedPage(pps.PostMessage switch
        {
            T30PostMessage.Mps => T30FrameType.Mps,
            T30PostMessage.PriMps => T30FrameType.PriMps,
            T30PostMessage.Eom => T30FrameType.Eom,
            T30PostMessage.PriEom => T30FrameType.PriEom,
            _ => T30FrameType.Eop,
        });
    }
}
