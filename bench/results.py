"""Shared pieces of the benchmark: targets, the results document, percentiles, logging."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

CODE_DIR: list[Path] = [REPO]
"""Where subprocesses import ``reader`` from: a snapshot taken at start (see ``--live``)."""

TOUCH_MARKER = "benchtouched"
"""Word added to every file the 1 % re-scan rewrites (search must then find exactly those)."""

QUERY_CLASSES = (
    "zh-1",
    "zh-2",
    "zh-3-4",
    "english",
    "phrase",
    "filtered",
    "zero-hit",
    "common",
)


@dataclass(frozen=True)
class Target:
    """One product target: a result key, a bound and how to print it."""

    name: str
    key: str
    limit: float
    unit: str
    higher_is_better: bool = False


TARGETS: tuple[Target, ...] = (
    Target("cold index: list browsable", "index.cold_list_s", 5, "s"),
    Target("cold index: full-text search ready", "index.cold_fts_s", 60, "s"),
    Target("no-change refresh (in process)", "index.rescan_nochange_s", 0.05, "s"),
    Target("`newsreader index`, no change (process)", "cli.index_nochange_s", 0.3, "s"),
    Target("`newsreader search` (whole process)", "cli.search_s", 0.15, "s"),
    Target("  … faster than `rg -l -F`", "cli.search_speedup_vs_rg", 3, "×", higher_is_better=True),
    Target("TUI first screen, warm (process)", "tui.process_first_screen_s", 0.5, "s"),
    Target("TUI first screen, warm (headless)", "tui.headless_first_screen_s", 0.5, "s"),
    Target("search newest-first p50", "search.overall.newest.p50_ms", 10, "ms"),
    Target("search newest-first p95", "search.overall.newest.p95_ms", 50, "ms"),
    Target("search filtered newest-first p95", "search.classes.filtered.newest.p95_ms", 50, "ms"),
    Target("search relevance+snippets p95", "search.overall.relevance.p95_ms", 100, "ms"),
    Target("speed-up vs grep tool at p50", "grep.speedup_p50", 50, "×", higher_is_better=True),
    Target("open 5 KB article", "open.5k.median_ms", 30, "ms"),
    Target("open 50 KB article", "open.50k.median_ms", 100, "ms"),
    Target("open 1 MB article", "open.1m.median_ms", 1000, "ms"),
    Target("key-to-redraw CPU p50", "tui.key_cpu_p50_ms", 10, "ms"),
    Target("TUI peak RSS", "tui.process_peak_rss_mb", 120, "MB"),
    Target("index size / collection bytes", "index.size_ratio", 1.5, "×"),
)


def pct(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile ``q`` (0–100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def lookup(results: dict[str, Any], dotted: str) -> Any:
    """``results["a"]["b"]`` for ``"a.b"``; None when any part is missing."""
    node: Any = results
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def reason(exc: BaseException) -> str:
    """A one-line reason for an n/a figure."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip().rstrip(":")[:200]


SCHEMA: dict[str, tuple[str, ...]] = {
    "meta": (
        "code",
        "code_hash",
        "n",
        "seed",
        "python",
        "sqlite",
        "cpus",
        "workdir",
        "started",
        "generated_s",
        "corpus",
        "corpus_files",
        "corpus_bytes",
        "loadavg_start",
        "loadavg_end",
    ),
    "corpus": ("mode", "note", "bigrams", "bigrams_real"),
    "index": (
        "articles",
        "cold_list_s",
        "cold_fts_s",
        "cold_first_rows_s",
        "cold_refresh_s",
        "cold_wall_s",
        "cold_rss_main_mb",
        "cold_rss_workers_mb",
        "cold_tree_pss_mb",
        "cold_peak_rss_mb",
        "cold_phases",
        "skipped",
        "rescan_nochange_s",
        "rescan_nochange_wall_s",
        "rescan_nochange_rss_mb",
        "rescan_touched_s",
        "touched_files",
        "touched_updated",
        "index_bytes",
        "size_ratio",
    ),
    "search": ("classes", "overall", "queries", "touched_hits", "known_term"),
    "grep": ("tool", "p50_ms", "search_p50_ms", "speedup_p50", "runs"),
    "cli": (
        "command",
        "search_query",
        "search_s",
        "search_min_s",
        "search_hits",
        "rg_tool",
        "rg_s",
        "rg_min_s",
        "rg_hits",
        "search_speedup_vs_rg",
        "index_nochange_s",
        "index_nochange_runs",
        "python_start_s",
    ),
    "open": ("5k", "50k", "1m"),
    "tui": (
        "headless_first_screen_s",
        "headless_rows",
        "key_p50_ms",
        "key_p95_ms",
        "key_cpu_p50_ms",
        "key_cpu_p95_ms",
        "key_baseline_cpu_ms",
        "key_baseline_wall_ms",
        "process_first_screen_s",
        "process_tmux_overhead_s",
        "process_peak_rss_mb",
        "process_browse_rss_mb",
        "process_memory_now_mb",
        "process_command",
    ),
}
"""Every section and key of the JSON document; a figure not measured stays null."""


class Results:
    """The JSON document being built, plus the n/a reasons."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {name: dict.fromkeys(keys) for name, keys in SCHEMA.items()}
        self.data["na"] = {}

    def section(self, name: str) -> dict[str, Any]:
        """One section of the document."""
        return self.data[name]

    def na(self, key: str, why: str) -> None:
        """Record why ``key`` (a dotted path or section) has no figure."""
        self.data["na"][key] = why
        print(f"  n/a  {key}: {why}", flush=True)

    @contextlib.contextmanager
    def guard(self, key: str) -> Any:
        """Run a measurement; an exception becomes an n/a entry instead of a crash."""
        try:
            yield
        except Exception as exc:
            self.na(key, reason(exc))


def log(msg: str) -> None:
    """Progress line on stderr-free stdout (flushed, so a long run shows where it is)."""
    print(f"[bench] {msg}", flush=True)


def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        if unit == "s":
            return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
        if unit == "ms":
            return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"
        return f"{value:.2f}{(' ' + unit) if unit and unit != '×' else unit}"
    return f"{value}{(' ' + unit) if unit else ''}"
