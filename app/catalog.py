"""Load and validate the provider catalogue (data/) into frozen, indexed objects.

The catalogue is `data/regions.yaml` (the 18 regions and their municipalities) and one file per
region plus `national.yaml` in `data/providers/`. Every record is validated on its own, so an
error names its file, record, line and field; a bad catalogue never half-loads.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    model_serializer,
    model_validator,
)

from app.i18n import LANGUAGES as SITE_LANGUAGES
from app.matching import types as contract
from app.matching.places import build_place_index, resolve_place
from app.strict_yaml import Document, YamlError, line_of

PROVIDERS_DIR = "providers"
NATIONAL_FILE = "national"
# The name of every municipality's own help desk, made from the municipality's name.
MUNICIPALITY_PLACEHOLDER = "{municipality}"


class CatalogError(Exception):
    """A catalogue file that cannot be used; the message names file, record, line and field."""


# --- The schema --------------------------------------------------------------------------------

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f<>]+$", max_length=600)]
# The ids of the records made from municipal_contacts; no hand-written record may use it.
MUNICIPAL_DESK_PREFIX = "gemeente-"
# A maintainer's note names its sources and what is unverified, so it may run longer.
Note = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f<>]+$", max_length=1200)]
HttpsUrl = Annotated[
    str,
    StringConstraints(pattern=r"^https://[A-Za-z0-9.-]+(?:[/?#][^\s<>\"'`]*)?$", max_length=400),
]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 ()-]{1,19}$")]
Email = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}$")]
CbsCode = Annotated[str, StringConstraints(pattern=r"^GM[0-9]{4}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
# Opening hours as "09:00-17:00", in Europe/Amsterdam time.
TimeRange = Annotated[
    str,
    StringConstraints(pattern=r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]-(?:[01][0-9]|2[0-4]):[0-5][0-9]$"),
]

Need = Literal[contract.NEEDS]  # type: ignore[valid-type]
Profile = Literal[contract.PROFILES]  # type: ignore[valid-type]
Group = Literal[contract.GROUPS]  # type: ignore[valid-type]
Spoken = Literal[contract.LANGUAGES]  # type: ignore[valid-type]
Kind = Literal[contract.PROVIDER_KINDS]  # type: ignore[valid-type]
T = TypeVar("T")


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _unique(values: list[Any], what: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"{what} lists a value twice")


class Translated(StrictModel):
    """A text per language: the site's languages are required, more may follow."""

    texts: dict[LanguageCode, Text]

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, value: Any) -> Any:
        return {"texts": value} if isinstance(value, dict) else value

    @model_validator(mode="after")
    def _complete(self) -> Translated:
        missing = [lang for lang in SITE_LANGUAGES if lang not in self.texts]
        if missing:
            raise ValueError(f"missing translation: {', '.join(missing)}")
        return self

    def get(self, lang: str) -> str:
        """The text in `lang`, or in English when that language has none yet."""
        return self.texts.get(lang) or self.texts["en"]

    @model_serializer
    def _dump(self) -> dict[str, str]:
        # Written out as the data file has it, {language: text}, in the API and the export.
        return dict(self.texts)


class Contact(StrictModel):
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

    def reachable(self) -> bool:
        """Whether a person can reach the service directly: a phone, website, chat or e-mail."""
        return bool(self.phone or self.website or self.email or self.chat)

    def in_language(self, lang: str) -> dict[str, str]:
        """The ways to reach it, with the texts (hours, how) in `lang`: for the API."""
        return {
            name: value.get(lang) if isinstance(value, Translated) else value
            for name, value in self
            if value
        }


class Opening(StrictModel):
    """Opening hours as data, in Europe/Amsterdam time, with the source they come from."""

    source: HttpsUrl
    always: bool = False  # 24 hours a day, 7 days a week
    mon: list[TimeRange] = []
    tue: list[TimeRange] = []
    wed: list[TimeRange] = []
    thu: list[TimeRange] = []
    fri: list[TimeRange] = []
    sat: list[TimeRange] = []
    sun: list[TimeRange] = []
    holidays: Literal["closed", "open", "unknown"] = "unknown"

    @model_validator(mode="after")
    def _consistent(self) -> Opening:
        days = [self.mon, self.tue, self.wed, self.thu, self.fri, self.sat, self.sun]
        if self.always == any(days):
            raise ValueError("give either always: true or the hours of the days it is open")
        for ranges in days:
            for span in ranges:
                start, end = span.split("-")
                if end <= start:
                    raise ValueError(f"{span}: the end comes before the start")
        return self


class Fact(StrictModel, Generic[T]):
    """One thing known about a first contact, with the page that says so."""

    value: T
    source: HttpsUrl
    says: Text | None = None  # what the source says, in short, for the maintainer


class BeforeContact(StrictModel):
    """What happens when she contacts the service; each fact only where a source states it."""

    anonymous: Fact[Literal["anonymous", "other_name", "name_needed"]] | None = None
    asks: Fact[list[Literal["name", "bsn", "id_document", "address"]]] | None = None
    passes_on: (
        Fact[Literal["only_with_consent", "only_in_danger", "may_pass_on", "is_authority"]] | None
    ) = None
    free: Fact[bool] | None = None
    interpreter: Fact[bool] | None = None
    companion: Fact[bool] | None = None
    first_contact: (
        Fact[
            list[
                Literal[
                    "phone", "call_back", "appointment", "walk_in", "chat", "email", "online_form"
                ]
            ]
        ]
        | None
    ) = None


class ProviderRecord(StrictModel):
    """One organisation or service (product.md section 5)."""

    id: Slug
    name: Text
    kind: Kind
    regions: list[Slug]
    # Only for people in these municipalities (a municipality's own desk); empty: the regions.
    municipalities: list[CbsCode] = []
    needs: list[Need]
    profiles: list[Profile]
    groups: list[Group] = []
    languages: list[Spoken]
    emergency: bool = False
    # Help for victims of crime, violence or trafficking: shown only when the answers call for it.
    for_victims: bool = False
    # Its sources speak only of women (a women's house, a programme for women): not for men.
    women_only: bool = False
    contact: Contact
    opening: Opening | None = None
    before_contact: BeforeContact | None = None
    free: bool | None = None
    anonymous_possible: bool = False
    description: Translated
    source: HttpsUrl
    verified_on: date
    verified: bool = True
    note: Note | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ProviderRecord:
        for name in ("regions", "municipalities", "needs", "profiles", "groups", "languages"):
            _unique(getattr(self, name), name)
        if not self.regions or not self.profiles:
            raise ValueError("regions and profiles may not be empty")
        if contract.NATIONAL in self.regions and len(self.regions) > 1:
            raise ValueError("regions: 'national' stands alone")
        if self.kind == "national_line" and self.regions != [contract.NATIONAL]:
            raise ValueError("regions: a national line serves ['national']")
        if self.municipalities and contract.NATIONAL in self.regions:
            raise ValueError("municipalities: a national service serves every municipality")
        if not self.verified and not self.note:
            raise ValueError("note: say what is unverified")
        if self.women_only and "men" in self.groups:
            raise ValueError("groups: a service only for women cannot name men")
        return self

    def is_municipal_desk(self) -> bool:
        """Whether this is a municipality's own desk, made from its register entry."""
        return self.id.startswith(MUNICIPAL_DESK_PREFIX)


class MunicipalService(StrictModel):
    """What every municipality's own desk offers: one record, made for each municipality."""

    name: Text  # with {municipality} where the municipality's name goes
    kind: Literal["regular"]
    needs: list[Need]
    profiles: list[Profile]
    languages: list[Spoken]
    free: bool | None = None
    description: Translated
    source: HttpsUrl
    verified_on: date
    note: Note | None = None

    @model_validator(mode="after")
    def _named(self) -> MunicipalService:
        if self.name.count(MUNICIPALITY_PLACEHOLDER) != 1:
            raise ValueError(f"name: write {MUNICIPALITY_PLACEHOLDER} once, for the name")
        return self


class MunicipalContact(StrictModel):
    """One municipality's general contact, as its register entry gives it."""

    code: CbsCode
    phone: Phone | None = None
    website: HttpsUrl | None = None
    email: Email | None = None
    address: Text | None = None
    registered_on: date  # the register's own "checked on" date for this entry

    @model_validator(mode="after")
    def _reachable(self) -> MunicipalContact:
        if not (self.phone or self.website or self.email):
            raise ValueError("give at least a phone, website or email")
        return self


class MunicipalContacts(StrictModel):
    """The municipalities' contacts in one region file, all from one register."""

    source: HttpsUrl
    verified_on: date
    note: Note | None = None
    contacts: list[MunicipalContact]


class MunicipalityRecord(StrictModel):
    """A municipality, its official name and other names people use for it."""

    code: CbsCode
    name: Text
    province: Text
    aliases: list[Text] = []


class RegionRecord(StrictModel):
    """A DUUP region: its central municipality and member municipalities."""

    id: Slug
    name: Translated
    centrumgemeente: CbsCode
    verified: bool
    note: Note | None = None
    source: HttpsUrl
    municipalities: list[MunicipalityRecord]

    @model_validator(mode="after")
    def _consistent(self) -> RegionRecord:
        if self.centrumgemeente not in {m.code for m in self.municipalities}:
            raise ValueError("centrumgemeente: not one of this region's municipalities")
        if not self.verified and not self.note:
            raise ValueError("note: say what is unverified")
        return self


# --- The loaded catalogue ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was read: its file (relative to data/) and line."""

    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Catalog:
    """Everything the site knows about regions and providers, validated and indexed."""

    regions: dict[str, RegionRecord]
    providers: dict[str, ProviderRecord]
    municipalities: dict[str, MunicipalityRecord]
    municipality_region: dict[str, str]
    place_index: dict[str, str]
    # Per region, the one exit programme or PMW shown as the place to start.
    start_here: dict[str, str]
    origins: dict[str, Origin]
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


@dataclass
class _ProviderFile:
    """What one file of data/providers/ holds, validated record by record."""

    name: str  # relative to data/, e.g. "providers/utrecht.yaml"
    region: str
    start_here: str | None
    service: MunicipalService | None
    contacts: MunicipalContacts | None
    records: list[tuple[ProviderRecord, int]]


def load_catalog(data_dir: Path) -> Catalog:
    """Read, validate and index data/regions.yaml and data/providers/*.yaml."""
    regions_path = data_dir / "regions.yaml"
    providers_dir = data_dir / PROVIDERS_DIR
    if not regions_path.is_file():
        raise CatalogError(f"{regions_path}: file not found")
    paths = sorted(providers_dir.glob("*.yaml")) if providers_dir.is_dir() else []
    if not any(p.stem == NATIONAL_FILE for p in paths):
        raise CatalogError(f"{providers_dir / (NATIONAL_FILE + '.yaml')}: file not found")
    version = hashlib.sha256()
    raw = regions_path.read_bytes()
    version.update(raw)
    regions = _read_regions(raw)
    files = []
    for path in paths:
        raw = path.read_bytes()
        version.update(path.name.encode() + b"\0" + raw)
        files.append(_read_provider_file(f"{PROVIDERS_DIR}/{path.name}", path.stem, raw))
    return _build(regions, files, version.hexdigest()[:12])


def read_list_file(path: Path, key: str, model: type[Any]) -> list[Any]:
    """Another data file in the catalogue's strict format: a top-level `key` holding a
    non-empty list of records of `model`; errors name the file, record, line and field."""
    file = path.name
    if not path.is_file():
        raise CatalogError(f"{file}: file not found")
    pairs = _document(file, path.read_bytes())
    _keys(file, pairs, {key}, {key})
    return [r for r, _ in _records(file, pairs[0][1], key, model)]


def _fail(file: str, exc: Exception) -> CatalogError:
    return CatalogError(f"{file}: {exc}")


def _validate(file: str, model: type[Any], value: Any, where: str) -> Any:
    """One record through its schema; a failure names file, record, line and first field."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(record)"
        raise CatalogError(f"{file}, {where}, field {field}: {first['msg']}") from None


def _document(file: str, raw: bytes) -> list[tuple[str, Any]]:
    try:
        doc = Document(raw)
        if doc.root is None:
            raise YamlError("the file is empty")
        return [(key, (doc, node)) for key, node in doc.mapping()]
    except YamlError as exc:
        raise _fail(file, exc) from None


def _value(file: str, doc_node: tuple[Document, Any]) -> Any:
    doc, node = doc_node
    try:
        return doc.value(node)
    except YamlError as exc:
        raise _fail(file, exc) from None


def _records(
    file: str, doc_node: tuple[Document, Any], key: str, model: type[Any], *, empty: bool = False
) -> list[tuple[Any, int]]:
    """The validated records of a top-level list, each with the line where it starts."""
    doc, node = doc_node
    items = getattr(node, "value", None)
    if node.id != "sequence" or not (items or empty):
        raise CatalogError(f"{file}: {key!r} must be a {'list' if empty else 'non-empty list'}")
    records = []
    for i, item in enumerate(items or []):
        line = line_of(item)
        value = _value(file, (doc, item))
        ident = value.get("id") if isinstance(value, dict) else None
        where = f"record {i + 1} (id {ident!r}, line {line})"
        records.append((_validate(file, model, value, where), line))
    return records


def _keys(file: str, pairs: list[tuple[str, Any]], required: set[str], allowed: set[str]) -> None:
    keys = {k for k, _ in pairs}
    if not required <= keys or not keys <= allowed:
        need = ", ".join(repr(k) for k in sorted(required))
        raise CatalogError(
            f"{file}: the file must hold {need}, and may hold only {sorted(allowed)}"
        )


def _read_regions(raw: bytes) -> list[RegionRecord]:
    file = "regions.yaml"
    pairs = _document(file, raw)
    _keys(file, pairs, {"regions"}, {"regions"})
    return [r for r, _ in _records(file, pairs[0][1], "regions", RegionRecord)]


def _read_provider_file(file: str, stem: str, raw: bytes) -> _ProviderFile:
    """One file of data/providers/: its region, start here, municipal contacts and records."""
    pairs = _document(file, raw)
    national = stem == NATIONAL_FILE
    optional = {"municipal_service"} if national else {"start_here", "municipal_contacts"}
    _keys(file, pairs, {"region", "providers"}, {"region", "providers", *optional})
    values = dict(pairs)
    region = _value(file, values["region"])
    if region != (contract.NATIONAL if national else stem):
        expected = contract.NATIONAL if national else stem
        raise CatalogError(f"{file}, field region: write {expected!r}, the file's own region")
    start_here = _value(file, values["start_here"]) if "start_here" in values else None
    if start_here is not None and not isinstance(start_here, str):
        raise CatalogError(f"{file}, field start_here: name one provider id")
    service = contacts = None
    if "municipal_service" in values:
        service = _validate(
            file, MunicipalService, _value(file, values["municipal_service"]), "municipal_service"
        )
    if "municipal_contacts" in values:
        contacts = _validate(
            file,
            MunicipalContacts,
            _value(file, values["municipal_contacts"]),
            "municipal_contacts",
        )
    # A region file may hold only its start here and the municipalities' contacts.
    records = _records(file, values["providers"], "providers", ProviderRecord, empty=not national)
    for record, line in records:
        if national and record.regions != [contract.NATIONAL]:
            raise CatalogError(
                f"{file}, id {record.id!r} (line {line}), field regions: national.yaml holds "
                "national services only"
            )
        if not national and region not in record.regions:
            raise CatalogError(
                f"{file}, id {record.id!r} (line {line}), field regions: a record in this file "
                f"serves {region!r}"
            )
    return _ProviderFile(file, region, start_here, service, contacts, records)


def _build(regions: list[RegionRecord], files: list[_ProviderFile], version: str) -> Catalog:
    """Check what spans records and files (ids, regions, start here) and index the catalogue."""
    region_ids = [r.id for r in regions]
    if len(set(region_ids)) != len(region_ids):
        raise CatalogError("regions.yaml: a region id is used twice")
    municipalities: dict[str, MunicipalityRecord] = {}
    municipality_region: dict[str, str] = {}
    for region in regions:
        for m in region.municipalities:
            if m.code in municipalities:
                raise CatalogError(f"regions.yaml: {m.code} is in two regions")
            municipalities[m.code] = m
            municipality_region[m.code] = region.id
    try:
        place_index = build_place_index(
            (m.code, m.name, m.aliases) for m in municipalities.values()
        )
    except ValueError as exc:
        raise CatalogError(f"regions.yaml: {exc}") from None

    by_id: dict[str, ProviderRecord] = {}
    origins: dict[str, Origin] = {}

    def add(record: ProviderRecord, origin: Origin) -> None:
        where = f"{origin.file}, id {record.id!r} (line {origin.line})"
        if record.id in by_id:
            first = origins[record.id]
            raise CatalogError(
                f"{where}: provider id used twice (also {first.file}, line {first.line})"
            )
        unknown = [r for r in record.regions if r != contract.NATIONAL and r not in region_ids]
        if unknown:
            raise CatalogError(f"{where}, field regions: unknown region {unknown[0]!r}")
        outside = [
            m for m in record.municipalities if municipality_region.get(m) not in record.regions
        ]
        if outside:
            raise CatalogError(f"{where}, field municipalities: {outside[0]} is not in its regions")
        by_id[record.id] = record
        origins[record.id] = Origin(origin.file, origin.line)

    service = next((f.service for f in files if f.service), None)
    seen_regions = {}
    for f in files:
        if f.region != contract.NATIONAL:
            if f.region not in region_ids:
                raise CatalogError(f"{f.name}, field region: unknown region {f.region!r}")
            seen_regions[f.region] = f.name
        for record, line in f.records:
            if record.id.startswith(MUNICIPAL_DESK_PREFIX):
                raise CatalogError(
                    f"{f.name}, id {record.id!r} (line {line}): ids starting with "
                    f"{MUNICIPAL_DESK_PREFIX!r} are made from municipal_contacts"
                )
            add(record, Origin(f.name, line))
    for f in files:
        if f.contacts is None:
            continue
        if service is None:
            raise CatalogError(
                f"{f.name}: municipal_contacts need a municipal_service in national.yaml"
            )
        for contact in f.contacts.contacts:
            if municipality_region.get(contact.code) != f.region:
                raise CatalogError(
                    f"{f.name}, municipal_contacts, field code: "
                    f"{contact.code} is not in {f.region!r}"
                )
            add(
                _municipal_record(service, f.contacts, contact, municipalities, f.region),
                Origin(f.name, 0),
            )

    start_here: dict[str, str] = {}
    for f in files:
        if f.region == contract.NATIONAL:
            continue
        if f.start_here is None:
            raise CatalogError(
                f"{f.name}, field start_here: name the region's exit programme or PMW"
            )
        hub = by_id.get(f.start_here)
        if hub is None or hub.kind not in contract.HUB_KINDS or f.region not in hub.regions:
            raise CatalogError(
                f"{f.name}, field start_here: {f.start_here!r} is not an exit programme or PMW "
                "that serves this region"
            )
        start_here[f.region] = f.start_here

    providers = list(by_id.values())
    # Most providers share their sets of regions, needs, profiles, groups and languages.
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
                municipalities=one(p.municipalities),
                needs=one(p.needs),
                profiles=one(p.profiles),
                groups=one(p.groups),
                languages=one(p.languages),
                emergency=p.emergency,
                for_victims=p.for_victims,
                women_only=p.women_only,
            )
            for p in providers
        ),
        municipality_region=municipality_region,
        start_here=start_here,
    )
    return Catalog(
        regions={r.id: r for r in regions},
        providers=by_id,
        municipalities=municipalities,
        municipality_region=municipality_region,
        place_index=place_index,
        start_here=start_here,
        origins=origins,
        match_catalogue=match_catalogue,
        version=version,
    )


def _municipal_record(
    service: MunicipalService,
    contacts: MunicipalContacts,
    contact: MunicipalContact,
    municipalities: dict[str, MunicipalityRecord],
    region: str,
) -> ProviderRecord:
    """A municipality's own desk: the shared description with the municipality's contact."""
    name = municipalities[contact.code].name
    registered = f"{contact.registered_on:%d-%m-%Y}"
    note = f"Contact from the register of government organisations (checked there on {registered})."
    return ProviderRecord(
        id=f"{MUNICIPAL_DESK_PREFIX}{contact.code.lower()}",
        name=service.name.replace(MUNICIPALITY_PLACEHOLDER, name),
        kind=service.kind,
        regions=[region],
        municipalities=[contact.code],
        needs=service.needs,
        profiles=service.profiles,
        languages=service.languages,
        contact=Contact(
            phone=contact.phone,
            website=contact.website,
            email=contact.email,
            address=contact.address,
        ),
        free=service.free,
        description=service.description,
        source=contacts.source,
        verified_on=contacts.verified_on,
        note=note if not contacts.note else f"{note} {contacts.note}",
    )


def _main(argv: list[str]) -> int:
    """Load the catalogue once and say what it holds (the Docker build fails on a bad one)."""
    data_dir = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "data"
    try:
        catalog = load_catalog(data_dir)
    except CatalogError as exc:
        print(f"catalogue: {exc}", file=sys.stderr)
        return 1
    print(
        f"catalogue {catalog.version}: {len(catalog.providers)} providers, "
        f"{len(catalog.regions)} regions"
    )
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
