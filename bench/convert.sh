#!/usr/bin/env bash
# Whole-program benchmark (issue 2): converting a multi-page PDF to TIFF-F with `faxpost convert`
# versus Ghostscript alone writing G4 TIFF (`-sDEVICE=tiffg4`) on the same file, same resolution,
# in one run. Reports the median of N runs each and the ratio (target: our overhead < 10 %).
# faxpost = Ghostscript to a raw bitmap + our own page fitting + our own MMR encoder + TIFF writer,
# plus .NET start-up; Ghostscript alone does its own G4 encoding.
#   bash bench/convert.sh [pages] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/deps.sh
install_run_deps
pages=${1:-40}
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build src/FaxPost.Cli -c Release -o "$work/bin" 2>&1 | grep -E "error|Warn|Elapsed" || true

# Realistic text documents: each page full of text (as letters and contracts are); one of
# `pages` pages and one three times as long, so the per-page cost can be told from start-up.
make_pdf() {
    local n=$1 out=$2
    {
        echo '%!PS'
        echo '/Times-Roman findfont 11 scalefont setfont'
        for ((p = 1; p <= n; p++)); do
            echo '<< /PageSize [595 842] >> setpagedevice'
            for ((y = 780; y > 60; y -= 14)); do
                echo "60 $y moveto (Page $p. FaxPost benchmark line at $y: the quick brown fox jumps over the lazy dog 0123456789.) show"
            done
            echo 'showpage'
        done
    } > "$work/doc.ps"
    gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -o "$out" "$work/doc.ps"
}
make_pdf "$pages" "$work/doc.pdf"
make_pdf $((pages * 3)) "$work/long.pdf"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
time_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

: > "$work/fp" ; : > "$work/gs" ; : > "$work/fp3" ; : > "$work/gs3"
for ((i = 0; i < runs; i++)); do
    time_ms dotnet "$work/bin/faxpost.dll" convert "$work/doc.pdf" -o "$work/fp.tif" -r fine >> "$work/fp"
    time_ms gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=tiffg4 -r204x196 -sPAPERSIZE=a4 -dFIXEDMEDIA -dPDFFitPage -o "$work/gs.tif" "$work/doc.pdf" >> "$work/gs"
    time_ms dotnet "$work/bin/faxpost.dll" convert "$work/long.pdf" -o "$work/fp3.tif" -r fine >> "$work/fp3"
    time_ms gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=tiffg4 -r204x196 -sPAPERSIZE=a4 -dFIXEDMEDIA -dPDFFitPage -o "$work/gs3.tif" "$work/long.pdf" >> "$work/gs3"
done
fp=$(median < "$work/fp"); gsms=$(median < "$work/gs"); fp3=$(median < "$work/fp3"); gs3=$(median < "$work/gs3")
echo "runs: $runs (medians)"
echo "$pages pages:   faxpost convert ${fp} ms, gs -sDEVICE=tiffg4 ${gsms} ms ($(stat -c %s "$work/fp.tif") vs $(stat -c %s "$work/gs.tif") bytes)"
echo "$((pages * 3)) pages:  faxpost convert ${fp3} ms, gs -sDEVICE=tiffg4 ${gs3} ms"
awk -v a="$fp" -v b="$gsms" -v pages="$pages" 'BEGIN { printf "whole program, %d pages: ratio faxpost/gs %.2f (overhead %+.0f %%, includes .NET start-up)\n", pages, a / b, (a / b - 1) * 100 }'
awk -v a="$fp3" -v b="$gs3" -v pages="$((pages * 3))" 'BEGIN { printf "whole program, %d pages: ratio faxpost/gs %.2f (overhead %+.0f %%)\n", pages, a / b, (a / b - 1) * 100 }'
awk -v a="$fp" -v b="$gsms" -v a3="$fp3" -v b3="$gs3" -v n="$((pages * 2))" 'BEGIN { fa = (a3 - a) / n; fb = (b3 - b) / n; printf "per page (slope between the two): faxpost %.1f ms, gs %.1f ms, ratio %.2f; fixed cost: faxpost %.0f ms, gs %.0f ms\n", fa, fb, fa / fb, a - fa * n / 2, b - fb * n / 2 }'
