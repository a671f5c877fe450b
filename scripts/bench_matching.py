"""`make bench-matching`: matching, start-up and memory with 100, 1,000 and 2,000 providers.

A synthetic catalogue is generated over the real regions and municipalities (data/ is read,
never written): two hubs (an exit programme and a PMW organisation) per region, a few national
lines, and regular and specialised services spread over the regions. Then `match()` is timed
in-process for realistic answer sets at each size, and the site is started (uvicorn, one
worker, `create_app` and its lifespan) with the real catalogue and with a copy of data/ that
holds generated records up to 2,000 providers in all (VERDER_DATA_DIR): start-up until /healthz
answers, the worker's RSS after start-up and after a short load of result POSTs. There is no
catalogue cache: every start loads the YAML strictly. Writes var/bench/matching.json.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import bench_common as bc

from app.answers import check_answers
from app.catalog import load_catalog
from app.i18n import LANGUAGES as SITE_LANGUAGES
from app.matching import engine
from app.matching.types import GROUPS, LANGUAGES, NEEDS, PROFILES, MatchCatalogue, Provider

SIZES = (100, 1_000, 2_000)
SEED = 20261128


def generate(n: int, region_ids: list[str], seed: int = SEED) -> list[dict[str, Any]]:
    """`n` provider records shaped like data/providers/*.yaml, deterministic for a seed."""
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    records: list[dict[str, Any]] = []

    def add(kind: str, regions: list[str], emergency: bool = False) -> None:
        i, needs = len(records), rng.sample(NEEDS, rng.randint(1, 5))
        profiles = list(PROFILES) if rng.random() < 0.6 else rng.sample(PROFILES, rng.randint(1, 2))
        groups = rng.sample(GROUPS, rng.randint(1, 2)) if rng.random() < 0.25 else []
        spoken = ["nl", *rng.sample([x for x in LANGUAGES if x != "nl"], rng.randint(0, 2))]
        record = {"id": f"synthetic-{i:05d}", "name": f"Synthetic provider {i}", "kind": kind}
        record |= {"regions": regions, "needs": needs, "profiles": profiles, "groups": groups}
        record |= {"languages": spoken, "emergency": emergency}
        record["contact"] = {"phone": f"+31 20 {i:07d}", "website": f"https://example.org/p/{i}"}
        record |= {
            "free": True,
            "anonymous_possible": True,
            # Every site language needs a text (the loader refuses a gap): a tagged stand-in.
            "description": {lang: f"[{lang}] {', '.join(needs)} ({i})" for lang in SITE_LANGUAGES},
        }
        records.append(record | {"source": "https://example.org/source", "verified": True})

    for region in region_ids:  # a real region has one exit programme and one PMW organisation
        add("exit_programme", [region])
        add("pmw", [region])
    for j in range(max(5, n // 200)):
        add("national_line", ["national"], emergency=j < 3)
    del records[n:]
    while len(records) < n:
        kind, roll = "regular" if rng.random() < 0.7 else "specialised", rng.random()
        if roll < 0.03:
            add(kind, ["national"])
        else:
            add(
                kind,
                rng.sample(region_ids, rng.randint(2, 4))
                if roll < 0.1
                else [rng.choice(region_ids)],
            )
    return records


def to_yaml(records: list[dict[str, Any]]) -> str:
    """Block YAML list items: every string double-quoted (JSON strings are YAML 1.2 strings)."""
    lines = []
    for r in records:
        for i, (key, value) in enumerate(r.items()):
            indent = "  - " if i == 0 else "    "
            if isinstance(value, dict):
                lines.append(f"{indent}{key}:")
                lines += [
                    f"      {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items()
                ]
            else:
                lines.append(f"{indent}{key}: {json.dumps(value)}")
        lines.insert(len(lines) - 1, "    verified_on: 2026-11-28")
    return "\n".join(lines) + "\n"


def catalogue(records: list[dict[str, Any]], real: Any) -> MatchCatalogue:
    """The matcher's view of the records, as app.catalog builds it."""
    keys = ("regions", "needs", "profiles", "groups", "languages")
    providers = tuple(
        Provider(
            id=r["id"],
            kind=r["kind"],
            emergency=r["emergency"],
            **{k: frozenset(r[k]) for k in keys},
        )
        for r in records
    )
    return MatchCatalogue(providers=providers, municipality_region=real.municipality_region)


def answer_sets(real: Any) -> list[tuple[str, Any]]:
    """The benchmark's three answer sets, plus an urgent one and one without a place."""
    first = [(k, v) for k, v in bc.ANSWER_SETS[0] if k != "danger_now"]
    named = [*zip(("complex", "exploitation", "autonomous"), bc.ANSWER_SETS, strict=True)]
    named += [("urgent", [*first, ("danger_now", "yes")])]
    named += [("no place", [(k, v) for k, v in bc.ANSWER_SETS[0] if k != "municipality"])]
    checked = [
        (label, check_answers(list(p), resolve_place=real.resolve_municipality))
        for label, p in named
    ]
    assert all(c.ok for _, c in checked)
    return [(label, c.answers()) for label, c in checked]


def time_match(cat: MatchCatalogue, sets: list[tuple[str, Any]], budget_s: float) -> dict[str, Any]:
    """Median and p95 of single match() calls (thread CPU and wall), spread over the sets."""
    for _, answers in sets:  # warm-up
        engine.match(answers, cat)
    started = time.perf_counter()
    for _, answers in sets:
        engine.match(answers, cat)
    rounds = max(30, min(2000, int(budget_s / max(time.perf_counter() - started, 1e-9))))
    cpu, wall, options = [], [], []
    for _ in range(rounds):
        for _, answers in sets:
            c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
            result = engine.match(answers, cat)
            wall.append((time.perf_counter_ns() - t0) / 1e6)
            cpu.append((time.thread_time_ns() - c0) / 1e6)
            options.append(len(result.options))
    cpu.sort()
    wall.sort()
    p95 = int(0.95 * (len(cpu) - 1))
    return {
        "calls": len(cpu),
        "median_ms": statistics.median(cpu),
        "p95_ms": cpu[p95],
        "wall_median_ms": statistics.median(wall),
        "wall_p95_ms": wall[p95],
        "options": statistics.mean(options),
    }


def measure_site(
    label: str, data: Path, tmp: Path, load_seconds: int, starts: int
) -> dict[str, Any]:
    """Start the site on `data_dir` `starts` times: wall and CPU seconds to a healthy /healthz
    (median), RSS after start-up and after a load of result POSTs at 64 connections."""
    port, walls, cpus = bc.free_port(), [], []
    env = {**bc.site_env(f"sqlite:///{tmp}/{label}.db"), "VERDER_DATA_DIR": str(data)}
    for n in range(starts):
        with contextlib.ExitStack() as st:
            started = time.perf_counter()
            site = bc.spawn(st, f"site-{label}", bc.uvicorn_argv(port), tmp, env=env)
            site.wait_http(f"http://127.0.0.1:{port}/healthz", timeout=120)
            walls.append(time.perf_counter() - started)
            cpus.append(bc.cpu_seconds(site.pid, reaped=True))
            if n < starts - 1:
                continue  # extra starts for a steadier figure, stopped at once
            idle = bc.rss_mb(site.pid)[0]
            base, (result, headers) = f"http://127.0.0.1:{port}", bc.loads([])["result"]
            load = bc.run_wrk(
                base,
                result,
                tmp,
                method="POST",
                headers=headers,
                pids=[site.pid],
                seconds=load_seconds,
                warmup=1,
            )
            page = bc.run_wrk(base, [("/nl/check", "")], tmp, seconds=2, warmup=0)
            loaded, peak = bc.rss_mb(site.pid)
    return {
        "startup_s": statistics.median(walls),
        "startup_cpu_s": statistics.median(cpus),
        "starts": starts,
        "rss_idle": idle,
        "rss_loaded": loaded,
        "rss_peak": peak,
        "result_rps": load["rps"],
        "result_cpu_ms": load["cpu_ms"],
        "result_errors": load["errors"] + page["errors"],
    }


def main() -> None:
    """Time match() at each size, start the site twice, write var/bench/matching.json."""
    parser = bc.options(__doc__, wrk=False)
    parser.add_argument("--no-site", action="store_true", help="only time match() in-process")
    args = parser.parse_args()
    budget, load_seconds, starts = (0.3, 2, 1) if args.quick else (3.0, 5, 3)
    t0 = time.perf_counter()
    real = load_catalog(bc.ROOT / "data")
    load_s = {"real": time.perf_counter() - t0}
    regions, sets = sorted(real.regions), answer_sets(real)
    bc.log(f"timing match() on the real catalogue ({len(real.providers)} providers)")
    rows = [{"label": "real catalogue", **time_match(real.match_catalogue, sets, budget / 3)}]
    for n in SIZES:
        bc.log(f"timing match() with {n:,} synthetic providers")
        cat = catalogue(generate(n, regions), real)
        rows.append({"label": f"{n:,} synthetic", "n": n, **time_match(cat, sets, budget)})
    per_set = [(label, time_match(cat, [(label, a)], budget / 6)["median_ms"]) for label, a in sets]
    small, mid, large = (r["median_ms"] for r in rows[1:])
    growth = {
        "x20": large / small,
        "x2": large / mid,
        "exp": math.log(large / small) / math.log(SIZES[-1] / SIZES[0]),
    }
    site: dict[str, Any] = {}
    if not args.no_site:
        bc.need_debian({"wrk": "wrk"})
        with tempfile.TemporaryDirectory(prefix="verder-bench-matching-") as name:
            tmp = Path(name)
            shutil.copytree(bc.ROOT / "data", tmp / "data")
            # The generated records go into the file of their first region, as a maintainer
            # would add them, so the catalogue reaches SIZES[-1] providers in all.
            by_file: dict[str, list[dict[str, Any]]] = {}
            for record in generate(SIZES[-1] - len(real.providers), regions):
                by_file.setdefault(record["regions"][0], []).append(record)
            for file, records in by_file.items():
                path = tmp / "data" / "providers" / f"{file}.yaml"
                text = path.read_text(encoding="utf-8").replace(
                    "providers: []\n", "providers:\n", 1
                )
                path.write_text(text.replace("providers:\n", "providers:\n" + to_yaml(records), 1))
            t0 = time.perf_counter()
            assert len(load_catalog(tmp / "data").providers) == SIZES[-1]
            load_s["big"] = time.perf_counter() - t0
            bc.log("starting the site with the real catalogue")
            site["real"] = measure_site("real", bc.ROOT / "data", tmp, load_seconds, starts)
            bc.log(f"starting the site with {SIZES[-1]:,} providers")
            site["big"] = measure_site("big", tmp / "data", tmp, load_seconds, starts)
    data = {"sizes": SIZES, "rows": rows, "per_set": per_set, "growth": growth, "site": site}
    bc.write_json("matching", {**data, "load_s": load_s}, args.quick)


if __name__ == "__main__":
    main()
