"""The directory and the coverage matrix: the catalogue browsed without a questionnaire."""

from __future__ import annotations

from dataclasses import dataclass

from app.catalog import Catalog, ProviderRecord
from app.matching.types import GROUPS, NATIONAL, NEEDS


@dataclass(frozen=True, slots=True)
class Filters:
    """What a helper narrowed the directory to; None means all."""

    region: str | None = None
    need: str | None = None
    group: str | None = None
    # The first view lists national help only and asks for a region: the whole catalogue on
    # one page is too long to read and too heavy for a phone.
    national_only: bool = False


def list_providers(catalog: Catalog, filters: Filters) -> list[tuple[str, list[ProviderRecord]]]:
    """Providers grouped by area (national first, then regions), narrowed by the filters.

    The municipalities' own desks are listed apart (`municipal_desks`), in one short table.
    """
    if filters.national_only:
        areas = [NATIONAL]
    elif filters.region is None:
        areas = [NATIONAL, *catalog.regions]
    else:
        areas = [NATIONAL, filters.region]
    grouped = []
    for area in areas:
        matches = [
            p
            for p in catalog.providers.values()
            if area in p.regions
            and not p.is_municipal_desk()
            and (filters.need is None or filters.need in p.needs)
            and (filters.group is None or filters.group in p.groups)
        ]
        if matches:
            grouped.append((area, matches))
    return grouped


def municipal_desks(catalog: Catalog, filters: Filters) -> list[tuple[str, ProviderRecord]]:
    """The desks of the chosen region's municipalities, by name; none without a region."""
    region = catalog.regions.get(filters.region or "")
    if region is None or filters.group is not None:
        return []
    desks = {
        m: p for p in catalog.providers.values() if p.is_municipal_desk() for m in p.municipalities
    }
    return [
        (m.name, desks[m.code])
        for m in sorted(region.municipalities, key=lambda m: m.name.lstrip("'").casefold())
        if m.code in desks and (filters.need is None or filters.need in desks[m.code].needs)
    ]


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """How many options one area has for each need and each group."""

    area: str  # a region id, or "national"
    needs: dict[str, int]
    groups: dict[str, int]


def coverage(catalog: Catalog) -> list[CoverageRow]:
    """Per region the services she can reach for each need and group; national last.

    A municipality's own desk is not counted: every municipality has one.
    """
    rows = []
    for area in [*catalog.regions, NATIONAL]:
        serving = [
            p
            for p in catalog.providers.values()
            if area in p.regions and not p.is_municipal_desk() and p.contact.reachable()
        ]
        rows.append(
            CoverageRow(
                area=area,
                needs={n: sum(n in p.needs for p in serving) for n in NEEDS},
                groups={g: sum(g in p.groups for p in serving) for g in GROUPS},
            )
        )
    return rows


def coverage_csv(rows: list[CoverageRow]) -> str:
    """The matrix as CSV: one line per area, a column per need and per group."""
    header = ["area", *(f"need:{n}" for n in NEEDS), *(f"group:{g}" for g in GROUPS)]
    lines = [",".join(header)]
    for row in rows:
        values = [
            row.area,
            *(str(row.needs[n]) for n in NEEDS),
            *(str(row.groups[g]) for g in GROUPS),
        ]
        lines.append(",".join(values))
    return "\r\n".join(lines) + "\r\n"
