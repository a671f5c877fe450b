"""Read urlencoded form bodies strictly: right content type, valid UTF-8, bounded field count."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException
from starlette.requests import Request

# The questionnaire has 13 questions and about 50 possible values; no honest form sends more.
MAX_FIELDS = 120


async def read_form(request: Request) -> list[tuple[str, str]]:
    """The body's field/value pairs; 415 for another content type, 400 for broken encoding."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()  # bounded by SiteMiddleware before we get here
    if not body and not content_type:
        return []  # a form without fields, e.g. a delete button on its own
    if content_type != "application/x-www-form-urlencoded":
        raise HTTPException(status_code=415)
    try:
        return parse_qsl(
            body.decode("ascii"),
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        # Non-ASCII raw bytes, invalid UTF-8 behind %-escapes, or too many fields.
        raise HTTPException(status_code=400) from None


def single(pairs: list[tuple[str, str]], name: str) -> str | None:
    """The one value of a control field; HTTP 400 when it is sent more than once."""
    values = [v for k, v in pairs if k == name]
    if len(values) > 1:
        raise HTTPException(status_code=400)
    return values[0] if values else None
