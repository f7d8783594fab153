using System.Diagnostics.CodeAnalysis;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Conversion;

/// <summary>
/// Incremental reader of raw PBM (P4) pages as Ghostscript's pbmraw device writes them, one after
/// another on a stream. Input may arrive in any chunks. P4 rows are packed MSB first with 1 = black,
/// the layout of <see cref="BilevelImage"/>, so rows are copied as they are.
/// </summary>
internal sealed class PbmReader
{
    private readonly int _maxWidth;
    private readonly int _maxHeight;
    private readonly double _xDpi;
    private readonly double _yDpi;
    private State _state = State.Magic;
    private int _width;
    private int _number;
    private bool _inNumber;
    private BilevelImage? _page;
    private int _filled;
    private bool _inComment;

    public PbmReader(double xDpi, double yDpi, int maxWidth = 20_000, int maxHeight = 40_000)
    {
        _xDpi = xDpi;
        _yDpi = yDpi;
        _maxWidth = maxWidth;
        _maxHeight = maxHeight;
    }

    private enum State
    {
        Magic,
        MagicDigit,
        Width,
        Height,
        Raster,
    }

    /// <summary>True between the first byte of a page and its last raster byte.</summary>
    public bool InsidePage => _state != State.Magic;

    /// <summary>
    /// Consumes input up to the end of at most one page. Returns the bytes consumed; <paramref name="page"/>
    /// is set when a page was completed by them.
    /// </summary>
    public int Read(ReadOnlySpan<byte> input, out BilevelImage? page)
    {
        page = null;
        int i = 0;
        while (i < input.Length)
        {
            if (_state == State.Raster)
            {
                BilevelImage p = _page!;
                int n = Math.Min(input.Length - i, p.Pixels.Length - _filled);
                input.Slice(i, n).CopyTo(p.Pixels.AsSpan(_filled));
                _filled += n;
                i += n;
                if (_filled == p.Pixels.Length)
                {
                    FinishPage(out page);
                    return i;
                }

                continue;
            }

            byte b = input[i++];
            switch (_state)
            {
                case State.Magic:
                    if (b == (byte)'P')
                    {
                        _state = State.MagicDigit;
                    }
                    else if (!IsSpace(b))
                    {
                        Fail("does not start with P4");
                    }

                    break;
                case State.MagicDigit:
                    if (b != (byte)'4')
                    {
                        Fail("only raw PBM (P4) is supported");
                    }

                    _state = State.Width;
                    _inNumber = false;
                    _number = 0;
                    break;
                default:
                    if (HeaderByte(b, out BilevelImage? empty))
                    {
                        page = empty;
                        return i;
                    }

                    break;
            }
        }

        return i;
    }

    /// <summary>Ends the input; fails if it stopped inside a page.</summary>
    public void Complete()
    {
        if (InsidePage)
        {
            Fail("output ends inside a page");
        }
    }

    // Header: whitespace, '#' comments up to end of line, decimal width and height, one whitespace.
    private bool HeaderByte(byte b, out BilevelImage? emptyPage)
    {
        emptyPage = null;
        if (_inComment)
        {
            _inComment = b is not ((byte)'\n' or (byte)'\r');
            return false;
        }

        if (b is >= (byte)'0' and <= (byte)'9')
        {
            _inNumber = true;
            _number = (_number * 10) + (b - '0');
            if (_number > (_state == State.Width ? _maxWidth : _maxHeight))
            {
                Fail($"page size over the limit of {_maxWidth} x {_maxHeight}");
            }

            return false;
        }

        if (b == (byte)'#' && !_inNumber)
        {
            _inComment = true;
            return false;
        }

        if (!IsSpace(b))
        {
            Fail("bad character in the header");
        }

        if (!_inNumber)
        {
            return false;
        }

        if (_state == State.Width)
        {
            if (_number == 0)
            {
                Fail("zero width");
            }

            _width = _number;
            _state = State.Height;
            _inNumber = false;
            _number = 0;
            return false;
        }

        // The single whitespace after the height ends the header (Netpbm pbm(5)).
        _page = new BilevelImage(_width, _number, _xDpi, _yDpi);
        _filled = 0;
        _state = State.Raster;
        if (_page.Pixels.Length == 0)
        {
            FinishPage(out emptyPage);
            return true;
        }

        return false;
    }

    private void FinishPage(out BilevelImage? page)
    {
        page = _page;
        for (int y = 0; y < page!.Height; y++)
        {
            PackedBits.ClearPadding(page.Row(y), page.Width);
        }

        _page = null;
        _state = State.Magic;
        _inNumber = false;
        _number = 0;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    [DoesNotReturn]
    private static void Fail(string reason) => throw new ImageFormatException("PBM: " + reason);
}
