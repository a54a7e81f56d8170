"""Indexing figures: cold index, no-change re-scan and 1 % re-scan, each in its own process."""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench.corpus import dir_bytes, touch_files
from bench.probes import run_child
from bench.results import Results, log, reason


def measure_index(
    res: Results,
    corpus: Path,
    env: dict[str, str],
    files: list[Path],
    corpus_bytes: int,
    args: argparse.Namespace,
) -> None:
    """Cold index, no-change re-scan and 1 % re-scan, each in its own process."""
    sec = res.section("index")
    workers = [str(args.workers)] if args.workers else []
    log("cold index (subprocess) …")
    try:
        cold, wall, rss = run_child(["index", str(corpus), *workers], env, args.timeout)
    except Exception as exc:
        res.na("index", reason(exc))
        return
    sec["articles"] = cold["count"]
    sec["cold_fts_s"] = cold["fts_s"]
    sec["cold_list_s"] = cold["list_s"]
    sec["cold_first_rows_s"] = cold["first_rows_s"]
    sec["cold_refresh_s"] = cold["refresh_s"]
    sec["cold_rss_main_mb"] = cold["rss_self_mb"]
    sec["cold_rss_workers_mb"] = cold["rss_children_mb"]
    sec["cold_wall_s"] = wall
    sec["cold_peak_rss_mb"] = rss["maxrss_mb"]
    sec["cold_tree_pss_mb"] = rss["tree_pss_mb"]
    sec["cold_phases"] = cold["phases"]
    sec["skipped"] = cold["report"]["skipped"]
    if cold["report"]["skipped_examples"]:
        log(f"skipped: {cold['report']['skipped_examples']}")
    log(
        f"  {cold['count']} articles, {cold['refresh_s']:.2f} s, peak RSS {rss['maxrss_mb']:.0f} MB"
    )

    cache = Path(env["XDG_CACHE_HOME"])
    sec["index_bytes"] = dir_bytes(cache)
    sec["size_ratio"] = sec["index_bytes"] / corpus_bytes if corpus_bytes else None

    with res.guard("index.rescan_nochange_s"):
        log("re-scan, no changes …")
        runs = [run_child(["index", str(corpus), *workers], env, args.timeout) for _ in range(3)]
        sec["rescan_nochange_s"] = statistics.median(r[0]["refresh_s"] for r in runs)
        sec["rescan_nochange_wall_s"] = statistics.median(r[1] for r in runs)
        sec["rescan_nochange_rss_mb"] = max(r[0]["rss_self_mb"] for r in runs)
    if not args.may_touch:
        res.na("index.rescan_touched_s", "--corpus is never modified (add --copy to measure this)")
        return
    with res.guard("index.rescan_touched_s"):
        log("re-scan after rewriting 1 % of files …")
        touched = touch_files([f for f in files if "/long/" not in f.as_posix()], 0.01, args.seed)
        sec["touched_files"] = len(touched)
        out, _wall, _rss = run_child(["index", str(corpus), *workers], env, args.timeout)
        sec["rescan_touched_s"] = out["refresh_s"]
        sec["touched_updated"] = out["report"]["updated"]
        sec["index_bytes"] = dir_bytes(cache)
        sec["size_ratio"] = sec["index_bytes"] / corpus_bytes if corpus_bytes else None
