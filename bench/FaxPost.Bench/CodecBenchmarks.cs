using System.Buffers;
using BenchmarkDotNet.Attributes;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Bench;

/// <summary>
/// Per-page encode/decode, ours against BitMiracle.LibTiff.NET in process. Each invocation codes
/// the next page of the corpus, so the mean is the mean over the corpus.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private IReadOnlyList<BilevelImage> _pages = [];
    private byte[][] _coded = [];
    private byte[][] _libTiffFiles = [];
    private byte[] _pixels = [];
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);
    private int _next;
    private PageSink _sink = new([]);
    private FaxEncoder? _encoder;
    private FaxDecoder? _decoder;

    [Params(FaxCompression.Mh, FaxCompression.Mr, FaxCompression.Mmr)]
    public FaxCompression Compression { get; set; }

    private FaxCodingOptions Options => new() { Compression = Compression, K = 4, Rtc = Compression != FaxCompression.Mmr };

    [GlobalSetup]
    public void Setup()
    {
        _pages = Corpus.Load(Corpus.Directory());
        _coded = _pages.Select(p => FaxPageCodec.Encode(p, Options)).ToArray();
        _libTiffFiles = _pages.Select(p => LibTiffNet.Encode(p, Compression)).ToArray();
        _pixels = new byte[_pages.Max(p => p.Pixels.Length)];
        _sink = new PageSink(_pixels);
        _encoder = FaxEncoder.Create(Corpus.FaxWidth, Options);
        _decoder = FaxDecoder.Create(Corpus.FaxWidth, Options);
    }

    [Benchmark]
    public int EncodeFaxPost()
    {
        BilevelImage page = _pages[NextPage()];
        _output.ResetWrittenCount();
        FaxEncoder encoder = _encoder!;
        encoder.Reset();
        encoder.EncodePage(page, _output);
        encoder.Finish(_output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int DecodeFaxPost()
    {
        _sink.Reset();
        FaxDecoder decoder = _decoder!;
        decoder.Reset();
        decoder.Push(_coded[NextPage()], _sink);
        decoder.Finish(_sink);
        return _sink.Rows;
    }

    [Benchmark]
    public int EncodeLibTiffNet() => LibTiffNet.Encode(_pages[NextPage()], Compression).Length;

    [Benchmark]
    public int DecodeLibTiffNet() => LibTiffNet.Decode(_libTiffFiles[NextPage()], _pixels);

    private int NextPage()
    {
        int page = _next;
        _next = (_next + 1) % _pages.Count;
        return page;
    }

    /// <summary>Copies rows into one reused page buffer, as a receiver writing a page would.</summary>
    internal sealed class PageSink(byte[] pixels) : IFaxRowSink
    {
        private int _offset;

        public int Rows { get; private set; }

        public void Reset()
        {
            _offset = 0;
            Rows = 0;
        }

        public void WriteRow(ReadOnlySpan<byte> row)
        {
            if (_offset + row.Length <= pixels.Length)
            {
                row.CopyTo(pixels.AsSpan(_offset));
                _offset += row.Length;
            }

            Rows++;
        }
    }
}
