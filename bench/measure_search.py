"""Search latency by query class (in process) and the rg/grep baseline on the same queries."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.results import QUERY_CLASSES, TOUCH_MARKER, Results, fmt, log, lookup, pct


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = fn()
    return (time.perf_counter() - t0) * 1000, value


def measure_search(
    res: Results, col: Any, queries: dict[str, list[str]], repeat: int, slow_ms: float = 3000
) -> None:
    """p50/p95 per query class for newest-first (no snippets) and relevance+snippets top 50.

    A query whose first run takes over ``slow_ms`` is not repeated, and the rest of its
    class (in that mode) is skipped and listed under ``slow``, so one pathological query
    shape cannot hold the run for hours; its one time still counts in the percentiles.
    """
    sec = res.section("search")
    sec["queries"] = queries
    classes: dict[str, Any] = {}
    modes = {
        "newest": {"sort": "date", "limit": 50, "snippets": False},
        "relevance": {"sort": "relevance", "limit": 50, "snippets": True},
    }
    overall: dict[str, list[float]] = {m: [] for m in modes}
    for cls in QUERY_CLASSES:
        entry: dict[str, Any] = {"hits": {}, "errors": {}, "per_query_ms": {}, "slow": {}}
        for mode, kwargs in modes.items():
            first: list[float] = []
            times: list[float] = []
            per_query: dict[str, list[float]] = {}
            slow: dict[str, Any] = {}
            for q in queries.get(cls, []):  # first run of each query: cold statement cache
                if slow:
                    slow[q] = "skipped: an earlier query of this class was too slow"
                    continue
                ms, result = _timed(lambda q=q, kw=kwargs: col.search(q, **kw))
                first.append(ms)
                per_query[q] = []
                if mode == "newest":
                    entry["hits"][q] = result.total
                if result.error:
                    entry["errors"][q] = result.error
                if ms > slow_ms:
                    slow[q] = ms
                    times.append(ms)
                    per_query[q].append(ms)
            fast = [q for q in per_query if q not in slow]
            for _ in range(repeat):  # interleaved, so no query is timed back to back
                for q in fast:
                    ms, _result = _timed(lambda q=q, kw=kwargs: col.search(q, **kw))
                    times.append(ms)
                    per_query[q].append(ms)
            entry[mode] = {
                "p50_ms": pct(times, 50),
                "p95_ms": pct(times, 95),
                "max_ms": max(times, default=None),
                "first_p50_ms": pct(first, 50),
                "n": len(times),
            }
            entry["per_query_ms"][mode] = {
                q: statistics.median(v) for q, v in per_query.items() if v
            }
            if slow:
                entry["slow"][mode] = slow
            if cls != "zero-hit":
                overall[mode].extend(times)
        classes[cls] = entry
        log(
            f"  {cls}: newest p50 {fmt(entry['newest']['p50_ms'], 'ms')}, relevance p50 "
            f"{fmt(entry['relevance']['p50_ms'], 'ms')}"
            + (f"; slow: {entry['slow']}" if entry["slow"] else "")
        )
    sec["classes"] = classes
    sec["overall"] = {
        m: {"p50_ms": pct(v, 50), "p95_ms": pct(v, 95), "n": len(v)} for m, v in overall.items()
    }
    known = (queries.get("common") or ["的"])[0]
    sec["known_term"] = {"query": known, "hits": col.search(known, sort="date", limit=5).total}
    with res.guard("search.touched_hits"):
        sec["touched_hits"] = col.search(TOUCH_MARKER, sort="date", limit=5, snippets=False).total


def measure_grep(
    res: Results,
    corpus: Path,
    queries: dict[str, list[str]],
    per_query: dict[str, Any] | None = None,
) -> None:
    """``rg -l -F`` (or ``grep -rlF`` when rg is absent) for the same plain-term queries."""
    sec = res.section("grep")
    tool = shutil.which("rg")
    if tool:
        cmd, label = [tool, "-l", "-F", "--no-messages"], "rg -l -F"
    elif shutil.which("grep"):
        cmd, label = ["grep", "-r", "-l", "-F", "-s"], "grep -rlF (rg not installed)"
    else:
        res.na("grep", "neither rg nor grep installed")
        return
    sec["tool"] = label
    times: list[float] = []
    runs = []
    ours: list[float] = []
    classes = (lookup(res.data, "search.classes") or {}) if per_query is None else per_query
    for cls in ("zh-1", "zh-2", "zh-3-4", "english", "common", "zero-hit"):
        for q in queries.get(cls, [])[:2]:
            t0 = time.perf_counter()
            subprocess.run([*cmd, "--", q, str(corpus)], stdout=subprocess.DEVNULL, check=False)
            ms = (time.perf_counter() - t0) * 1000
            times.append(ms)
            mine = lookup(classes, f"{cls}.per_query_ms.newest")
            mine_ms = mine.get(q) if isinstance(mine, dict) else None
            if mine_ms is not None:
                ours.append(mine_ms)
            runs.append({"class": cls, "query": q, "ms": ms, "search_ms": mine_ms})
    sec["runs"] = runs
    sec["p50_ms"] = pct(times, 50)
    sec["search_p50_ms"] = pct(ours, 50)
    if sec["p50_ms"] and sec["search_p50_ms"]:
        sec["speedup_p50"] = sec["p50_ms"] / sec["search_p50_ms"]
