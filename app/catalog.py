"""Load and validate the provider catalogue (data/*.yaml) into frozen, indexed objects."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Annotated, Any, BinaryIO, Literal

import pydantic
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from app.matching import types as contract
from app.matching.places import build_place_index, resolve_place

# The site's languages: every translated text in the catalogue must have these.
REQUIRED_TEXT_LANGUAGES = ("nl", "en", "th")


class CatalogError(Exception):
    """A catalogue file that cannot be used; the message names file, record and field."""


# --- A YAML reader that refuses every surprise ----------------------------------------------

# What YAML 1.1 turns into booleans or numbers although the author wrote text, e.g. `no`,
# `0612345678` or `010`. We refuse such plain scalars instead of guessing what was meant.
_YAML11_RETYPED = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE"
    r"|[-+]?(?:0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+|[0-9][0-9_]*)"
    r"|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
# Only YAML 1.2 core booleans, decimal integers, ISO dates and null are typed; all else is text.
_TRUE_FALSE = re.compile(r"^(?:true|false)$")
_DECIMAL = re.compile(r"^-?(?:0|[1-9][0-9]*)$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NULL = re.compile(r"^(?:~|null|)$")

# libyaml's C parser when PyYAML has it: the pure-Python scanner is ~20x slower at start-up.
_EventParser: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class _Refused:
    """A plain scalar we will not guess at, and why."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why


def _plain_value(text: str, plain_style: bool) -> Any:
    """What an untagged plain scalar means: true/false, a decimal int, a date, null or text."""
    if _TRUE_FALSE.match(text):
        return text[0] == "t"
    if _DECIMAL.match(text):
        try:
            return int(text)
        except ValueError:  # over Python's 4,300 digits
            return _Refused(f"a number of {len(text.lstrip('-'))} digits is too long")
    if _ISO_DATE.match(text):
        try:
            return date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        except ValueError as exc:
            return _Refused(f"{text!r} is not a valid date: {exc}")
    if _NULL.match(text):
        return None
    # Only plain style: a scalar quoted after the non-specific tag "!" is text as written.
    if plain_style and _YAML11_RETYPED.match(text):
        return _Refused(
            f"write {text!r} in quotes; YAML 1.1 readers take it for a boolean or a number"
        )
    return text


def _refuse_anchor_or_tag(event: Any) -> None:
    """Raise if the event is an alias, or carries an anchor or a tag other than "!"."""
    line = event.start_mark.line + 1
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        raise CatalogError(f"line {line}: anchors and aliases are not allowed")
    if getattr(event, "tag", None) not in (None, "!"):
        raise CatalogError(f"line {line}: YAML tags such as {event.tag} are not allowed")


_NO_KEY: Any = object()  # an open mapping waits for its next key
_DROPPED: Any = object()  # a refused value, or the value of a refused key

# (where in the constructor's order, line, what): the problem that will be reported.
_Problem = tuple[tuple[int, int, int, int], int, str]


def _earlier(
    problem: _Problem | None, level: int, order: int, is_key: bool, mark: Any, why: str
) -> _Problem:
    """Of two problems, the one PyYAML's constructor met first."""
    # It built level by level, each mapping's keys before its values. Reporting in its order
    # keeps the message for a file with several mistakes what it was.
    at = (level, order, 0 if is_key else 1, mark.index)
    if problem is None or at < problem[0]:
        return at, mark.line + 1, why
    return problem


# Called with each record (index, plain value, line) as soon as it is read; what it returns
# stays in the list of records in the plain value's place.
Take = Callable[[int, Any, int], Any]


class _Source:
    """A file's bytes for libyaml to read at once, without a copy of them as text."""

    # Error messages name where the YAML came from; as they always did.
    name = "<unicode string>"

    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    def read(self, size: int) -> bytes:
        """All the bytes at the first call (libyaml takes them `size` at a time), then none."""
        raw, self._raw = self._raw, b""
        return raw


def _parse_strict(raw: bytes, take: Take) -> Any:
    """The one YAML document in `raw` as plain values, each record passed through `take`."""
    parser = _EventParser(_Source(raw))
    try:
        return _build_document(parser.get_event, take)
    finally:
        parser.dispose()


def _build_document(next_event: Callable[[], Any], take: Take) -> Any:
    """Build the first document from libyaml's events in one pass, checking everything."""
    # One pass builds plain dicts, lists and scalars: no node tree, no constructor. Anchors,
    # aliases, tags and syntax errors are raised at once (an alias is never expanded); the
    # checks of values are collected and the first raised at the end, after the whole stream
    # was scanned for the former, so a lesser mistake never hides one of those.
    scalar_event, mapping_start, sequence_start = (
        yaml.ScalarEvent,
        yaml.MappingStartEvent,
        yaml.SequenceStartEvent,
    )
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    next_event()  # the stream's start
    if type(next_event()) is yaml.StreamEndEvent:
        return None  # no document: an empty file, or only comments
    meanings: dict[str, Any] = {}  # plain scalars by text: the same keys and flags recur
    problem: _Problem | None = None
    record_line = 0  # where the record being read started
    root_mark: Any = None
    opened = 0  # collections opened so far
    # The open collection is kept in local variables (faster to reach than an object's
    # attributes), those of its parents on a stack. The document goes into a list of its own.
    document: list[Any] = []
    items: Any = document
    is_map = False
    key: Any = _NO_KEY  # in a mapping: the key whose value comes next
    records = False  # it is the list of records: the value of the root mapping's first key
    level, order, mark = -1, -1, None  # how deep, how many opened before it, where it started
    stack: list[tuple[Any, bool, Any, bool, int, int, Any]] = []
    while True:
        event = next_event()
        kind = type(event)
        if kind is scalar_event:
            tag = event.tag
            if event.anchor is not None or (tag is not None and tag != "!"):
                _refuse_anchor_or_tag(event)
            value = event.value
            if tag is None and not event.style:  # plain: most keys, flags and dates
                try:
                    value = meanings[value]
                except KeyError:
                    meanings[value] = _plain_value(value, True)
                    value = meanings[value]
            elif event.implicit[0]:  # after the tag "!" libyaml marks even quoted text plain
                value = _plain_value(value, not event.style)
            # Else quoted or block text: a string as written.
            if type(value) is _Refused:
                is_key = is_map and key is _NO_KEY
                problem = _earlier(problem, level, order, is_key, event.start_mark, value.why)
                value = _DROPPED
            if records:
                record_line = event.start_mark.line + 1
            elif items is document:
                root_mark = event.start_mark
        elif kind is mapping_start or kind is sequence_start:
            tag = event.tag
            if event.anchor is not None or (tag is not None and tag != "!"):
                _refuse_anchor_or_tag(event)
            start = event.start_mark
            if records:
                record_line = start.line + 1
            elif items is document:
                root_mark = start
            stack.append((items, is_map, key, records, level, order, mark))
            first_value = level == 0 and is_map and not items and key is not _NO_KEY
            records = kind is sequence_start and first_value
            is_map = kind is mapping_start
            items = {} if is_map else []
            key = _NO_KEY
            level, order, mark = level + 1, opened, start
            opened += 1
            continue
        elif kind is mapping_end or kind is sequence_end:
            value, value_mark = items, mark
            items, is_map, key, records, level, order, mark = stack.pop()
        else:  # an alias, refused, or the document's end
            _refuse_anchor_or_tag(event)
            break
        # The finished value goes into its collection: as an item, as a key or as a value.
        if not is_map:
            items.append(take(len(items), value, record_line) if records else value)
        elif key is _NO_KEY:
            key = value
            if value is _DROPPED:
                continue
            if type(value) is dict or type(value) is list:
                why = "a key must be a single value, not a mapping or a list"
            elif value in items:
                why = f"duplicate key {value!r}"
            else:
                continue
            where = event.start_mark if kind is scalar_event else value_mark
            problem = _earlier(problem, level, order, True, where, why)
            key = _DROPPED
        else:
            if key is not _DROPPED:
                items[key] = value
            key = _NO_KEY
    # A second document is refused, but only after every event was checked for the above.
    event = next_event()
    if type(event) is not yaml.StreamEndEvent:
        second = event.start_mark
        while type(event) is not yaml.StreamEndEvent:
            _refuse_anchor_or_tag(event)
            event = next_event()
        raise yaml.composer.ComposerError(
            "expected a single document in the stream",
            root_mark,
            "but found another document",
            second,
        )
    if problem is not None:
        raise CatalogError(f"line {problem[1]}: {problem[2]}")
    return document[0]


def _read_yaml(path: Path, raw: bytes, take: Take) -> Any:
    """Parse one file's bytes strictly; each record passes through `take` as it is read."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise CatalogError(f"{path.name}: remove the byte-order mark (BOM) at the start")
    try:
        raw.decode("utf-8")  # checked here, for a clearer message than libyaml's
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path.name}: not UTF-8 (byte {exc.start})") from exc
    try:
        return _parse_strict(raw, take)
    except (CatalogError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path.name}: {exc}") from exc


# --- The schema --------------------------------------------------------------------------------

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f<>]+$", max_length=600)]
HttpsUrl = Annotated[
    str,
    StringConstraints(pattern=r"^https://[A-Za-z0-9.-]+(?:[/?#][^\s<>\"'`]*)?$", max_length=400),
]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 ()-]{1,19}$")]
Email = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}$")]
CbsCode = Annotated[str, StringConstraints(pattern=r"^GM[0-9]{4}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]

Need = Literal[contract.NEEDS]  # type: ignore[valid-type]
Profile = Literal[contract.PROFILES]  # type: ignore[valid-type]
Group = Literal[contract.GROUPS]  # type: ignore[valid-type]
Spoken = Literal[contract.LANGUAGES]  # type: ignore[valid-type]
Kind = Literal[contract.PROVIDER_KINDS]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _unique(values: list[Any], what: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"{what} lists a value twice")


class Translated(_Strict):
    """A text per language: the site's languages are required, more may follow."""

    texts: dict[LanguageCode, Text]

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, value: Any) -> Any:
        return {"texts": value} if isinstance(value, dict) else value

    @model_validator(mode="after")
    def _complete(self) -> Translated:
        missing = [lang for lang in REQUIRED_TEXT_LANGUAGES if lang not in self.texts]
        if missing:
            raise ValueError(f"missing translation: {', '.join(missing)}")
        return self

    def get(self, lang: str) -> str:
        """The text in `lang`, or in English when that language has none yet."""
        return self.texts.get(lang) or self.texts["en"]


class Contact(_Strict):
    """How to reach a provider; at least one way is required."""

    phone: Phone | None = None
    website: HttpsUrl | None = None
    email: Email | None = None
    chat: HttpsUrl | None = None
    address: Text | None = None
    hours: Translated | None = None
    # For a service reached through one's own municipality: how to find it, in words.
    how: Translated | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.phone or self.website or self.email or self.chat or self.how):
            raise ValueError("give at least a phone, website, email, chat or how")
        return self


class ProviderRecord(_Strict):
    """One organisation or service (product.md section 5)."""

    id: Slug
    name: Text
    kind: Kind
    regions: list[Slug]
    needs: list[Need]
    profiles: list[Profile]
    groups: list[Group] = []
    languages: list[Spoken]
    emergency: bool = False
    contact: Contact
    free: bool | None = None
    anonymous_possible: bool = False
    description: Translated
    source: HttpsUrl
    verified_on: date
    verified: bool = True
    note: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ProviderRecord:
        for name in ("regions", "needs", "profiles", "groups", "languages"):
            _unique(getattr(self, name), name)
        if not self.regions or not self.profiles:
            raise ValueError("regions and profiles may not be empty")
        if contract.NATIONAL in self.regions and len(self.regions) > 1:
            raise ValueError("regions: 'national' stands alone")
        if not self.verified and not self.note:
            raise ValueError("note: say what is unverified")
        return self


class MunicipalityRecord(_Strict):
    """A municipality, its official name and other names people use for it."""

    code: CbsCode
    name: Text
    province: Text
    aliases: list[Text] = []


class RegionRecord(_Strict):
    """A DUUP region: its central municipality and member municipalities."""

    id: Slug
    name: Translated
    centrumgemeente: CbsCode
    verified: bool
    note: Text | None = None
    source: HttpsUrl
    municipalities: list[MunicipalityRecord]

    @model_validator(mode="after")
    def _consistent(self) -> RegionRecord:
        if self.centrumgemeente not in {m.code for m in self.municipalities}:
            raise ValueError("centrumgemeente: not one of this region's municipalities")
        if not self.verified and not self.note:
            raise ValueError("note: say what is unverified")
        return self


# Plain values as compact UTF-8 JSON, dates as ISO text (which pydantic's JSON validator reads
# back as dates): as json.dumps would write them, in a third of the time.
_PLAIN_JSON: TypeAdapter[Any] = TypeAdapter(Any)


def _records(path: Path, raw: bytes, key: str, model: type[_Strict]) -> tuple[list[Any], bytearray]:
    """The validated records of one file, and each one's plain values as a line of JSON."""
    # Each record is validated as soon as it is read and only its JSON kept, so the plain
    # values of one record at a time are in memory, never those of the whole file. The first
    # invalid record is reported once the whole file was read: YAML errors come first.
    records: list[Any] = []
    # One growing buffer, not a small object per line: freed, it goes back to the system.
    lines = bytearray()
    invalid: str | None = None

    def take(i: int, item: Any, line: int) -> None:
        nonlocal invalid
        if invalid is not None:
            return
        try:
            records.append(model.model_validate(item))
        except ValidationError as exc:
            ident = item.get("id") if isinstance(item, dict) else None
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(record)"
            where = f"{path.name}, record {i + 1} (id {ident!r}, line {line})"
            invalid = f"{where}, field {field}: {first['msg']}"
            return
        lines.extend(_PLAIN_JSON.dump_json(item))
        lines.extend(b"\n")

    data = _read_yaml(path, raw, take)
    if not isinstance(data, dict) or set(data) != {key}:
        raise CatalogError(f"{path.name}: the file must hold one key, {key!r}, with a list")
    items = data[key]
    if not isinstance(items, list) or not items:
        raise CatalogError(f"{path.name}: {key!r} must be a non-empty list")
    if invalid is not None:
        raise CatalogError(invalid)
    return records, lines


# --- The loaded catalogue ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Catalog:
    """Everything the site knows about regions and providers, validated and indexed."""

    regions: dict[str, RegionRecord]
    providers: dict[str, ProviderRecord]
    municipalities: dict[str, MunicipalityRecord]
    municipality_region: dict[str, str]
    place_index: dict[str, str]
    match_catalogue: contract.MatchCatalogue
    version: str

    def resolve_municipality(self, text: str) -> str | None:
        """The CBS code for a code, name or alias; None when there is no such municipality."""
        return resolve_place(text, self.place_index)

    def provinces(self) -> list[tuple[str, list[MunicipalityRecord]]]:
        """Municipalities grouped by province, both sorted by name, for the place question."""
        by_province: dict[str, list[MunicipalityRecord]] = {}
        for m in self.municipalities.values():
            by_province.setdefault(m.province, []).append(m)
        return [
            (province, sorted(ms, key=lambda m: m.name.lstrip("'").casefold()))
            for province, ms in sorted(by_province.items())
        ]


def load_catalog(data_dir: Path, cache_dir: Path | None = None) -> Catalog:
    """Read, validate and index regions.yaml and providers.yaml; raise CatalogError if bad."""
    # A catalogue that passed every check before is read back from the validated-catalogue
    # cache (keyed by the files' bytes and this code): strict YAML loading costs seconds at
    # 10,000 providers. Any other is loaded strictly and cached once it has passed.
    cache_dir = cache_dir or CACHE_DIR
    regions_path, providers_path = data_dir / "regions.yaml", data_dir / "providers.yaml"
    for path in (regions_path, providers_path):
        if not path.is_file():
            raise CatalogError(f"{path}: file not found")
    # The garbage collector is paused while loading: the loader builds many objects that hold
    # no cycles, and with it on a large catalogue loads about twice as slowly.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        # Hashed in chunks, not held: on a warm start only the cache's records are in memory.
        key, version = _fingerprint(regions_path, providers_path)
        payload: list[bytes | bytearray] | None = None
        loaded = _read_cache(cache_dir, key)
        if loaded is None:
            # One read of each file: what is parsed, cached and versioned is the same bytes.
            regions_raw, providers_raw = regions_path.read_bytes(), providers_path.read_bytes()
            key, version = _fingerprint(io.BytesIO(regions_raw), io.BytesIO(providers_raw))
            loaded, payload = _strict_load(regions_path, regions_raw, providers_path, providers_raw)
            del regions_raw, providers_raw
        catalog = _build(*loaded, regions_path, providers_path, version)
    finally:
        if gc_was_on:
            gc.enable()
    if payload is not None:
        _write_cache(cache_dir, key, payload)
    return catalog


def catalogue_cache_path(data_dir: Path, cache_dir: Path | None = None) -> Path:
    """Where the validated-catalogue cache of the files now in `data_dir` lives (or would)."""
    key, _ = _fingerprint(data_dir / "regions.yaml", data_dir / "providers.yaml")
    return (cache_dir or CACHE_DIR) / f"{key}.json"


def _build(
    regions: list[RegionRecord],
    providers: list[ProviderRecord],
    regions_path: Path,
    providers_path: Path,
    version: str,
) -> Catalog:
    """Check what spans records (ids, regions, names) and index the catalogue."""
    region_ids = [r.id for r in regions]
    if len(set(region_ids)) != len(region_ids):
        raise CatalogError(f"{regions_path.name}: a region id is used twice")
    municipalities: dict[str, MunicipalityRecord] = {}
    municipality_region: dict[str, str] = {}
    for region in regions:
        for m in region.municipalities:
            if m.code in municipalities:
                raise CatalogError(f"{regions_path.name}: {m.code} is in two regions")
            municipalities[m.code] = m
            municipality_region[m.code] = region.id
    try:
        place_index = build_place_index(
            (m.code, m.name, m.aliases) for m in municipalities.values()
        )
    except ValueError as exc:
        raise CatalogError(f"{regions_path.name}: {exc}") from None

    by_id: dict[str, ProviderRecord] = {}
    for p in providers:
        if p.id in by_id:
            raise CatalogError(f"{providers_path.name}: provider id {p.id!r} is used twice")
        unknown = [r for r in p.regions if r != contract.NATIONAL and r not in region_ids]
        if unknown:
            raise CatalogError(
                f"{providers_path.name}, id {p.id!r}, field regions: unknown region {unknown[0]!r}"
            )
        by_id[p.id] = p

    # Most providers share their sets of regions, needs, profiles, groups and languages: one
    # frozenset per distinct value instead of five per provider (~10 MB at 10,000 providers).
    shared: dict[frozenset[str], frozenset[str]] = {}

    def one(values: list[str]) -> frozenset[str]:
        value = frozenset(values)
        return shared.setdefault(value, value)

    match_catalogue = contract.MatchCatalogue(
        providers=tuple(
            contract.Provider(
                id=p.id,
                kind=p.kind,
                regions=one(p.regions),
                needs=one(p.needs),
                profiles=one(p.profiles),
                groups=one(p.groups),
                languages=one(p.languages),
                emergency=p.emergency,
            )
            for p in providers
        ),
        municipality_region=municipality_region,
    )
    return Catalog(
        regions={r.id: r for r in regions},
        providers=by_id,
        municipalities=municipalities,
        municipality_region=municipality_region,
        place_index=place_index,
        match_catalogue=match_catalogue,
        version=version,
    )


# --- Strict loading ------------------------------------------------------------------------------


def _strict_load(
    regions_path: Path, regions_raw: bytes, providers_path: Path, providers_raw: bytes
) -> tuple[tuple[list[RegionRecord], list[ProviderRecord]], list[bytes | bytearray]]:
    """Every strict check on both files: the records, and the payload for the cache."""
    # In this process: the YAML is read in one pass, and each record's plain values are
    # dropped once validated, so no tree of the whole file ever inflates the worker.
    regions = _records(regions_path, regions_raw, "regions", RegionRecord)
    providers = _records(providers_path, providers_raw, "providers", ProviderRecord)
    return (regions[0], providers[0]), _payload(regions, providers)


def _payload(
    regions: tuple[list[Any], bytearray], providers: tuple[list[Any], bytearray]
) -> list[bytes | bytearray]:
    """The JSON lines of the records that passed, after a line with their counts, in parts."""
    counts = {"regions": len(regions[0]), "providers": len(providers[0])}
    return [_PLAIN_JSON.dump_json(counts), b"\n", regions[1], providers[1]]


# --- The validated-catalogue cache ---------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
# Where the cache goes when the caller names no folder (the site passes its setting).
CACHE_DIR = ROOT / "var" / "catalogue-cache"
# Caches of other catalogues (older data, test catalogues) kept besides the newest.
CACHE_KEEP = 4
_CACHE_FORMAT = 2

log = logging.getLogger("verder")

# What a payload that is not a whole, valid catalogue raises (ValidationError and JSON errors
# are ValueErrors; a missing count a KeyError or TypeError; a missing first line StopIteration).
_BAD_PAYLOAD = (ValueError, KeyError, TypeError, StopIteration)
_REGION_LIST = TypeAdapter(list[RegionRecord])
_PROVIDER_LIST = TypeAdapter(list[ProviderRecord])
# Records validated per call: the JSON of a few hundred at a time, not of the whole
# catalogue, is held at once (validating all at once costs ~20 MB more at the peak).
_CHUNK = 256


def _validate_payload(lines: Iterator[bytes]) -> tuple[list[RegionRecord], list[ProviderRecord]]:
    """The records of a payload's lines; raises ValueError when it is not a whole catalogue."""
    counts = json.loads(next(lines))
    regions = _validate_lines(lines, counts["regions"], _REGION_LIST)
    providers = _validate_lines(lines, counts["providers"], _PROVIDER_LIST)
    if next(lines, None) is not None:
        raise ValueError("more records than counted")
    return regions, providers


def _validate_lines(lines: Iterator[bytes], count: int, adapter: TypeAdapter[Any]) -> list[Any]:
    """The next `count` lines, each one record, validated by pydantic's JSON validator."""
    records: list[Any] = []
    while len(records) < count:
        chunk = list(islice(lines, min(_CHUNK, count - len(records))))
        if not chunk:
            raise ValueError("fewer records than counted")
        records += adapter.validate_json(b"[" + b",".join(chunk) + b"]")
    return records


def _fingerprint(regions: Path | BinaryIO, providers: Path | BinaryIO) -> tuple[str, str]:
    """The cache key (the files and what decides how they are read) and the catalogue version."""
    version = hashlib.sha256()  # of both files' bytes, as /healthz has always shown it
    key = hashlib.sha256(
        f"format {_CACHE_FORMAT} pydantic {pydantic.VERSION} pyyaml {yaml.__version__}".encode()
    )
    for code in (Path(__file__), Path(contract.__file__)):
        key.update(hashlib.sha256(code.read_bytes()).digest())
    for source in (regions, providers):
        # A digest per file, so bytes moved from one file to the other change the key.
        one = hashlib.sha256()
        with source.open("rb") if isinstance(source, Path) else source as stream:
            while chunk := stream.read(1 << 20):
                one.update(chunk)
                version.update(chunk)
        key.update(one.digest())
    return key.hexdigest(), version.hexdigest()[:12]


def _read_cache(
    cache_dir: Path, key: str
) -> tuple[list[RegionRecord], list[ProviderRecord]] | None:
    """The cached records for `key`, or None when missing, stale or corrupt (never raises)."""
    digest = hashlib.sha256()

    def hashed(lines: Iterator[bytes]) -> Iterator[bytes]:
        for line in lines:
            digest.update(line)
            yield line

    try:
        with (cache_dir / f"{key}.json").open("rb") as cached:
            header = json.loads(cached.readline())
            if header.get("format") != _CACHE_FORMAT or header.get("key") != key:
                return None
            # Read, hashed and validated line by line; used only if the whole hash matches.
            loaded = _validate_payload(hashed(cached))
        if header.get("sha256") != digest.hexdigest():
            return None
        return loaded
    except (OSError, AttributeError, *_BAD_PAYLOAD):
        return None


def _write_cache(cache_dir: Path, key: str, payload: list[bytes | bytearray]) -> None:
    """Store a payload that passed every check, in parts (never joined: no copy); never raises."""
    digest = hashlib.sha256()
    for part in payload:
        digest.update(part)
    header = {"format": _CACHE_FORMAT, "key": key, "sha256": digest.hexdigest()}
    tmp: Path | None = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # A temp file and a rename: readers, and other instances starting at once, only ever
        # see a whole file; the last of several identical writes wins.
        fd, name = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-", suffix=".json")
        tmp = Path(name)
        os.fchmod(fd, 0o644)  # public data; another user may run the site from it
        with os.fdopen(fd, "wb") as out:
            out.write(json.dumps(header).encode() + b"\n")
            out.writelines(payload)
        os.replace(tmp, cache_dir / f"{key}.json")
        _prune_cache(cache_dir, keep=f"{key}.json")
    except OSError as exc:  # a read-only or full disk: the site still starts, uncached
        log.warning("catalogue: cache not written (%s)", type(exc).__name__)
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _prune_cache(cache_dir: Path, keep: str) -> None:
    """Drop all but the newest caches, and temp files a crashed writer left behind."""
    files = []
    for path in cache_dir.iterdir():
        try:
            mtime = path.stat().st_mtime
            if path.name.startswith(".tmp-"):
                if time.time() - mtime > 3600:
                    path.unlink()
            elif path.suffix == ".json" and path.name != keep:
                files.append((mtime, path))
        except OSError:
            pass  # another instance pruned it first
    for _, path in sorted(files, reverse=True)[CACHE_KEEP - 1 :]:
        # A reader that has it open still reads it whole; one that comes later loads strictly.
        path.unlink(missing_ok=True)


def _main(argv: list[str] | None = None) -> int:
    """Check the catalogue and prepare its cache, so the site starts warm (`make run`)."""
    from app.settings import Settings  # only here: the library itself reads no settings

    args = sys.argv[1:] if argv is None else argv
    settings = Settings()
    data_dir = Path(args[0]) if args else settings.data_dir
    cache_dir = settings.catalogue_cache_dir
    started = time.perf_counter()
    try:
        catalog = load_catalog(data_dir, cache_dir)
    except CatalogError as exc:
        print(f"catalogue: {exc}", file=sys.stderr)
        return 1
    print(
        f"catalogue {catalog.version}: {len(catalog.providers)} providers, "
        f"{len(catalog.regions)} regions, ready in {time.perf_counter() - started:.1f} s "
        f"(cache {catalogue_cache_path(data_dir, cache_dir)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(_main())
