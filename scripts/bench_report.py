"""Turn the benchmarks' JSON (var/bench/*.json) into docs/performance.md's generated sections.

    .venv/bin/python scripts/bench_report.py [--quick]

scripts/performance.md.j2 renders a section, between `<!-- name:start -->` and
`<!-- name:end -->`, for each JSON there is; each replaces the same section of the file, and a
section whose JSON is missing is left as it is. The prose around the sections is written by hand.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import jinja2

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
LABELS = {
    "questionnaire": "GET /nl/check (questionnaire)",
    "result": "POST /nl/check (result)",
    "save": "POST /nl/r (save a result)",
    "open": "GET /nl/r/{token} (open a saved result)",
}
RESULT_RPS, SAVE_RPS, P99_MS = 1000, 300, 50  # the targets of issues 6 and 14


def rate(value: float) -> str:
    """12,345 for big rates, 12.3 for small ones."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def targets(bench: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The targets of a `make bench` run: (what, measured, met)."""
    c, bare = bench["cases"], bench["cases"]["bare"]
    share = c["questionnaire"]["rps_per_cpu"] / bare["rps_per_cpu"]
    rows = [
        (
            f"{LABELS['questionnaire']}: ≥ 1.0 × the bare ceiling (per server CPU second)",
            f"{share:.2f} × ({rate(c['questionnaire']['rps_per_cpu'])} vs "
            f"{rate(bare['rps_per_cpu'])})",
            share >= 1.0,
        )
    ]
    for key, want in (("result", RESULT_RPS), ("save", SAVE_RPS), ("open", RESULT_RPS)):
        rps = c[key]["rps"]
        rows.append((f"{LABELS[key]}: ≥ {want:,} req/s", f"{rate(rps)} req/s", rps >= want))
    for key in ("questionnaire", "open"):
        p99 = c[key]["p99"]
        rows.append((f"{LABELS[key]}: p99 ≤ {P99_MS} ms", f"{p99:.1f} ms", p99 <= P99_MS))
    errors = sum(r["errors"] for r in c.values())
    rows.append(("Zero errors in every case", f"{errors} errors", errors == 0))
    return rows


def main() -> None:
    """Render every section whose JSON exists into docs/performance.md."""
    folder = ROOT / "var" / "bench" / ("quick" if "--quick" in sys.argv else "")
    data = {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}
    env = jinja2.Environment(  # noqa: S701 - Markdown from our own JSON, not HTML
        loader=jinja2.FileSystemLoader(ROOT / "scripts"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=False,
    )
    template = env.get_template("performance.md.j2")
    names = ("bench", "matching", "cluster", "profile")
    context = {n: data.get(n) for n in names} | {"labels": LABELS, "rate": rate}
    if "bench" in data:
        context["targets"] = targets(data["bench"])
    doc = DOC.read_text()
    rendered = template.render(context)
    for section in re.findall(r"<!-- ([a-z-]+):start -->", rendered):
        start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
        new = start + rendered.split(start, 1)[1].split(end, 1)[0].rstrip() + "\n" + end
        head, _, rest = doc.partition(start)
        doc = head + new + rest.partition(end)[2]
        print(f"bench_report: wrote the {section} section")
    DOC.write_text(doc)


if __name__ == "__main__":
    main()
