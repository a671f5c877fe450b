"""Catalogue scale: matching, start-up and memory with 100, 1,000 and 2,000 providers.

A synthetic catalogue is generated over the real regions and municipalities (data/ is read,
never written): two hubs (an exit programme and a PMW organisation) per region, a few national
lines, and regular and specialised services spread over the regions. Then:

- `app.matching.engine.match` is timed in-process for realistic answer sets (median and p95
  over many calls) at each size, and the growth from 100 to 2,000 is reported;
- the site is started (uvicorn, one worker, `create_app` and its lifespan) with the real
  catalogue and with a copy of data/ whose national.yaml also holds generated records up to
  2,000 providers in all (VERDER_DATA_DIR), timing start-up until /healthz answers and reading
  the worker's RSS after start-up and after a short load of result POSTs. There is no catalogue
  cache: every start loads the YAML strictly.

Scale (issue 14): 2,000 providers, what a full catalogue with every municipality's own services
reaches. Targets: ≤ 2 ms median match, cold start ≤ 2 s, ≤ 150 MB RSS.
Run by `make bench` (after scripts/bench.py) or alone with `make bench-matching`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import shutil
import statistics
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_common import (
    ANSWER_SETS,
    FORM,
    PERFORMANCE_MD,
    ROOT,
    Service,
    ensure_debian_packages,
    fmt_rate,
    free_port,
    log,
    machine,
    rss_mb,
    run_wrk,
    services,
    site_env,
    temp_dir,
    tree_cpu_seconds,
    update_section,
    urlencode,
    uvicorn_argv,
    wait_http,
)

from app.answers import check_answers
from app.catalog import Catalog, load_catalog
from app.matching import engine
from app.matching.types import (
    GROUPS,
    LANGUAGES,
    NEEDS,
    PROFILES,
    Answers,
    MatchCatalogue,
    Provider,
)

SIZES = (100, 1_000, 2_000)
MATCH_MEDIAN_MS = 2.0
STARTUP_S = 2.0
RSS_MB = 150.0
SEED = 20261128


# --- The synthetic catalogue -------------------------------------------------------------------


def generate(n: int, region_ids: list[str], seed: int = SEED) -> list[dict[str, Any]]:
    """`n` provider records shaped like data/providers.yaml, deterministic for a seed."""
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    records: list[dict[str, Any]] = []

    def add(kind: str, regions: list[str], **extra: Any) -> None:
        i = len(records)
        needs = rng.sample(NEEDS, rng.randint(1, 5))
        profiles = list(PROFILES) if rng.random() < 0.6 else rng.sample(PROFILES, rng.randint(1, 2))
        groups = rng.sample(GROUPS, rng.randint(1, 2)) if rng.random() < 0.25 else []
        spoken = ["nl", *rng.sample([x for x in LANGUAGES if x != "nl"], rng.randint(0, 2))]
        records.append(
            {
                "id": f"synthetic-{i:05d}",
                "name": f"Synthetic provider {i}",
                "kind": kind,
                "regions": regions,
                "needs": needs,
                "profiles": profiles,
                "groups": groups,
                "languages": spoken,
                "emergency": False,
                "contact": {"phone": f"+31 20 {i:07d}", "website": f"https://example.org/p/{i}"},
                "description": {
                    "nl": f"Hulp bij {', '.join(needs)} (synthetisch record {i}).",
                    "en": f"Help with {', '.join(needs)} (synthetic record {i}).",
                    "th": f"ความช่วยเหลือ {', '.join(needs)} (ข้อมูลสังเคราะห์ {i})",
                },
                **extra,
            }
        )

    # A real region has one exit programme and one PMW organisation, not hundreds.
    for region in region_ids:
        if len(records) < n:
            add("exit_programme", [region])
        if len(records) < n:
            add("pmw", [region])
    national_lines = max(5, n // 200)
    for j in range(national_lines):
        if len(records) < n:
            add("national_line", ["national"], emergency=j < 3)
    while len(records) < n:
        kind = "regular" if rng.random() < 0.7 else "specialised"
        roll = rng.random()
        if roll < 0.03:
            regions = ["national"]
        elif roll < 0.10:
            regions = rng.sample(region_ids, rng.randint(2, 4))
        else:
            regions = [rng.choice(region_ids)]
        add(kind, regions)
    return records


def to_providers(records: list[dict[str, Any]]) -> tuple[Provider, ...]:
    """The matcher's view of the records, as app.catalog builds it."""
    return tuple(
        Provider(
            id=r["id"],
            kind=r["kind"],
            regions=frozenset(r["regions"]),
            needs=frozenset(r["needs"]),
            profiles=frozenset(r["profiles"]),
            groups=frozenset(r["groups"]),
            languages=frozenset(r["languages"]),
            emergency=r["emergency"],
        )
        for r in records
    )


def to_yaml(records: list[dict[str, Any]]) -> str:
    """providers.yaml text: every string double-quoted (JSON strings are YAML 1.2 strings)."""
    q = json.dumps

    def flow(values: list[str]) -> str:
        return "[" + ", ".join(q(v) for v in values) + "]"

    lines = ["providers:"]
    for r in records:
        lines += [
            f"  - id: {q(r['id'])}",
            f"    name: {q(r['name'])}",
            f"    kind: {q(r['kind'])}",
            f"    regions: {flow(r['regions'])}",
            f"    needs: {flow(r['needs'])}",
            f"    profiles: {flow(r['profiles'])}",
            f"    groups: {flow(r['groups'])}",
            f"    languages: {flow(r['languages'])}",
            f"    emergency: {'true' if r['emergency'] else 'false'}",
            "    contact:",
            f"      phone: {q(r['contact']['phone'])}",
            f"      website: {q(r['contact']['website'])}",
            "    free: true",
            "    anonymous_possible: true",
            "    description:",
            *[
                f"      {lang}: {q(text, ensure_ascii=False)}"
                for lang, text in r["description"].items()
            ],
            '    source: "https://example.org/source"',
            "    verified_on: 2026-11-28",
            "    verified: true",
        ]
    return "\n".join(lines) + "\n"


def answer_sets(catalog: Catalog) -> list[tuple[str, Answers]]:
    """The benchmark's realistic answer sets, plus an urgent one and one without a place."""
    named = []
    for label, pairs in zip(("complex", "exploitation", "autonomous"), ANSWER_SETS, strict=True):
        named.append((label, list(pairs)))
    urgent = [(k, v) for k, v in ANSWER_SETS[0] if k != "danger_now"] + [("danger_now", "yes")]
    named.append(("urgent", urgent))
    named.append(("no place", [(k, v) for k, v in ANSWER_SETS[0] if k != "municipality"]))
    out = []
    for label, pairs in named:
        checked = check_answers(pairs, resolve_place=catalog.resolve_municipality)
        assert checked.ok, checked.errors
        out.append((label, checked.answers()))
    return out


# --- Timing ------------------------------------------------------------------------------------


def time_match(
    catalogue: MatchCatalogue, sets: list[tuple[str, Answers]], budget_s: float
) -> dict[str, Any]:
    """Median and p95 of single match() calls, spread evenly over the answer sets."""
    for _, answers in sets:  # warm-up
        engine.match(answers, catalogue)
    started = time.perf_counter()
    for _, answers in sets:
        engine.match(answers, catalogue)
    per_round = time.perf_counter() - started
    rounds = max(30, min(2000, int(budget_s / max(per_round, 1e-9))))
    wall: list[float] = []
    cpu: list[float] = []
    options: list[int] = []
    for _ in range(rounds):
        for _, answers in sets:
            c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
            result = engine.match(answers, catalogue)
            wall.append((time.perf_counter_ns() - t0) / 1e6)
            cpu.append((time.thread_time_ns() - c0) / 1e6)
            options.append(len(result.options))
    wall.sort()
    cpu.sort()
    return {
        "calls": len(cpu),
        "median_ms": statistics.median(cpu),
        "p95_ms": cpu[int(0.95 * (len(cpu) - 1))],
        "wall_median_ms": statistics.median(wall),
        "wall_p95_ms": wall[int(0.95 * (len(wall) - 1))],
        "options": statistics.mean(options),
    }


def _reaped_children_cpu(pid: int) -> float:
    """CPU seconds of the children `pid` has waited for (cutime + cstime), e.g. a cold load's."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def _start(
    label: str, port: int, tmp: Path, env: dict[str, str], running: list[Service]
) -> tuple[float, float, Service]:
    """Spawn the site; return wall and CPU seconds until /healthz answered, and the service."""
    started = time.perf_counter()
    site = Service(f"site-{label}", uvicorn_argv(port), log_dir=tmp, env=env)
    running.append(site)
    wait_http(f"http://127.0.0.1:{port}/healthz", site, timeout=120)
    wall = time.perf_counter() - started
    return wall, tree_cpu_seconds(site.pid) + _reaped_children_cpu(site.pid), site


def measure_site(
    data_dir: Path, label: str, tmp: Path, load_seconds: int, starts: int = 1
) -> dict[str, float | str]:
    """Start the site on `data_dir`: seconds to a healthy /healthz, RSS idle and after load."""
    port = free_port()
    db = tmp / f"{label}.db"
    env = {
        **site_env(f"sqlite:///{db}", secrets.token_urlsafe(32)),
        "VERDER_DATA_DIR": str(data_dir),
    }
    walls, cpus = [], []
    for _ in range(starts - 1):  # extra starts for a steadier figure, stopped at once
        with services() as running:
            walls_cpus = _start(label, port, tmp, env, running)
            walls.append(walls_cpus[0])
            cpus.append(walls_cpus[1])
    with services() as running:
        wall, cpu_s, site = _start(label, port, tmp, env, running)
        walls.append(wall)
        cpus.append(cpu_s)
        idle, _ = rss_mb(site.pid)
        base = f"http://127.0.0.1:{port}"
        bodies = [("/nl/check", urlencode(a)) for a in ANSWER_SETS]
        load = run_wrk(
            base,
            bodies,
            method="POST",
            headers=FORM,
            seconds=load_seconds,
            warmup=1,
            work_dir=tmp,
            server_pids=[site.pid],
        )
        page = run_wrk(base, [("/nl/check", "")], seconds=2, warmup=0, work_dir=tmp)
        loaded, peak = rss_mb(site.pid)
    return {
        "startup_s": statistics.median(walls),
        "startup_cpu_s": statistics.median(cpus),
        "starts": len(walls),
        "rss_idle": idle,
        "rss_loaded": loaded,
        "rss_peak": peak,
        "result_rps": load.rps,
        "result_cpu_ms": load.cpu_ms_per_request,
        "result_errors": load.errors + page.errors,
    }


# --- Report ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the catalogue-scale benchmark and update docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=3.0, help="seconds of matching per size")
    parser.add_argument("--load-seconds", type=int, default=5, help="result POST load for RSS")
    parser.add_argument("--no-site", action="store_true", help="only time match() in-process")
    parser.add_argument("--no-write", action="store_true", help="leave docs/performance.md")
    parser.add_argument("--doc", type=Path, default=PERFORMANCE_MD, help="report to update")
    args = parser.parse_args(argv)

    info = machine()
    t0 = time.perf_counter()
    real = load_catalog(ROOT / "data")
    real_load_s = time.perf_counter() - t0
    region_ids = sorted(real.regions)
    sets = answer_sets(real)

    rows: list[tuple[str, int, dict[str, Any]]] = []
    log(f"timing match() on the real catalogue ({len(real.providers)} providers)")
    rows.append(("real catalogue", len(real.providers), time_match(real.match_catalogue, sets, 1)))
    for n in SIZES:
        log(f"timing match() with {n:,} synthetic providers")
        catalogue = MatchCatalogue(
            providers=to_providers(generate(n, region_ids)),
            municipality_region=real.municipality_region,
        )
        rows.append((f"{n:,} synthetic", n, time_match(catalogue, sets, args.budget)))

    per_set: list[tuple[str, float]] = []
    big = MatchCatalogue(
        providers=to_providers(generate(SIZES[-1], region_ids)),
        municipality_region=real.municipality_region,
    )
    for label, answers in sets:
        per_set.append((label, time_match(big, [(label, answers)], 0.5)["median_ms"]))

    site: dict[str, dict[str, Any]] = {}
    load_big_s = 0.0
    if not args.no_site:
        ensure_debian_packages({"wrk": "wrk"})
        with temp_dir("verder-bench-matching-") as tmp_name:
            tmp = Path(tmp_name)
            data = tmp / "data"
            shutil.copytree(ROOT / "data", data)
            # The generated records go into the file of their first region, as a maintainer
            # would add them, so the catalogue reaches SIZES[-1] providers in all.
            by_file: dict[str, list[dict[str, Any]]] = {}
            for record in generate(SIZES[-1] - len(real.providers), region_ids):
                by_file.setdefault(record["regions"][0], []).append(record)
            for name, records in by_file.items():
                path = data / "providers" / f"{name}.yaml"
                text = path.read_text(encoding="utf-8")
                if "providers: []" in text:
                    text = text.replace("providers: []\n", "providers:\n", 1)
                added = to_yaml(records).split("\n", 1)[1]
                path.write_text(text.replace("providers:\n", "providers:\n" + added, 1), "utf-8")
            t0 = time.perf_counter()
            assert len(load_catalog(data).providers) == SIZES[-1]
            load_big_s = time.perf_counter() - t0
            log("starting the site with the real catalogue")
            site["real"] = measure_site(ROOT / "data", "real", tmp, args.load_seconds, starts=3)
            log(f"starting the site with {SIZES[-1]:,} providers")
            site["big"] = measure_site(data, "big", tmp, args.load_seconds, starts=3)

    markdown = _markdown(info, rows, per_set, site, real_load_s, load_big_s, len(sets))
    print(markdown)
    if not args.no_write:
        update_section("bench-matching", markdown, args.doc)
    return 0


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _markdown(
    info: dict[str, str],
    rows: list[tuple[str, int, dict[str, Any]]],
    per_set: list[tuple[str, float]],
    site: dict[str, dict[str, Any]],
    real_load_s: float,
    load_big_s: float,
    n_sets: int,
) -> str:
    table = [
        "| catalogue | match() median ms (CPU) | p95 ms (CPU) | median ms (wall) | p95 ms (wall) "
        "| calls | options shown (mean) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, _, r in rows:
        table.append(
            f"| {label} | {r['median_ms']:.3f} | {r['p95_ms']:.3f} | {r['wall_median_ms']:.3f} | "
            f"{r['wall_p95_ms']:.3f} | {r['calls']:,} | {r['options']:.1f} |"
        )
    by_n = {n: r for label, n, r in rows if "synthetic" in label}
    small, large = by_n[SIZES[0]]["median_ms"], by_n[SIZES[-1]]["median_ms"]
    growth = (
        f"From 100 to 2,000 providers (20×) the median grows {large / small:.1f}× "
        f"({small:.3f} → {large:.3f} ms); from 1,000 to 2,000 (2×) it grows "
        f"{large / by_n[SIZES[1]]['median_ms']:.1f}×, i.e. the cost grows about as n^"
        f"{math.log(large / small) / math.log(SIZES[-1] / SIZES[0]):.2f} "
        "(1.00 would be a scan of the whole catalogue for every answer set)."
    )
    sets_line = f"Median at {SIZES[-1]:,} per answer set: " + ", ".join(
        f"{label} {ms:.2f} ms" for label, ms in per_set
    )
    targets = [
        "| target | measured | verdict |",
        "|---|---:|---|",
        f"| match() median at {SIZES[-1]:,} providers ≤ {MATCH_MEDIAN_MS:.0f} ms | "
        f"{large:.2f} ms CPU "
        f"({by_n[SIZES[-1]]['wall_median_ms']:.2f} ms wall) | "
        f"{_verdict(large <= MATCH_MEDIAN_MS)} |",
    ]
    site_lines: list[str] = []
    if site:
        big, r = site["big"], site["real"]
        targets.append(
            f"| cold start ≤ {STARTUP_S:.0f} s ({SIZES[-1]:,} providers) | "
            f"{big['startup_cpu_s']:.2f} s CPU ({big['startup_s']:.2f} s wall) | "
            f"{_verdict(float(big['startup_cpu_s']) <= STARTUP_S)} |"
        )
        targets.append(
            f"| one worker ≤ {RSS_MB:.0f} MB RSS ({SIZES[-1]:,} providers, peak after load) | "
            f"{big['rss_peak']:.0f} MB | {_verdict(float(big['rss_peak']) <= RSS_MB)} |"
        )
        site_lines = [
            "",
            "| site | start-up to first /healthz (wall, median of n) | CPU | RSS after start-up | "
            "RSS after load | peak RSS | result POST req/s | CPU ms/result | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            *[
                f"| {label} | {s['startup_s']:.2f} s (n={s['starts']}) | "
                f"{s['startup_cpu_s']:.2f} s | {s['rss_idle']:.0f} MB | "
                f"{s['rss_loaded']:.0f} MB | {s['rss_peak']:.0f} MB | "
                f"{fmt_rate(float(s['result_rps']))} | {s['result_cpu_ms']:.2f} | "
                f"{s['result_errors']} |"
                for label, s in (("real catalogue", r), (f"{SIZES[-1]:,} providers", big))
            ],
            "",
            f"load_catalog() in-process: {real_load_s:.2f} s for the real catalogue, "
            f"{load_big_s:.2f} s for {SIZES[-1]:,} providers.",
        ]
    method = (
        "match() timed in-process one call at a time, as CPU time of the calling thread "
        "(time.thread_time_ns: what a dedicated core would take, since other work shared this "
        "machine) and as wall time (time.perf_counter_ns), over "
        f"{n_sets} answer sets (complex, exploitation, autonomous, urgent, no place); the matching "
        "and start-up targets are judged on CPU time. The "
        "synthetic catalogues keep the real shape: two hubs per region, n/200 national lines "
        "(at least 5), the rest regular (70 %) or specialised services, 90 % in one region, "
        "7 % in 2-4 regions, 3 % national. Start-up is measured from spawning uvicorn (one "
        "worker, imports, create_app and its lifespan) until /healthz answers 200 (wall time, and "
        "the worker's CPU seconds by then, including any children it has waited for); RSS is "
        "the worker's VmRSS/VmHWM, after start-up and after a few "
        "seconds of result POSTs at 64 connections. Every start is cold: the YAML is loaded "
        "strictly and validated each time."
    )
    return "\n".join(
        [
            f"Generated by `make bench` (scripts/bench_matching.py) on {info['date']}, "
            f"{info['cpu']}, Python {info['python']}.",
            "",
            *table,
            "",
            textwrap.fill(growth, 100),
            "",
            sets_line,
            *site_lines,
            "",
            *targets,
            "",
            textwrap.fill(method, 100),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
