"""Check the catalogue in data/: `make catalogue-check`.

Errors (exit 1): anything that would stop the site from starting (file, record, line and field
named), a region without its file or start here, a date in the future, and a sweep through the
matcher (every municipality and none x every need x every profile) that finds an empty result
for a chosen place, or a need neither covered nor named as a gap.
Warnings (exit 0): records checked more than 12 months ago, unverified records, descriptions
missing for languages beyond the site's own, the same phone or website under two ids, and the
sweep's named gaps (a need no reachable service covers; an empty result without a place).
Then a depth table: real regional services per region x need and per region x group, the
municipalities with their own desk, and the records without a phone, a website or a check.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import quality  # noqa: E402
from app.catalog import Catalog, CatalogError, load_catalog  # noqa: E402
from app.i18n import LANGUAGES  # noqa: E402
from app.matching.types import GROUPS, NATIONAL, NEEDS  # noqa: E402
from app.rights import load_rights  # noqa: E402

# A record not checked for this long is stale.
STALE_AFTER = timedelta(days=365)
# Short column heads for the depth tables.
NEED_HEADS = {
    "housing": "hous",
    "income": "inc",
    "work": "work",
    "education": "edu",
    "debts": "debt",
    "physical_health": "body",
    "mental_health": "mind",
    "addiction": "addi",
    "safety": "safe",
    "legal": "legl",
    "social_network": "soc",
    "daily_life": "day",
}
GROUP_HEADS = {g: g[:5] for g in GROUPS}


def where(catalog: Catalog, provider_id: str) -> str:
    """The file, id and line of a record, as in load errors."""
    origin = catalog.origins[provider_id]
    line = f" (line {origin.line})" if origin.line else ""
    return f"{origin.file}, id {provider_id!r}{line}"


def check(catalog: Catalog, today: date) -> tuple[list[str], list[str]]:
    """Return (errors, warnings) beyond what loading already enforces."""
    errors: list[str] = []
    warnings: list[str] = []
    for region in catalog.regions.values():
        if region.id not in catalog.start_here:
            errors.append(
                f"providers/{region.id}.yaml: missing; the region needs its file and start here"
            )
        if not region.verified:
            warnings.append(f"regions.yaml, id {region.id!r}: unverified: {region.note}")
    all_languages = {lang for p in catalog.providers.values() for lang in p.description.texts}
    for p in catalog.providers.values():
        at = where(catalog, p.id)
        if p.verified_on < today - STALE_AFTER:
            warnings.append(f"{at}, field verified_on: {p.verified_on} is over 12 months ago")
        if p.verified_on > today:
            errors.append(f"{at}, field verified_on: {p.verified_on} is in the future")
        if not p.verified:
            warnings.append(f"{at}: unverified: {p.note}")
        missing = sorted(all_languages - set(p.description.texts))
        if missing:
            warnings.append(f"{at}, field description: no text yet in {', '.join(missing)}")
    for what, value, ids in quality.duplicates(catalog):
        warnings.append(f"the same {what} {value} under {len(ids)} ids: {', '.join(ids)}")
    return errors, warnings


def description_line(catalog: Catalog) -> str:
    """How many provider descriptions each site language lacks, e.g. `ro 0 missing`."""
    counts = [
        f"{lang} {sum(lang not in p.description.texts for p in catalog.providers.values())}"
        for lang in LANGUAGES
    ]
    return f"descriptions missing per language: {', '.join(counts)}"


def sweep_lines(catalog: Catalog) -> tuple[list[str], list[str], list[str]]:
    """The sweep through the matcher: (errors, warnings, summary lines).

    An empty result for a chosen place, or a need neither covered nor named as a gap, is an
    error. A need that nothing reachable covers is named as a gap on her page, so it is a
    warning: a real gap in the catalogue to close, not a silent one.
    """
    result = quality.sweep(catalog)
    placed = [case for case in result.empty if case[0] is not None]
    unplaced = [case for case in result.empty if case[0] is None]
    errors: list[str] = []
    warnings: list[str] = []
    for out, label, cases in (
        (errors, "an empty result", placed),
        (errors, "a need neither covered nor named as a gap", result.unexplained),
        (warnings, "an empty result (she is asked to choose a place)", unplaced),
        (warnings, "a gap: no reachable service covers", result.uncovered),
    ):
        for place, need, profile in cases[:20]:
            out.append(f"sweep: {label}: {place or 'no place'}, need {need}, {profile}")
        if len(cases) > 20:
            out.append(f"sweep: {label}: {len(cases) - 20} more")
    summary = [
        f"sweep: {result.results} results (every municipality and none x {len(NEEDS)} needs x "
        f"{len(quality.SWEEP_PEOPLE)} kinds of answers: {', '.join(quality.SWEEP_PEOPLE)}): "
        f"{len(result.empty)} empty, "
        f"{len(result.uncovered)} needs covered by nothing reachable, "
        f"{len(result.national_only)} needs covered only nationally where a place was given",
    ]
    return errors, warnings, summary


def table(
    rows: dict[str, dict[str, int]], heads: dict[str, str], national: dict[str, int]
) -> list[str]:
    """A plain-text table: a row per region, a column per need or group, and a national row."""
    width = max(len(r) for r in [*rows, NATIONAL])
    lines = [" " * width + " " + " ".join(f"{h:>5}" for h in heads.values())]
    for name, counts in [*rows.items(), (NATIONAL, national)]:
        cells = " ".join(f"{counts[k] or '.':>5}" for k in heads)
        lines.append(f"{name:<{width}} {cells}")
    empty = sum(1 for counts in rows.values() for k in heads if not counts[k])
    lines.append(f"empty region cells: {empty} of {len(rows) * len(heads)}")
    return lines


def depth_lines(catalog: Catalog) -> list[str]:
    """The depth tables and the records that are hard to reach or unchecked."""
    d = quality.depth(catalog)
    lines = [
        "",
        "Real regional services per region and need (reachable; desks and national apart):",
    ]
    lines += table(d.needs, NEED_HEADS, d.national_needs)
    lines += ["", "Real regional services per region and group:"]
    lines += table(d.groups, GROUP_HEADS, d.national_groups)
    with_desk = sum(n for n, _ in d.desks.values())
    total = sum(t for _, t in d.desks.values())
    lines += ["", f"municipalities with their own desk: {with_desk} of {total}"]
    for_women = sorted(r for r, p in catalog.start_here.items() if catalog.providers[p].women_only)
    lines += [f"regions whose place to start is only for women: {', '.join(for_women) or 'none'}"]
    total, known = quality.contact_fact_counts(catalog)
    lines += ["", f"before you make contact: sourced (known) of {total} records, by fact:"]
    lines += [f"  {name:<14} {n:>4} known {total - n:>4} not known" for name, n in known.items()]
    records = list(catalog.providers.values())
    for label, ids in (
        ("without a phone", [p.id for p in records if not p.contact.phone]),
        ("without a website", [p.id for p in records if not p.contact.website]),
        ("unverified", [p.id for p in records if not p.verified]),
    ):
        lines.append(f"records {label}: {len(ids)} of {len(records)}")
        shown = [i for i in ids if not i.startswith("gemeente-")]
        if shown:
            lines.append("  " + ", ".join(shown))
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print errors, warnings and the depth of the catalogue; exit 1 when there is an error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--quiet", action="store_true", help="print errors only")
    args = parser.parse_args(argv)
    try:
        catalog = load_catalog(args.data_dir)
        rights = load_rights(args.data_dir)
    except CatalogError as exc:
        print(f"ERROR {exc}")
        return 1
    errors, warnings = check(catalog, args.today)
    sweep_errors, sweep_warnings, summary = sweep_lines(catalog)
    errors += sweep_errors
    warnings += sweep_warnings
    for line in errors:
        print(f"ERROR {line}")
    if not args.quiet:
        for line in warnings:
            print(f"WARNING {line}")
        for line in depth_lines(catalog):
            print(line)
        print()
    for line in summary:
        print(line)
    print(f"rights: {sum(len(s.statements) for s in rights)} statements in {len(rights)} sections")
    print(description_line(catalog))
    print(
        f"{len(catalog.regions)} regions, {len(catalog.municipalities)} municipalities, "
        f"{len(catalog.providers)} providers: {len(errors)} errors, {len(warnings)} warnings"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
