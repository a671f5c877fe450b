"""The one Jinja environment: autoescape, strict undefined, gettext in the request's language."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from jinja2.ext import Extension
from jinja2.lexer import (
    TOKEN_LPAREN,
    TOKEN_NAME,
    TOKEN_PIPE,
    TOKEN_RPAREN,
    TOKEN_STRING,
    Token,
    TokenStream,
)
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from app import i18n, texts
from app.cards import contact_facts

APP_DIR = Path(__file__).resolve().parent
STATIC_DIR = APP_DIR / "static"


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A static asset held in memory under a name that changes with its content."""

    body: bytes
    media_type: str


def load_static() -> tuple[dict[str, str], dict[str, StaticFile]]:
    """Fingerprint every static file: logical name -> URL, and URL name -> file."""
    types = {
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".ico": "image/x-icon",
    }
    urls: dict[str, str] = {}
    files: dict[str, StaticFile] = {}
    paths = [p for p in sorted(STATIC_DIR.rglob("*")) if p.is_file() and p.suffix in types]
    # Stylesheets last: their url(...) references are rewritten to the fingerprinted names of
    # the files they point at, so a changed font also changes the stylesheet's own name.
    for path in sorted(paths, key=lambda p: p.suffix == ".css"):
        body = path.read_bytes()
        logical = path.relative_to(STATIC_DIR).as_posix()
        if path.suffix == ".css":
            body = _fingerprint_css_urls(body.decode("utf-8"), path, urls).encode("utf-8")
        digest = hashlib.sha256(body).hexdigest()[:10]
        hashed = f"{logical.rsplit('.', 1)[0]}.{digest}{path.suffix}"
        urls[logical] = f"/static/{hashed}"
        files[hashed] = StaticFile(body, types[path.suffix])
    return urls, files


_CSS_URL = re.compile(r"""url\((["']?)([^)"']+)\1\)""")


def _fingerprint_css_urls(css: str, path: Path, urls: dict[str, str]) -> str:
    """Point each relative url(...) in a stylesheet at the fingerprinted file."""

    def swap(match: re.Match[str]) -> str:
        target = (path.parent / match.group(2)).resolve().relative_to(STATIC_DIR).as_posix()
        if target not in urls:
            raise RuntimeError(f"{path.name}: url({match.group(2)}) names no static file")
        return f'url("{urls[target]}")'

    return _CSS_URL.sub(swap, css)


class FoldTranslations(Extension):
    """Puts the translation of every `_("constant")` into the template when it is compiled.

    Each language has its own compiled templates (an overlay environment), so a page's fixed
    sentences cost nothing per request: they become template text, like the HTML around them.
    Calls with arguments, ngettext and pgettext stay calls and are translated per request.
    """

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        """Rewrite `_ ( "text" )` as `"translation" | safe`, as the runtime call would return."""
        lang: str | None = getattr(self.environment, "verder_language", None)
        window: list[Token] = []
        for token in stream:
            window.append(token)
            if lang is not None and len(window) >= 4 and _is_constant_gettext(window[-4:]):
                name, _, text, _ = window[-4:]
                try:
                    # The runtime call (newstyle gettext) returns Markup(translation) % {}.
                    translated = i18n.translate(lang, text.value) % {}
                except (KeyError, TypeError, ValueError):
                    continue  # a stray % in the text: left to fail (or not) as the call would
                del window[-4:]
                window += [
                    Token(name.lineno, TOKEN_STRING, translated),
                    Token(name.lineno, TOKEN_PIPE, "|"),
                    Token(name.lineno, TOKEN_NAME, "safe"),
                ]
            while len(window) > 4:
                yield window.pop(0)
        yield from window


def _is_constant_gettext(tokens: list[Token]) -> bool:
    name, paren, text, close = tokens
    return (
        name.type == TOKEN_NAME
        and name.value == "_"
        and paren.type == TOKEN_LPAREN
        and text.type == TOKEN_STRING
        and close.type == TOKEN_RPAREN
    )


class LanguageTemplates(Jinja2Templates):
    """Starlette's templates, compiled once per language with the fixed sentences folded in."""

    def __init__(self, envs: dict[str, Environment], **kwargs: Any) -> None:
        super().__init__(env=envs[i18n.DEFAULT_LANGUAGE], **kwargs)
        self.envs = envs

    def get_template(self, name: str) -> Template:
        """The template `name` compiled for the request's language."""
        return self.envs[i18n.current_language.get()].get_template(name)


def build_templates(
    *, static_urls: dict[str, str], exit_url: str, result_days: int, public_url: str = ""
) -> Jinja2Templates:
    """Create the Environment once, one overlay per language, and wrap them for Starlette."""
    env = Environment(
        loader=FileSystemLoader(APP_DIR / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the code: no file-system check on every include and render.
        auto_reload=False,
    )
    env.policies["ext.i18n.trimmed"] = True
    # The callables read the language from a ContextVar on each call: never a shared locale.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext, npgettext=i18n.npgettext
    )
    env.globals.update(
        static=lambda name: static_urls[name],
        exit_url=exit_url,
        label=i18n.label,
        language_names=i18n.LANGUAGE_NAMES,
        language_homes=[(code, f"/{code}/") for code in i18n.LANGUAGES],
        result_days=result_days,
        questions=texts.QUESTIONS,
        kind_labels=texts.KIND_LABELS,
        error_titles=texts.ERROR_TITLES,
        error_messages=texts.ERROR_MESSAGES,
        rule_texts=texts.RULE_TEXTS,
        profile_titles=texts.PROFILE_TITLES,
        profile_when=texts.PROFILE_WHEN,
        clause_texts=texts.CLAUSE_TEXTS,
        need_labels=texts.NEED_LABELS,
        need_short=texts.NEED_SHORT,
        group_labels=texts.GROUP_LABELS,
        spoken_labels=texts.SPOKEN_LANGUAGE_LABELS,
        hidden_fields=hidden_fields,
        contact_facts=contact_facts,
        plan_when_titles=texts.PLAN_WHEN_TITLES,
    )
    # Babel's calendar is Gregorian only: Thai pages show CE years, on purpose and consistently.
    env.filters["long_date"] = lambda d: long_date(d, i18n.current_language.get())
    # Overlays share the globals and filters dict; each has its own compiled-template cache.
    envs = {lang: env.overlay(extensions=[FoldTranslations]) for lang in i18n.LANGUAGES}
    for lang, overlay in envs.items():
        overlay.verder_language = lang  # type: ignore[attr-defined]

    def page_context(request: Request) -> dict[str, Any]:
        """Variables every page needs: its language and the same page in every language."""
        path = request.scope["path"]  # not request.url, which builds the whole URL first
        rest = path.split("/", 2)[2] if path.count("/") >= 2 else ""
        return {
            "lang": i18n.current_language.get(),
            "alternates": [(code, f"/{code}/{rest}") for code in i18n.LANGUAGES],
            # Search engines want hreflang links absolute: the head puts this base in front.
            "site_url": origin(request.scope, public_url),
            "path": path,
        }

    return LanguageTemplates(envs, context_processors=[page_context])


def hidden_fields(pairs: Any) -> Markup:
    """Hidden inputs carrying `pairs`; built in Python because a page repeats them up to 5 times."""
    return Markup(  # noqa: S704 - every name and value is escaped here
        "".join(
            f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">\n'
            for name, value in pairs
        )
    )


@functools.lru_cache(maxsize=4096)
def long_date(day: date, lang: str) -> str:
    """A date written out in `lang`; cached, since Babel's formatting is slow and dates repeat."""
    return format_date(day, "long", locale=lang)


# A Host header goes into absolute links only when it looks like a host name (and port).
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?")


def origin(scope: Any, public_url: str) -> str:
    """The site's base for absolute links: VERDER_PUBLIC_URL, else the request's own origin."""
    if public_url:
        return public_url.rstrip("/")
    host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
    if not _HOST.fullmatch(host):
        server = scope.get("server")
        if not server:
            host = "localhost"
        else:
            host = server[0] if server[1] in (80, 443) else f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"


class PageCache:
    """Pages that depend only on their language (and origin) are rendered once and reused.

    Their content changes only with the code, the translations or the catalogue, all of which
    are fixed for the life of the process; so the cache never needs invalidating.
    """

    # Pages carry absolute links, so without VERDER_PUBLIC_URL they differ by Host header;
    # pages are kept for this many hosts at most, so that made-up hosts cannot fill memory.
    MAX_ORIGINS = 4

    def __init__(self, templates: Jinja2Templates, public_url: str = "") -> None:
        self.templates = templates
        self.public_url = public_url
        self._bodies: dict[tuple[str, str, str], bytes] = {}
        self._origins: set[str] = set()
        # (origin, exact path) -> (route template, body) of pages served once through their
        # route: SiteMiddleware answers later GETs of that path from here, without routing.
        self.by_path: dict[tuple[str, str], tuple[str, bytes]] = {}

    def lookup(self, scope: Any) -> tuple[str, bytes] | None:
        """The page already rendered for this GET's origin and exact path, if any."""
        return self.by_path.get((origin(scope, self.public_url), scope["path"]))

    def response(
        self, request: Request, name: str, context: Callable[[], dict[str, Any]]
    ) -> Response:
        """The page `name` for the request's language; `context` is called on first render only."""
        base = origin(request.scope, self.public_url)
        key = (name, i18n.current_language.get(), base)
        body = self._bodies.get(key)
        if body is None:
            body = bytes(self.templates.TemplateResponse(request, name, context()).body)
            if base not in self._origins and len(self._origins) >= self.MAX_ORIGINS:
                return Response(body, media_type="text/html; charset=utf-8")
            self._origins.add(base)
            self._bodies[key] = body
        route = request.scope.get("route")
        if request.method == "GET" and not request.scope["query_string"] and route is not None:
            # Only a bare GET: a query string may change the page (home's ?deleted=1).
            self.by_path[(base, request.scope["path"])] = (route.path, body)
        return Response(body, media_type="text/html; charset=utf-8")
