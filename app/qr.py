"""QR codes drawn on the server as inline SVG, so they work without JavaScript."""

from __future__ import annotations

import functools
import itertools

import zxingcpp
from markupsafe import Markup, escape

# Light modules around the code, as the QR standard asks, so any camera finds its edges.
QUIET_ZONE = 4
# Screen pixels per module.
SCALE = 4
DARK = "#1b1b1b"
# In zxing-cpp's image a dark module is 0 and a light one 255.
_DARK_IS_ONE = bytes.maketrans(b"\x00\xff", b"\x01\x00")
# One fixed mask instead of trying all eight for the lowest penalty: the encoder then takes
# ~0.07 ms instead of ~0.4. Any mask gives a valid code that every reader decodes (an earlier
# segno version of this module used mask 0 too); error level M leaves room for a poor camera.
# The leading comma is deliberate: zxing-cpp 3.1 skips the first entry of the options string.
MASK = 0
_OPTIONS = f",dataMask={MASK}"


def qr_svg(url: str, *, title: str) -> Markup:
    """An inline SVG QR code of `url`, with a title for screen readers."""
    # zxing-cpp (C++) encodes in ~0.07 ms where pure-Python segno took ~4 ms. Not cached:
    # the code is the token, and a deleted result must leave nothing behind in memory.
    try:
        code = zxingcpp.create_barcode(
            url, zxingcpp.BarcodeFormat.QRCode, ec_level="M", options=_OPTIONS
        )
    except ValueError:
        # A zxing-cpp that refuses the options string: the encoder's own choice of mask.
        code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]
    width = image.shape[1] if image.shape else 0
    # One square per dark module, picked in C (compress over the pixels) rather than a Python
    # loop over runs, which cost more than the encoding itself.
    dark = "".join(itertools.compress(_squares(width), image.tobytes().translate(_DARK_IS_ONE)))
    side = width + 2 * QUIET_ZONE
    # Attributes only (no style=), so the strict CSP holds; crispEdges keeps the squares from
    # showing seams between them when scaled.
    return Markup(  # noqa: S704 - our own markup; the title is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="qr" '
        f'viewBox="0 0 {side} {side}" width="{side * SCALE}" height="{side * SCALE}">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{side}" height="{side}" fill="#ffffff"/>'
        f'<path class="qrline" fill="{DARK}" shape-rendering="crispEdges" d="{dark}"/></svg>'
    )


@functools.lru_cache(maxsize=8)
def _squares(width: int) -> tuple[str, ...]:
    """The path of every module's square of a `width`-wide code, row by row."""
    return tuple(
        f"M{x + QUIET_ZONE} {y + QUIET_ZONE}h1v1h-1z" for y in range(width) for x in range(width)
    )
