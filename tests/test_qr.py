"""The QR code on a saved page is a readable code of exactly its link."""

from __future__ import annotations

import re

import pytest
import zxingcpp

from app.qr import qr_svg

LINK = "https://verder.example.nl/th/r/" + "Ab_-9" * 8 + "xyz"


def _decode(svg: str) -> str | None:
    """Draw the SVG's rectangles into a bitmap, as a camera would see it, and read it back."""
    side = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    scale = 4
    pixels = bytearray(b"\xff" * (side * scale) ** 2)
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", svg):
        for row in range(int(y) * scale, (int(y) + 1) * scale):
            start = row * side * scale + int(x) * scale
            pixels[start : start + int(n) * scale] = b"\x00" * (int(n) * scale)
    image = memoryview(pixels).cast("B", (side * scale, side * scale))
    result = zxingcpp.read_barcode(image)
    return result.text if result else None


@pytest.mark.parametrize(
    "link", [LINK, LINK.replace("/th/", "/nl/"), "http://127.0.0.1:8000/en/r/x"]
)
def test_the_code_reads_back_as_the_link(link: str) -> None:
    assert _decode(str(qr_svg(link, title="QR"))) == link


def test_the_code_has_a_quiet_zone_a_title_and_no_style_attribute() -> None:
    svg = str(qr_svg(LINK, title='Code of "this" <link>'))
    assert "<title>Code of &#34;this&#34; &lt;link&gt;</title>" in svg
    assert "style=" not in svg, "the CSP forbids inline styles"
    xs = [int(x) for x in re.findall(r"M(\d+) ", svg)]
    side = int(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    assert min(xs) == 4 and max(xs) < side - 4
