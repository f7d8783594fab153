#!/usr/bin/env bash
# T.4/T.6 codec benchmark: renders a corpus of real pages with Ghostscript at fax resolution
# (204 x 196 dpi) from PDFs shipped in Debian packages, then prints FaxPost's encode/decode
# pages/s and the ratios against libtiff (tiffcp) and BitMiracle.LibTiff.NET, then runs the
# BenchmarkDotNet suite (times and allocations per page).
#   bench/codecs.sh             # comparison + BenchmarkDotNet short job
#   bench/codecs.sh --compare   # comparison only
#   bench/codecs.sh --full      # comparison + full BenchmarkDotNet job
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/deps.sh
need_apt ghostscript libtiff-tools libtasn1-doc shared-mime-info

corpus="${FAXPOST_BENCH_CORPUS:-/tmp/faxpost-codec-corpus}"
if [ "$(ls "$corpus"/*.pbm 2>/dev/null | wc -l)" -lt 50 ]; then
    rm -rf "$corpus"; mkdir -p "$corpus"
    n=0
    for pdf in /usr/share/doc/libtasn1-doc/libtasn1.pdf /usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf; do
        n=$((n + 1))
        gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pbmraw -r204x196 -sPAPERSIZE=a4 -dFIXEDMEDIA -dPDFFitPage \
            -sOutputFile="$corpus/doc${n}-%03d.pbm" "$pdf"
    done
fi
export FAXPOST_BENCH_CORPUS="$corpus"
echo "corpus: $(ls "$corpus"/*.pbm | wc -l) pages in $corpus"

dotnet build bench/FaxPost.Bench -c Release -warnaserror -v q -nologo >/dev/null
bin=bench/FaxPost.Bench/bin/Release/net10.0/FaxPost.Bench.dll
dotnet "$bin" compare 4
case "${1:-}" in
    --compare) ;;
    --full) dotnet "$bin" --filter '*CodecBenchmarks*' --artifacts /tmp/faxpost-bench-artifacts ;;
    *) dotnet "$bin" --filter '*CodecBenchmarks*' --job short --artifacts /tmp/faxpost-bench-artifacts ;;
esac
