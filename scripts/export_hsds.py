"""Write the catalogue as Open Referral HSDS 3.0 JSON: `make open-data`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.catalog import load_catalog  # noqa: E402
from app.i18n import LANGUAGES  # noqa: E402
from app.open_data import export_hsds  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Write one file per language into the output folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "open-data")
    args = parser.parse_args(argv)
    catalog = load_catalog(ROOT / "data")
    args.out.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        path = args.out / f"hsds-{lang}.json"
        data = export_hsds(catalog, lang)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{path}: {len(data['service'])} services")
    return 0


if __name__ == "__main__":
    sys.exit(main())
