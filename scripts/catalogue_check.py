"""Check data/regions.yaml and data/providers.yaml: `make catalogue-check`.

Errors (exit 1): anything that would stop the site from starting (file, record, field named),
a dead reference, a region without an exit programme or PMW, a missing site language.
Warnings (exit 0): records checked more than 12 months ago, records marked unverified, and
descriptions missing for languages beyond the site's own.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.catalog import Catalog, CatalogError, load_catalog  # noqa: E402
from app.matching.types import NATIONAL  # noqa: E402
from app.settings import Settings  # noqa: E402

# A record not checked for this long is stale.
STALE_AFTER = timedelta(days=365)
HUB_KINDS = ("exit_programme", "pmw")


def check(catalog: Catalog, today: date) -> tuple[list[str], list[str]]:
    """Return (errors, warnings) beyond what loading already enforces."""
    errors: list[str] = []
    warnings: list[str] = []
    for region in catalog.regions.values():
        hubs = [
            p for p in catalog.providers.values() if region.id in p.regions and p.kind in HUB_KINDS
        ]
        if not hubs:
            errors.append(f"regions.yaml, id {region.id!r}: no exit programme or PMW serves it")
        if not region.verified:
            warnings.append(f"regions.yaml, id {region.id!r}: unverified: {region.note}")
    all_languages = {lang for p in catalog.providers.values() for lang in p.description.texts}
    for p in catalog.providers.values():
        where = f"providers.yaml, id {p.id!r}"
        if p.verified_on < today - STALE_AFTER:
            warnings.append(f"{where}, field verified_on: {p.verified_on} is over 12 months ago")
        if p.verified_on > today:
            errors.append(f"{where}, field verified_on: {p.verified_on} is in the future")
        if not p.verified:
            warnings.append(f"{where}: unverified: {p.note}")
        missing = sorted(all_languages - set(p.description.texts))
        if missing:
            warnings.append(f"{where}, field description: no text yet in {', '.join(missing)}")
        if NATIONAL not in p.regions and not set(p.regions) <= set(catalog.regions):
            errors.append(f"{where}, field regions: unknown region")
    return errors, warnings


def main(argv: list[str] | None = None) -> int:
    """Print errors and warnings; exit 1 when there is an error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--quiet", action="store_true", help="print errors only")
    args = parser.parse_args(argv)
    try:
        catalog = load_catalog(args.data_dir, Settings().catalogue_cache_dir)
    except CatalogError as exc:
        print(f"ERROR {exc}")
        return 1
    errors, warnings = check(catalog, args.today)
    for line in errors:
        print(f"ERROR {line}")
    if not args.quiet:
        for line in warnings:
            print(f"WARNING {line}")
    print(
        f"{len(catalog.regions)} regions, {len(catalog.municipalities)} municipalities, "
        f"{len(catalog.providers)} providers: {len(errors)} errors, {len(warnings)} warnings"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
