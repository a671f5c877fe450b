"""The QR code on a saved page is a readable code of exactly its link."""

from __future__ import annotations

import re

import pytest
import zxingcpp

from app.qr import MASK, qr_svg

LINK = "https://verder.example.nl/th/r/" + "Ab_-9" * 8 + "xyz"


def _read(svg: str) -> zxingcpp.Barcode | None:
    """Draw the SVG's rectangles into a bitmap, as a camera would see it, and read it back."""
    side = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    scale = 4
    pixels = bytearray(b"\xff" * (side * scale) ** 2)
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", svg):
        for row in range(int(y) * scale, (int(y) + 1) * scale):
            start = row * side * scale + int(x) * scale
            pixels[start : start + int(n) * scale] = b"\x00" * (int(n) * scale)
    image = memoryview(pixels).cast("B", (side * scale, side * scale))
    return zxingcpp.read_barcode(image)


def _decode(svg: str) -> str | None:
    """The text a reader finds in the drawn code."""
    result = _read(svg)
    return result.text if result else None


@pytest.mark.parametrize(
    "link", [LINK, LINK.replace("/th/", "/nl/"), "http://127.0.0.1:8000/en/r/x"]
)
def test_the_code_reads_back_as_the_link(link: str) -> None:
    assert _decode(str(qr_svg(link, title="QR"))) == link


def test_links_of_every_length_a_site_may_have_read_back() -> None:
    # Each length needs its own version (size) of code; the mask is the same for all.
    for extra in range(0, 240, 7):
        link = "https://" + "v" * extra + ".example.nl/nl/r/" + "Ab_-9" * 8 + "xyz"
        assert _decode(str(qr_svg(link, title="QR"))) == link, len(link)


def test_the_code_uses_the_fixed_mask_instead_of_searching_all_eight() -> None:
    # If a new zxing-cpp ignored the option, the code would still be right but 5x slower.
    found = _read(str(qr_svg(LINK, title="QR")))
    assert found is not None
    assert found.extra["DataMask"] == MASK


def test_the_code_has_a_quiet_zone_a_title_and_no_style_attribute() -> None:
    svg = str(qr_svg(LINK, title='Code of "this" <link>'))
    assert "<title>Code of &#34;this&#34; &lt;link&gt;</title>" in svg
    assert "style=" not in svg, "the CSP forbids inline styles"
    xs = [int(x) for x in re.findall(r"M(\d+) ", svg)]
    side = int(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    assert min(xs) == 4 and max(xs) < side - 4
