"""Load and validate the provider catalogue (data/*.yaml) into frozen, indexed objects."""

from __future__ import annotations

import gc
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, model_validator

from app.matching import types as contract
from app.matching.places import build_place_index, resolve_place

# The site's languages: every translated text in the catalogue must have these.
REQUIRED_TEXT_LANGUAGES = ("nl", "en", "th")


class CatalogError(Exception):
    """A catalogue file that cannot be used; the message names file, record and field."""


# --- A YAML loader that refuses every surprise -----------------------------------------------

# What YAML 1.1 turns into booleans or numbers although the author wrote text, e.g. `no`,
# `0612345678` or `010`. We refuse such plain scalars instead of guessing what was meant.
_YAML11_RETYPED = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE"
    r"|[-+]?(?:0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+|[0-9][0-9_]*)"
    r"|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


# libyaml's C parser when PyYAML has it: the pure-Python scanner is ~20x slower at start-up.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseEvents: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class _StrictLoader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader refusing duplicate keys and YAML 1.1 retyping (aliases, tags: checked first)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise CatalogError(f"line {key_node.start_mark.line + 1}: duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _refuse_aliases_and_tags(text: str) -> None:
    """Scan the events first, so an alias bomb is refused before anything is built."""
    for event in yaml.parse(text, Loader=_BaseEvents):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise CatalogError(f"line {line}: anchors and aliases are not allowed")
        if getattr(event, "tag", None) not in (None, "!"):
            raise CatalogError(f"line {line}: YAML tags such as {event.tag} are not allowed")


def _construct_plain_text(loader: _StrictLoader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    if not node.style and _YAML11_RETYPED.match(value):  # plain style: None, or "" from libyaml
        raise CatalogError(
            f"line {node.start_mark.line + 1}: write {value!r} in quotes; "
            "YAML 1.1 readers take it for a boolean or a number"
        )
    return str(value)


# Only YAML 1.2 core booleans, decimal integers, ISO dates and null are typed; all else is text.
_StrictLoader.yaml_implicit_resolvers = {}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^-?(?:0|[1-9][0-9]*)$"), list("-0123456789")
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp", re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), list("0123456789")
)
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|)$"), None)
_StrictLoader.add_constructor("tag:yaml.org,2002:str", _construct_plain_text)


def _read_yaml(path: Path) -> tuple[Any, dict[int, int]]:
    """Parse one file strictly; return the data and the line of each top-level list item."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise CatalogError(f"{path.name}: remove the byte-order mark (BOM) at the start")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path.name}: not UTF-8 (byte {exc.start})") from exc
    loader = _StrictLoader(text)
    try:
        _refuse_aliases_and_tags(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except CatalogError as exc:
        raise CatalogError(f"{path.name}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path.name}: {exc}") from exc
    finally:
        loader.dispose()
    lines: dict[int, int] = {}
    if isinstance(node, yaml.MappingNode) and node.value:
        items = node.value[0][1]
        if isinstance(items, yaml.SequenceNode):
            lines = {i: item.start_mark.line + 1 for i, item in enumerate(items.value)}
    return data, lines


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


def _records(path: Path, key: str, model: type[_Strict]) -> list[Any]:
    data, lines = _read_yaml(path)
    if not isinstance(data, dict) or set(data) != {key}:
        raise CatalogError(f"{path.name}: the file must hold one key, {key!r}, with a list")
    items = data[key]
    if not isinstance(items, list) or not items:
        raise CatalogError(f"{path.name}: {key!r} must be a non-empty list")
    records = []
    for i, item in enumerate(items):
        ident = item.get("id") if isinstance(item, dict) else None
        where = f"{path.name}, record {i + 1} (id {ident!r}, line {lines.get(i, '?')})"
        try:
            records.append(model.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(record)"
            raise CatalogError(f"{where}, field {field}: {first['msg']}") from None
    return records


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


def load_catalog(data_dir: Path) -> Catalog:
    """Read, validate and index regions.yaml and providers.yaml; raise CatalogError if bad."""
    regions_path, providers_path = data_dir / "regions.yaml", data_dir / "providers.yaml"
    for path in (regions_path, providers_path):
        if not path.is_file():
            raise CatalogError(f"{path}: file not found")
    # The loader builds many short-lived objects that hold no cycles: with the garbage
    # collector paused it runs about twice as fast on a large catalogue.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        regions: list[RegionRecord] = _records(regions_path, "regions", RegionRecord)
        providers: list[ProviderRecord] = _records(providers_path, "providers", ProviderRecord)
    finally:
        if gc_was_on:
            gc.enable()

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

    match_catalogue = contract.MatchCatalogue(
        providers=tuple(
            contract.Provider(
                id=p.id,
                kind=p.kind,
                regions=frozenset(p.regions),
                needs=frozenset(p.needs),
                profiles=frozenset(p.profiles),
                groups=frozenset(p.groups),
                languages=frozenset(p.languages),
                emergency=p.emergency,
            )
            for p in providers
        ),
        municipality_region=municipality_region,
    )
    digest = hashlib.sha256(regions_path.read_bytes() + providers_path.read_bytes())
    return Catalog(
        regions={r.id: r for r in regions},
        providers=by_id,
        municipalities=municipalities,
        municipality_region=municipality_region,
        place_index=place_index,
        match_catalogue=match_catalogue,
        version=digest.hexdigest()[:12],
    )
