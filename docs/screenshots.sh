#!/usr/bin/env bash
# Regenerates the README's pictures of the report from an example:
#   docs/report-html.png (headless Chromium) and docs/report-pdf.png (pdftoppm, first pages side by side).
# Needs: chromium, poppler-utils (pdftoppm), Pillow.
set -euo pipefail
cd "$(dirname "$0")/.."
example=${1:-examples/grow-stage.yaml}
tmp=$(mktemp -d)
playbook assess "$example" -o "$tmp/report.html" >/dev/null
playbook assess "$example" -o "$tmp/report.pdf" >/dev/null
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1100,1700 \
  --screenshot="docs/report-html.png" "file://$tmp/report.html" 2>/dev/null
pdftoppm -r 40 -png -f 1 -l 8 "$tmp/report.pdf" "$tmp/page"
python3 - "$tmp" <<'PY'
import sys
from pathlib import Path
from PIL import Image
pages = [Image.open(p).convert("RGB") for p in sorted(Path(sys.argv[1]).glob("page-*.png"))]
w, h = pages[0].size
sheet = Image.new("RGB", (w * 4 + 50, h * 2 + 30), (200, 204, 210))
for i, im in enumerate(pages):
    sheet.paste(im, (10 + (i % 4) * (w + 10), 10 + (i // 4) * (h + 10)))
sheet.save("docs/report-pdf.png", optimize=True)
PY
# the German example's first screen, for the README's "In another language"
playbook assess examples/german-partner.yaml -o "$tmp/de.html" >/dev/null
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1100,1000 \
  --screenshot="docs/report-html-de.png" "file://$tmp/de.html" 2>/dev/null
echo "docs/report-html.png docs/report-pdf.png docs/report-html-de.png"
