"""Response headers, request limits, the cookie-free CSRF check and an access log without IPs."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import time
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; "
    "object-src 'none'"
)
BASE_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: with no-referrer browsers send Origin: null on our own posts.
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    (b"x-frame-options", b"DENY"),
)
access_log = logging.getLogger("verder.access")
# Longest path and query we read. Ours are < 100 characters, but a mangled 10,000-character
# token must still get the ordinary 404 of a token that does not exist (safety.md).
MAX_URL_BYTES = 16384
# Total size of the request headers; browsers send 1-2 KB.
MAX_HEADER_BYTES = 16384
# Number of request headers; browsers send about 15.
MAX_HEADER_COUNT = 100


class BodyTooLarge(HTTPException):
    """The request body is over the limit; raised while reading, before any parsing."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class SiteMiddleware:
    """Sets the language, adds the safety headers, limits bodies and logs without IPs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        hsts_max_age: int,
        max_body_bytes: int,
        server_error: Callable[[Request], Response],
    ) -> None:
        self.app = app
        self.server_error = server_error
        self.max_body_bytes = max_body_bytes
        self.headers = list(BASE_HEADERS)
        if hsts_max_age:
            value = f"max-age={hsts_max_age}; includeSubDomains".encode()
            self.headers.append((b"strict-transport-security", value))
        self.page_headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            *self.headers,
            (b"cache-control", b"no-store"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        if scope["method"] == "GET" and not scope["query_string"]:
            page = _cached_page(scope)
            if page is not None and not _refuse_oversized(scope):
                await self._send_cached(send, *page, started=started)
                return
        prefix = scope["path"].split("/", 2)[1] if scope["path"].count("/") >= 1 else ""
        current_language.set(prefix if prefix in LANGUAGES else DEFAULT_LANGUAGE)
        status = 0
        limit = self.max_body_bytes
        declared = Headers(scope=scope).get("content-length", "")
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            # Refuse on the declared length first, so a large body is never read at all.
            if declared.isdigit() and int(declared) > limit:
                raise BodyTooLarge()
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge()
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"server"]
                names = {k for k, _ in headers}
                headers += [h for h in self.headers if h[0] not in names]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        too_long = _refuse_oversized(scope)
        if too_long:
            # Refused before routing; answered plainly, with the same safety headers.
            await _plain(send_with_headers, too_long)
            access_log.info("%s (refused) %d", _printable(scope["method"]), too_long)
            return
        try:
            if Headers(scope=scope).get("x-http-method-override") is not None:
                # Method overrides smuggle DELETE/PUT past proxies; we never honour them.
                scope = {**scope, "method": "X-OVERRIDE-REFUSED"}
            await self.app(scope, limited_receive, send_with_headers)
        except Exception as exc:
            # Handled here, inside the header wrapper, so even a 500 carries every safety header.
            access_log.error("unhandled %s", type(exc).__name__)
            if status:
                raise  # the response had started; nothing sensible can be sent any more
            await self.server_error(Request(scope))(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "(no route)"
            access_log.info(
                "%s %s %d %.1fms",
                _printable(scope["method"]),
                template,
                status,
                (time.perf_counter() - started) * 1000,
            )

    async def _send_cached(self, send: Send, route: str, body: bytes, *, started: float) -> None:
        """Send a page that depends only on its language, as its route answered it before."""
        headers = [(b"content-length", str(len(body)).encode()), *self.page_headers]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        access_log.info("GET %s 200 %.1fms", route, (time.perf_counter() - started) * 1000)


def _cached_page(scope: Scope) -> tuple[str, bytes] | None:
    """The cached page for this exact GET path, if its route has rendered it already."""
    # Before start-up has finished there are no services yet, and so no cached pages.
    parts = getattr(getattr(scope.get("app"), "state", None), "services", None)
    if parts is None:
        return None
    page: tuple[str, bytes] | None = parts.pages.lookup(scope)
    if page is None:
        return None
    # A method-override header is refused (405) by the ordinary path; never serve it a page.
    if any(name == b"x-http-method-override" for name, _ in scope["headers"]):
        return None
    return page


def _refuse_oversized(scope: Scope) -> int:
    """414 for an overlong URL, 431 for oversized headers, else 0."""
    if len(scope.get("raw_path", b"")) + len(scope.get("query_string", b"")) > MAX_URL_BYTES:
        return 414
    headers = scope["headers"]
    if (
        len(headers) > MAX_HEADER_COUNT
        or sum(len(k) + len(v) for k, v in headers) > MAX_HEADER_BYTES
    ):
        return 431
    return 0


async def _plain(send: Send, status: int) -> None:
    """A minimal text response, for requests refused before the app sees them."""
    body = f"{status}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _printable(text: str) -> str:
    """Escape control characters so one request is always one log line."""
    return text.encode("unicode_escape").decode("ascii")[:20]


# --- CSRF without cookies (safety.md "State-changing requests") ---------------------------------

FORM_TOKEN_SECONDS = 3600


def form_token(secret: bytes, purpose: str, now: float | None = None) -> str:
    """An HMAC of the form's purpose and the current hour."""
    hour = int((time.time() if now is None else now) // FORM_TOKEN_SECONDS)
    return _hour_token(secret, purpose, hour)


@functools.lru_cache(maxsize=64)
def _hour_token(secret: bytes, purpose: str, hour: int) -> str:
    # Cached: every result page carries two, and they change once an hour.
    digest = hmac.new(secret, f"{purpose}:{hour}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def form_token_valid(secret: bytes, purpose: str, token: str, now: float | None = None) -> bool:
    """True for a token of this hour or the last one."""
    t = time.time() if now is None else now
    return any(
        hmac.compare_digest(token.encode(), form_token(secret, purpose, t - back).encode())
        for back in (0, FORM_TOKEN_SECONDS)
    )


def csrf_verdict(
    headers: Headers, token: str | None, *, secret: bytes, purpose: str, now: float | None = None
) -> str:
    """'ok', 'cross_site' (a foreign page posted) or 'stale' (an old form without metadata)."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        # Browsers that send Fetch Metadata tell us the truth about where the post came from.
        return "ok" if site == "same-origin" else "cross_site"
    if token and form_token_valid(secret, purpose, token, now):
        return "ok"
    return "stale"
