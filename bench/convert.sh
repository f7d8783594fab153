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

# A realistic text document: each page full of text (as letters and contracts are).
{
    echo '%!PS'
    echo '/Times-Roman findfont 11 scalefont setfont'
    for ((p = 1; p <= pages; p++)); do
        echo '<< /PageSize [595 842] >> setpagedevice'
        for ((y = 780; y > 60; y -= 14)); do
            echo "60 $y moveto (Page $p. FaxPost benchmark line at $y: the quick brown fox jumps over the lazy dog 0123456789.) show"
        done
        echo 'showpage'
    done
} > "$work/doc.ps"
gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -o "$work/doc.pdf" "$work/doc.ps"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
time_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

: > "$work/fp" ; : > "$work/gs"
for ((i = 0; i < runs; i++)); do
    time_ms dotnet "$work/bin/faxpost.dll" convert "$work/doc.pdf" -o "$work/fp.tif" -r fine >> "$work/fp"
    time_ms gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=tiffg4 -r204x196 -sPAPERSIZE=a4 -dFIXEDMEDIA -dPDFFitPage -o "$work/gs.tif" "$work/doc.pdf" >> "$work/gs"
done
fp=$(median < "$work/fp")
gsms=$(median < "$work/gs")
echo "pages: $pages, runs: $runs"
echo "faxpost convert : ${fp} ms (median)   $(stat -c %s "$work/fp.tif") bytes"
echo "gs -sDEVICE=tiffg4: ${gsms} ms (median)   $(stat -c %s "$work/gs.tif") bytes"
awk -v a="$fp" -v b="$gsms" 'BEGIN { printf "ratio faxpost/gs: %.2f (overhead %+.0f %%)\n", a / b, (a / b - 1) * 100 }'
