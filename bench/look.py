"""Checked by looking: the sample's HTML report in headless Chromium, its xlsx in LibreOffice.

Run ``python bench/look.py [OUTPUT_DIR]`` from the repository (needs ``chromium``,
``soffice`` and ``pdftoppm`` on PATH: ``apt-get install chromium libreoffice-calc
poppler-utils``). It writes the sample's reports with ``csi analyze``, then

- renders the HTML at a phone width (390 × 844) and a desktop width (1366 × 768), fails on any
  browser console message (a blocked resource, a CSP violation, a script error), and fails
  unless the action list is visible above the fold on both: the first action's tier label is
  drawn in the "fix first" colour, so that colour must appear in the viewport screenshot;
- converts the xlsx to PDF with LibreOffice, fails unless the first page shows the action
  list, and renders that page to PNG.

The screenshots (``phone.png``, ``desktop.png``, ``xlsx-page1.png``) are left in OUTPUT_DIR
(default: a new temporary folder) for a person to look at. Exit code 0 when every check
passes, 1 otherwise. The test suite does not run this (CI has no browser); its browser-free
counterpart is ``tests/test_look.py``.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "survey.xlsx"
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 768)}
FIX_FIRST_RGB = (0xB0, 0x3A, 0x00)  # .actions .tier-1 .tier in csi_cli/render/html.py
TOLERANCE = 40


def main(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    html, xlsx = folder / "report.html", folder / "report.xlsx"
    for path in (html, xlsx):
        run([str(REPO / ".venv/bin/csi"), "analyze", str(SAMPLE), "-o", str(path)])
    failures = [*check_html(html, folder), *check_xlsx(xlsx, folder)]
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"screenshots in {folder}")
    return 1 if failures else 0


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)


def check_html(html: Path, folder: Path) -> list[str]:
    failures = []
    for name, (width, height) in VIEWPORTS.items():
        shot = folder / f"{name}.png"
        done = run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--enable-logging=stderr", "--v=0", f"--window-size={width},{height}",
             f"--screenshot={shot}", html.as_uri()]
        )  # fmt: skip
        console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
        failures += [f"{name}: console message: {line}" for line in console]
        found = colour_share(shot, FIX_FIRST_RGB)
        print(f"{name} {width}x{height}: {len(console)} console messages; 'fix first' colour "
              f"on {found:.3%} of the screen")  # fmt: skip
        if found == 0:
            failures.append(f"{name}: no 'fix first' action visible above the fold")
    return failures


def check_xlsx(xlsx: Path, folder: Path) -> list[str]:
    run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(xlsx)])
    pdf = xlsx.with_suffix(".pdf")
    first = run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"]).stdout
    run(["pdftoppm", "-r", "110", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(folder / "xlsx-page1")])  # fmt: skip
    print("xlsx page 1 (LibreOffice):\n" + "\n".join(first.splitlines()[:16]))
    if "What to act on first" not in first:
        return ["xlsx: the first page does not show the action list"]
    return []


def colour_share(png: Path, rgb: tuple[int, int, int]) -> float:
    """Share of the screenshot's pixels within :data:`TOLERANCE` of ``rgb``."""
    width, _, channels, rows = read_png(png)
    close = total = 0
    for row in rows:
        for x in range(0, width * channels, channels):
            total += 1
            close += all(abs(row[x + c] - rgb[c]) <= TOLERANCE for c in range(3))
    return close / max(total, 1)


def read_png(path: Path) -> tuple[int, int, int, list[bytes]]:
    """Width, height, channels and unfiltered rows of an 8-bit RGB/RGBA PNG (stdlib only)."""
    data = path.read_bytes()
    position, idat, header = 8, b"", b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    if depth != 8 or colour not in (2, 6):
        raise ValueError(f"{path}: only 8-bit RGB/RGBA PNGs are read here")
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            line[x] = (line[x] + _predict(kind, left, up, corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def _predict(kind: int, left: int, up: int, corner: int) -> int:
    if kind == 0:
        return 0
    if kind == 1:
        return left
    if kind == 2:
        return up
    if kind == 3:
        return (left + up) // 2
    estimate = left + up - corner  # Paeth
    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - corner))
    return (left, up, corner)[distances.index(min(distances))]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="csi-look-"))
    sys.exit(main(target))
