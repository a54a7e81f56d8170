"""Benchmark runner: ``python -m bench.run [-n 100000] [--corpus PATH] [--json FILE]``.

Generates a corpus (unless ``--corpus``), isolates every XDG directory in a temporary
folder, then measures indexing (in a subprocess, for clean peak memory), re-scans, search
latency by query class, article open time, TUI start-up and key latency, memory and index
size. Prints a table with the product targets beside the figures and writes JSON. A part
that is missing or fails prints "n/a" with the reason; nothing else is skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import html
import json
import math
import os
import platform
import random
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from bench import generate as gen
from bench.vocab import EN_PHRASES, EN_TERMS, ZERO_HIT_TERMS, ZH_WORDS

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
    Target("re-scan, no changes", "index.rescan_nochange_s", 0.6, "s"),
    Target("TUI first screen, warm (process)", "tui.process_first_screen_s", 0.5, "s"),
    Target("TUI first screen, warm (headless)", "tui.headless_first_screen_s", 0.5, "s"),
    Target("search newest-first p50", "search.overall.newest.p50_ms", 10, "ms"),
    Target("search newest-first p95", "search.overall.newest.p95_ms", 50, "ms"),
    Target("search relevance+snippets p95", "search.overall.relevance.p95_ms", 100, "ms"),
    Target("speed-up vs grep tool at p50", "grep.speedup_p50", 50, "×", higher_is_better=True),
    Target("open 5 KB article", "open.5k.median_ms", 30, "ms"),
    Target("open 50 KB article", "open.50k.median_ms", 100, "ms"),
    Target("open 1 MB article", "open.1m.median_ms", 1000, "ms"),
    Target("key-to-redraw CPU p50", "tui.key_cpu_p50_ms", 10, "ms"),
    Target("TUI peak RSS", "tui.process_peak_rss_mb", 120, "MB"),
    Target("index size / collection bytes", "index.size_ratio", 1.5, "×"),
)


# ---------------------------------------------------------------- small helpers


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
    ),
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


def dir_bytes(path: Path) -> int:
    """Total size of the regular files under ``path``."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def corpus_files(root: Path) -> list[Path]:
    """Article files under ``root`` (sorted, for determinism)."""
    suffixes = {".md", ".markdown", ".html", ".htm", ".txt"}
    out = [
        Path(d, f)
        for d, _dirs, files in os.walk(root)
        for f in files
        if Path(f).suffix.lower() in suffixes and not f.startswith(".")
    ]
    out.sort()
    return out


def _descendants(pid: int) -> list[int]:
    """``pid`` and all its live descendants (via /proc/PID/task/TID/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{p}/task"):
                with contextlib.suppress(OSError, ValueError):
                    text = Path(f"/proc/{p}/task/{task}/children").read_text()
                    todo.extend(int(c) for c in text.split())
    return out


def _pss_mb(pid: int) -> float:
    """Proportional set size of one process in MB (shared pages split), 0 when gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def run_child(
    args: list[str], env: dict[str, str], timeout: float
) -> tuple[dict[str, Any], float, dict[str, float]]:
    """Run ``python -m bench.child ARGS``; return its JSON, wall seconds and memory.

    Memory: ``maxrss_mb`` from ``os.wait4`` (this child and the workers it reaped) and
    ``tree_pss_mb``, the peak of the summed PSS of the child and all its descendants
    (sampled every 100 ms; worker pools are included even when never reaped).
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.child", *args],
            stdout=out,
            stderr=err,
            env=env,
            cwd=CODE_DIR[0],
        )
        deadline = t0 + timeout
        peak_tree = 0.0
        next_sample = t0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if now > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                raise TimeoutError(f"child {args[0]} exceeded {timeout:.0f} s")
            if now >= next_sample:
                peak_tree = max(peak_tree, sum(_pss_mb(p) for p in _descendants(proc.pid)))
                next_sample = now + 0.1
            time.sleep(0.01)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, errors = out.read(), err.read()
    if proc.returncode != 0:
        tail = errors.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        raise RuntimeError(tail[0])
    lines = [ln for ln in text.splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError("child printed no JSON")
    memory = {"maxrss_mb": usage.ru_maxrss / 1024, "tree_pss_mb": peak_tree}
    return json.loads(lines[-1]), wall, memory


# ---------------------------------------------------------------- corpus and queries


_TAG = re.compile(r"<[^>]+>")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]{1,}")


def _body_text(text: str) -> tuple[str, list[str]]:
    """Plain body text of an article file and its category lines."""
    parts = text.split("\n---", 2)
    head, body = (parts[1], parts[2]) if len(parts) == 3 else ("", text)
    cats = [ln.strip()[2:].strip() for ln in head.splitlines() if ln.strip().startswith("- ")]
    return html.unescape(_TAG.sub(" ", body)), cats


def derive_queries(files: Sequence[Path], seed: int, per_class: int = 6) -> dict[str, list[str]]:
    """Queries for every class, drawn from a sample of the corpus's own text.

    Terms are spread over document-frequency tiers (very common to rare); words of the
    generator's vocabulary are preferred when the corpus uses it, so queries are real words.
    """
    rng = random.Random(seed)
    sample = rng.sample(list(files), min(400, len(files))) if files else []
    df: dict[int, Counter[str]] = {n: Counter() for n in (1, 2, 3, 4)}
    latin: Counter[str] = Counter()
    roots: Counter[str] = Counter()
    runs: list[str] = []
    latin_pairs: list[str] = []
    for path in sample:
        try:
            text, cats = _body_text(path.read_text("utf-8", errors="replace"))
        except OSError:
            continue
        if cats:
            roots[cats[0]] += 1
        doc_runs = _CJK_RUN.findall(text)
        runs.extend(r for r in doc_runs if len(r) >= 6)
        for n in df:
            df[n].update({r[i : i + n] for r in doc_runs for i in range(len(r) - n + 1)})
        words = _LATIN.findall(text)
        latin.update({w for w in words if len(w) >= 2})
        latin_pairs.extend(m.group(0) for m in re.finditer(r"\b[a-z]{3,} [a-z]{3,}\b", text))
    vocab = set(ZH_WORDS)
    english = set(EN_TERMS)

    def tiers(counter: Counter[str], prefer: Callable[[str], bool]) -> list[str]:
        ranked = [t for t, c in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 2]
        preferred = [t for t in ranked if prefer(t)]
        pool = preferred if len(preferred) >= per_class else ranked
        if len(pool) <= per_class:
            return pool
        # skip the very top (that is the "common" class) and spread over the rest
        marks = [0.02 + 0.9 * k / (per_class - 1) for k in range(per_class)]
        return list(dict.fromkeys(pool[min(len(pool) - 1, int(m * len(pool)))] for m in marks))

    zh34 = df[3] + df[4]
    queries: dict[str, list[str]] = {
        "zh-1": tiers(df[1], lambda t: True),
        "zh-2": tiers(df[2], lambda t: t in vocab),
        "zh-3-4": tiers(zh34, lambda t: t in vocab),
        "english": tiers(latin, lambda t: t in english),
    }
    top2 = [t for t, _ in sorted(df[2].items(), key=lambda kv: (-kv[1], kv[0]))[:40]]
    common2 = [t for t in top2 if t in vocab] or top2[:4]
    queries["common"] = common2[:per_class]
    phrases = [p for p in EN_PHRASES if any(p in lp for lp in latin_pairs)][: per_class // 2]
    if not phrases:
        phrases = list(dict.fromkeys(latin_pairs))[: per_class // 2]
    for r in rng.sample(runs, min(len(runs), per_class - len(phrases))):
        start = rng.randrange(0, len(r) - 5)
        phrases.append(r[start : start + rng.choice((5, 6))])
    queries["phrase"] = [f'"{p}"' for p in phrases]
    mid2 = queries["zh-2"] or ["数据"]
    cat_names = [c for c, _ in roots.most_common(per_class)] or ["新媒体"]
    queries["filtered"] = [
        f"category:{cat_names[k % len(cat_names)]} {mid2[k % len(mid2)]}" for k in range(per_class)
    ]
    queries["zero-hit"] = list(ZERO_HIT_TERMS)[:per_class]
    return queries


def touch_files(files: Sequence[Path], fraction: float, seed: int) -> list[Path]:
    """Rewrite ``fraction`` of the files with changed content (a marker paragraph added)."""
    rng = random.Random(seed + 7)
    chosen = rng.sample(list(files), max(1, int(len(files) * fraction))) if files else []
    for k, path in enumerate(chosen):
        text = path.read_text("utf-8", errors="surrogateescape")
        extra = f"<p>基准修改标记 {TOUCH_MARKER} 第{k}次修改。</p>"
        if "</div>" in text:
            head, _, tail = text.rpartition("</div>")
            text = f"{head}{extra}</div>{tail}"
        else:
            text += f"\n\n{extra}\n"
        path.write_text(text, "utf-8", errors="surrogateescape")
    return chosen


# ---------------------------------------------------------------- measurements


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
            f"  {cls}: newest p50 {_fmt(entry['newest']['p50_ms'], 'ms')}, relevance p50 "
            f"{_fmt(entry['relevance']['p50_ms'], 'ms')}"
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


OPEN_RANGES: dict[str, tuple[int, int, int]] = {
    "5k": (4_000, 6_500, 5_000),
    "50k": (35_000, 80_000, 50_000),
    "1m": (400_000, 4_000_000, 1_000_000),
}
"""For a corpus without ``--long`` files: acceptable file sizes and the ideal one."""


def find_ids(col: Any, corpus: Path) -> dict[str, tuple[int, int]]:
    """Ids and file sizes of the 5 KB / 50 KB / 1 MB articles.

    The ``--long`` files when present (dated newest, so found at once), else the indexed
    file closest to each size within :data:`OPEN_RANGES`.
    """
    wanted = {p.name: label for label, p in gen.long_paths(corpus, 1)}
    found: dict[str, tuple[int, int]] = {}
    best: dict[str, tuple[int, int, int]] = {}  # label → (distance, id, size)
    ids = col.ids()
    for start in range(0, len(ids), 2000):
        for row in col.rows(ids[start : start + 2000]):
            label = wanted.get(Path(row.path).name)
            try:
                size = Path(row.path).stat().st_size
            except OSError:
                continue
            if label and label not in found:
                found[label] = (row.id, size)
            for name, (low, high, ideal) in OPEN_RANGES.items():
                if low <= size <= high:
                    dist = abs(size - ideal)
                    if name not in best or dist < best[name][0]:
                        best[name] = (dist, row.id, size)
        if len(found) == len(wanted) or (start >= 4000 and len(best) == len(OPEN_RANGES)):
            break
    for name, (_dist, id_, size) in best.items():
        found.setdefault(name, (id_, size))
    return found


def measure_open(res: Results, col: Any, corpus: Path, repeat: int) -> None:
    """``Collection.article`` + ``layout_article(width=100)``: first and median of ``repeat``."""
    sec = res.section("open")
    try:
        from reader.render import layout_article
    except Exception as exc:
        res.na("open", f"reader.render not importable ({reason(exc)})")
        return
    found = find_ids(col, corpus)
    for label in ("5k", "50k", "1m"):
        if label not in found:
            res.na(f"open.{label}", "no such article in the corpus (use --long)")
            continue
        art_id, size = found[label]
        with res.guard(f"open.{label}"):
            times, fetch, lines = [], [], 0
            for _ in range(max(3, repeat)):
                t0 = time.perf_counter()
                art = col.article(art_id)
                t1 = time.perf_counter()
                lines = len(layout_article(art, 100))
                times.append((time.perf_counter() - t0) * 1000)
                fetch.append((t1 - t0) * 1000)
            sec[label] = {
                "bytes": size,
                "first_ms": times[0],
                "median_ms": statistics.median(times),
                "fetch_median_ms": statistics.median(fetch),
                "lines": lines,
            }


# ---------------------------------------------------------------- TUI


def _make_app(corpus: Path) -> Any:
    """The app as the CLI would build it for ``newsreader CORPUS``."""
    import reader.tui.app as app_mod

    for name in ("make_app", "create_app"):
        factory = getattr(app_mod, name, None)
        if callable(factory):
            return factory([corpus])
    from textual.app import App

    classes = [
        v
        for v in vars(app_mod).values()
        if isinstance(v, type)
        and issubclass(v, App)
        and v is not App
        and v.__module__ == app_mod.__name__
    ]
    if not classes:
        raise RuntimeError("reader.tui.app defines no App subclass")
    cls = classes[0]
    for call in (lambda: cls([corpus]), lambda: cls(roots=[corpus]), lambda: cls(paths=[corpus])):
        with contextlib.suppress(TypeError):
            return call()
    raise RuntimeError(f"cannot construct {cls.__name__} for a collection path")


def _list_rows(app: Any) -> int:
    """Rows shown by the article list (0 while it is empty or not mounted)."""
    from textual.widgets import DataTable, ListView, OptionList

    for widget in app.screen.query("*"):
        name = type(widget).__name__.lower()
        if isinstance(widget, DataTable):
            if widget.row_count:
                return widget.row_count
        elif isinstance(widget, OptionList):
            if widget.option_count:
                return widget.option_count
        elif isinstance(widget, ListView):
            if len(widget.children):
                return len(widget.children)
        elif "articlelist" in name or "article_list" in name:
            for attr in ("row_count", "count", "total", "size"):
                value = getattr(widget, attr, None)
                value = value() if callable(value) else value
                if isinstance(value, int) and value > 0:
                    return value
            ids = getattr(widget, "ids", None)
            if isinstance(ids, Sequence) and len(ids) > 0:
                return len(ids)
    return 0


async def _next_display(stamps: list[float], after: int, timeout: float) -> float | None:
    """Wait until the app has sent screen update number ``after + 1``; its time or None."""
    deadline = time.perf_counter() + timeout
    while len(stamps) <= after:
        if time.perf_counter() > deadline:
            return None
        await asyncio.sleep(0.0005)
    return stamps[after]


async def _headless(corpus: Path, presses: int, baseline: bool = False) -> dict[str, Any]:
    """Run the app headless; time to the first paint with rows, then per-key latency.

    Key latency: a ``j`` key event goes to the driver and the clock stops at the next
    screen update the app produces (``App._display``); CPU is ``time.thread_time`` of the UI
    thread from the key to idle (``Pilot.pause``): process-wide CPU would also count the
    start-up re-scan running in a worker thread meanwhile (at 1M that was 0.5 s a press).
    Pilot adds about a millisecond of overhead
    (``baseline=True`` measures it on a one-label app whose ``j`` changes the label).
    """
    from textual import events

    out: dict[str, Any] = {}
    if baseline:
        from textual.app import App
        from textual.widgets import Static

        class Empty(App[None]):
            BINDINGS: ClassVar[list[Any]] = [("j", "bump", "bump")]
            presses = 0

            def compose(self) -> Any:
                yield Static("baseline", id="s")

            def action_bump(self) -> None:
                self.presses += 1
                self.query_one("#s", Static).update(f"pressed {self.presses}")

        app: Any = Empty()
    else:
        app = _make_app(corpus)
    stamps: list[float] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            stamps.append(time.perf_counter())
        original(screen, renderable)

    app._display = display
    t0 = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        if not baseline:
            deadline = t0 + 60
            while _list_rows(app) == 0:
                if time.perf_counter() > deadline:
                    raise TimeoutError("the article list showed no rows within 60 s")
                await asyncio.sleep(0.002)
            out["rows_s"] = time.perf_counter() - t0
            painted = await _next_display(stamps, len(stamps), 2.0)
            out["first_screen_s"] = (painted or time.perf_counter()) - t0
            out["rows"] = _list_rows(app)
        await pilot.pause()
        walls: list[float] = []
        cpus: list[float] = []
        for _ in range(presses):
            n = len(stamps)
            w0, c0 = time.perf_counter(), time.thread_time()
            key = events.Key("j", "j")
            key.set_sender(app)
            app._driver.send_message(key)
            shown = await _next_display(stamps, n, 2.0)
            await pilot.pause()
            cpus.append((time.thread_time() - c0) * 1000)
            walls.append(((shown or time.perf_counter()) - w0) * 1000)
        out["key_wall_ms"] = walls
        out["key_cpu_ms"] = cpus
    return out


def measure_tui_headless(res: Results, corpus: Path, presses: int) -> None:
    """App.run_test: time until the list shows rows; per-press wall and CPU time for ``j``."""
    sec = res.section("tui")
    try:
        out = asyncio.run(_headless(corpus, presses))
    except Exception as exc:
        res.na("tui.headless", reason(exc))
        return
    sec["headless_first_screen_s"] = out["first_screen_s"]
    sec["headless_rows"] = out["rows"]
    walls, cpus = out["key_wall_ms"][2:], out["key_cpu_ms"][2:]  # first presses warm caches
    sec["key_p50_ms"], sec["key_p95_ms"] = pct(walls, 50), pct(walls, 95)
    sec["key_cpu_p50_ms"], sec["key_cpu_p95_ms"] = pct(cpus, 50), pct(cpus, 95)
    with res.guard("tui.key_baseline_cpu_ms"):
        base = asyncio.run(_headless(corpus, 12, baseline=True))
        sec["key_baseline_cpu_ms"] = pct(base["key_cpu_ms"][2:], 50)
        sec["key_baseline_wall_ms"] = pct(base["key_wall_ms"][2:], 50)


def _tmux(sock: str, *args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", sock, *args], capture_output=True, text=True, check=False, timeout=10
    ).stdout


def _proc_mem_mb(pid: int) -> dict[str, float]:
    """VmHWM (peak), VmRSS, RssAnon and RssFile (mmapped index pages count here) in MB."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return out


def _vm_hwm_mb(pid: int) -> float | None:
    """Peak RSS (VmHWM) of a live process, MB."""
    return _proc_mem_mb(pid).get("VmHWM")


def _spawn_until(
    sock: str,
    command: str,
    env: dict[str, str],
    needles: Sequence[str],
    timeout: float,
    session: str = "bench",
) -> tuple[float, int | None]:
    """Start ``command`` in a detached 120×40 tmux session; seconds until a needle shows."""
    env_prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    t0 = time.perf_counter()
    started = subprocess.run(
        [
            "tmux",
            "-L",
            sock,
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "120",
            "-y",
            "40",
            "-c",
            str(CODE_DIR[0]),
            f"exec env {env_prefix} {command}",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )
    if started.returncode != 0:
        raise RuntimeError(f"tmux new-session failed: {started.stderr.strip()[:200]}")
    while True:
        screen = _tmux(sock, "capture-pane", "-p", "-t", session)
        if any(n in screen for n in needles):
            elapsed = time.perf_counter() - t0
            break
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError(
                f"no row on screen after {timeout:.0f} s; screen: {screen.strip()[:200]!r}"
            )
        time.sleep(0.005)
    pid_text = _tmux(sock, "display-message", "-p", "-t", session, "#{pane_pid}").strip()
    return elapsed, int(pid_text) if pid_text.isdigit() else None


def measure_tui_process(
    res: Results, corpus: Path, col: Any, env: dict[str, str], common_term: str = "数据"
) -> None:
    """Spawn the real program in tmux; time until a row title is on screen; peak RSS."""
    sec = res.section("tui")
    if not shutil.which("tmux"):
        res.na("tui.process", "tmux is not installed")
        return
    exe = Path(sys.executable).with_name("newsreader")
    command = shlex.quote(str(exe)) if exe.exists() else f"{shlex.quote(sys.executable)} -m reader"
    command += f" {shlex.quote(str(corpus))}"
    sec["process_command"] = command
    needles = [r.title[:6] for r in col.rows(col.ids()[:30]) if len(r.title) >= 4]
    if not needles:
        res.na("tui.process", "no titles to look for")
        return
    keys = (
        "XDG_CACHE_HOME",
        "XDG_DATA_HOME",
        "XDG_CONFIG_HOME",
        "XDG_STATE_HOME",
        "PATH",
        "HOME",
        "PYTHONPATH",
    )
    penv = {k: env[k] for k in keys if k in env} | {"TERM": "xterm-256color", "LANG": "C.UTF-8"}
    sock = f"newsreader-bench-{os.getpid()}"
    try:
        # one server for all sessions: its start-up is not part of any figure
        subprocess.run(
            ["tmux", "-L", sock, "new-session", "-d", "-s", "keep", "sleep 600"],
            check=True,
            timeout=10,
        )
        base, _ = _spawn_until(
            sock, "sh -c 'echo bench-ready; sleep 30'", penv, ["bench-ready"], 10, "base"
        )
        _tmux(sock, "kill-session", "-t", "base")
        sec["process_tmux_overhead_s"] = base
        first, pid = _spawn_until(sock, command, penv, needles, 60)
        sec["process_first_screen_s"] = first
        for _ in range(20):
            _tmux(sock, "send-keys", "-t", "bench", "j")
            time.sleep(0.02)
        time.sleep(0.5)
        sec["process_browse_rss_mb"] = _vm_hwm_mb(pid) if pid else None
        # a search for a very common term (every id of the result is held), then back
        _tmux(sock, "send-keys", "-t", "bench", "/")
        time.sleep(0.3)
        _tmux(sock, "send-keys", "-t", "bench", "-l", common_term)
        _tmux(sock, "send-keys", "-t", "bench", "Enter")
        time.sleep(2.0)
        sec["process_peak_rss_mb"] = _vm_hwm_mb(pid) if pid else None
        sec["process_memory_now_mb"] = _proc_mem_mb(pid) if pid else None
        if sec["process_peak_rss_mb"] is None:
            res.na("tui.process_peak_rss_mb", "could not read /proc/PID/status")
    except Exception as exc:
        res.na("tui.process", reason(exc))
    finally:
        _tmux(sock, "kill-server")
        socket_dir = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        with contextlib.suppress(OSError):
            (socket_dir / sock).unlink()


# ---------------------------------------------------------------- report


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        if unit == "s":
            return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
        if unit == "ms":
            return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"
        return f"{value:.2f}{(' ' + unit) if unit and unit != '×' else unit}"
    return f"{value}{(' ' + unit) if unit else ''}"


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its figure and met (True/False) or None when n/a."""
    rows = []
    for t in TARGETS:
        value = lookup(results, t.key)
        met = (
            None
            if value is None
            else (value >= t.limit if t.higher_is_better else value <= t.limit)
        )
        rows.append(
            {
                "name": t.name,
                "key": t.key,
                "target": t.limit,
                "unit": t.unit,
                "higher_is_better": t.higher_is_better,
                "value": value,
                "met": met,
            }
        )
    return rows


def print_report(results: dict[str, Any]) -> None:
    """Targets table, search-by-class table and other figures."""
    meta = results["meta"]
    print()
    print(
        f"newsreader benchmark — N={meta['n']} ({meta['corpus_files']} files, "
        f"{meta['corpus_bytes'] / 1e6:.1f} MB), Python {meta['python']}, SQLite {meta['sqlite']}, "
        f"{meta['cpus']} CPUs"
    )
    print()
    print(f"{'measure':40} {'value':>12}  {'target':>12}  result")
    print("-" * 76)
    for row in results["targets"]:
        op = "≥" if row["higher_is_better"] else "≤"
        mark = {True: "met", False: "MISSED", None: "n/a"}[row["met"]]
        unit = "" if row["unit"] == "×" else f" {row['unit']}"
        target = f"{op} {row['target']:g}{unit or '×'}"
        print(f"{row['name']:40} {_fmt(row['value'], row['unit']):>12}  {target:>12}  {mark}")
    idx = results.get("index") or {}
    print()
    print(
        f"indexed articles: {_fmt(idx.get('articles'))}; cold wall (process): "
        f"{_fmt(idx.get('cold_wall_s'), 's')}; indexing peak RSS: "
        f"{_fmt(idx.get('cold_peak_rss_mb'), 'MB')} (process tree PSS {_fmt(idx.get('cold_tree_pss_mb'), 'MB')}); "
        f"list {_fmt(idx.get('cold_list_s'), 's')}, phases: {idx.get('cold_phases')}"
    )
    print(
        f"re-scan no changes: peak RSS {_fmt(idx.get('rescan_nochange_rss_mb'), 'MB')}; "
        f"re-scan after rewriting {idx.get('touched_files')} files: "
        f"{_fmt(idx.get('rescan_touched_s'), 's')} (updated {idx.get('touched_updated')}); "
        f"index {_fmt((idx.get('index_bytes') or 0) / 1e6, 'MB')}"
    )
    search = results.get("search") or {}
    if search.get("classes"):
        print()
        print(
            f"{'query class':12} {'newest p50':>11} {'p95':>9} {'relev p50':>11} {'p95':>9}  "
            "hits (newest-first totals)"
        )
        for cls, e in search["classes"].items():
            hits = ", ".join(f"{q}={h}" for q, h in list(e["hits"].items())[:6])
            print(
                f"{cls:12} {_fmt(e['newest']['p50_ms'], 'ms'):>11} {_fmt(e['newest']['p95_ms'], 'ms'):>9} "
                f"{_fmt(e['relevance']['p50_ms'], 'ms'):>11} {_fmt(e['relevance']['p95_ms'], 'ms'):>9}  {hits}"
            )
            if e.get("errors"):
                print(f"{'':12} errors: {e['errors']}")
            if e.get("slow"):
                print(f"{'':12} slow (not repeated / skipped): {e['slow']}")
        print(
            f"touched marker hits: {search.get('touched_hits')}; known term: {search.get('known_term')}"
        )
    grep = results.get("grep") or {}
    if grep.get("tool"):
        print(
            f"{grep['tool']}: p50 {_fmt(grep.get('p50_ms'), 'ms')} vs search newest-first "
            f"p50 on the same queries {_fmt(grep.get('search_p50_ms'), 'ms')}"
        )
    op = results.get("open") or {}
    for label in ("5k", "50k", "1m"):
        if op.get(label):
            o = op[label]
            print(
                f"open {label}: {o['bytes']} B, first {_fmt(o['first_ms'], 'ms')}, median "
                f"{_fmt(o['median_ms'], 'ms')} (fetch {_fmt(o['fetch_median_ms'], 'ms')}), {o['lines']} lines"
            )
    tui = results.get("tui") or {}
    print(
        f"TUI: headless first screen {_fmt(tui.get('headless_first_screen_s'), 's')} "
        f"({tui.get('headless_rows')} rows); key wall p50/p95 {_fmt(tui.get('key_p50_ms'), 'ms')}/"
        f"{_fmt(tui.get('key_p95_ms'), 'ms')}, CPU p50/p95 {_fmt(tui.get('key_cpu_p50_ms'), 'ms')}/"
        f"{_fmt(tui.get('key_cpu_p95_ms'), 'ms')} (empty-app Pilot baseline CPU "
        f"{_fmt(tui.get('key_baseline_cpu_ms'), 'ms')}, wall {_fmt(tui.get('key_baseline_wall_ms'), 'ms')}); process first screen "
        f"{_fmt(tui.get('process_first_screen_s'), 's')} (tmux overhead "
        f"{_fmt(tui.get('process_tmux_overhead_s'), 's')}), peak RSS {_fmt(tui.get('process_peak_rss_mb'), 'MB')} "
        f"after a search, {_fmt(tui.get('process_browse_rss_mb'), 'MB')} browsing; "
        f"at the end {tui.get('process_memory_now_mb')}"
    )
    if results["na"]:
        print()
        for key, why in results["na"].items():
            print(f"n/a {key}: {why}")


# ---------------------------------------------------------------- main


def snapshot_code(dest: Path) -> Path:
    """Copy ``reader`` and ``bench`` to ``dest``, so code edited during a long run is not mixed in.

    Every process of the run (indexing children, the TUI in tmux, this one) imports from
    the copy: an index written by one version is never re-read by another.
    """
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("reader", "bench"):
        shutil.copytree(REPO / package, dest / package, ignore=ignore)
    if "reader" in sys.modules:
        raise RuntimeError("reader was imported before the code snapshot was taken")
    return dest


def code_hash(package: Path) -> str:
    """Short hash of a package's source files (which version was measured)."""
    digest = hashlib.sha1()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".tcss"):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Do the whole benchmark; return the results document."""
    res = Results()
    work = Path(tempfile.mkdtemp(prefix="newsreader-bench-", dir=args.tmp))
    meta = res.section("meta")
    meta.update(
        n=args.n,
        seed=args.seed,
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        cpus=os.cpu_count(),
        workdir=str(work),
        started=time.strftime("%Y-%m-%d %H:%M:%S"),
    )
    saved_env = dict(os.environ)
    try:
        xdg = {}
        for name in ("CACHE", "DATA", "CONFIG", "STATE"):
            folder = work / "xdg" / name.lower()
            folder.mkdir(parents=True)
            xdg[f"XDG_{name}_HOME"] = str(folder)
        os.environ.update(xdg)
        env = dict(os.environ)
        CODE_DIR[0] = REPO if args.live else snapshot_code(work / "code")
        meta["code"] = str(CODE_DIR[0])
        meta["code_hash"] = code_hash(CODE_DIR[0] / "reader")
        path = [str(CODE_DIR[0]), str(REPO)]
        if CODE_DIR[0] != REPO:
            sys.path.insert(0, str(CODE_DIR[0]))
        env["PYTHONPATH"] = os.pathsep.join(
            path + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
        )

        if args.corpus and args.copy:
            corpus = work / "corpus"
            log(f"copying {args.corpus} …")
            shutil.copytree(args.corpus, corpus, symlinks=True)
        elif args.corpus:
            corpus = args.corpus.resolve()
        else:
            corpus = work / "corpus"
            log(f"generating {args.n} articles (seed {args.seed}) …")
            rep = gen.generate(corpus, args.n, seed=args.seed, long=1)
            meta["generated_s"] = rep.seconds
            log(f"  {rep.files} files, {rep.bytes / 1e6:.1f} MB in {rep.seconds:.1f} s")
        files = corpus_files(corpus)
        meta["corpus"] = str(corpus)
        meta["corpus_files"] = len(files)
        meta["corpus_bytes"] = sum(f.stat().st_size for f in files)
        if args.corpus:
            meta["n"] = len(files)
        queries = derive_queries(files, args.seed)

        measure_index(res, corpus, env, files, meta["corpus_bytes"], args)

        col = None
        try:
            from reader.library.index import Collection

            col = Collection([corpus])
        except Exception as exc:
            res.na("collection", reason(exc))
        if col is not None:
            log("search latency …")
            with res.guard("search"):
                measure_search(res, col, queries, args.repeat, args.slow_ms)
            if not args.no_grep:
                log("grep baseline …")
                with res.guard("grep"):
                    measure_grep(res, corpus, queries)
            log("article open …")
            with res.guard("open"):
                measure_open(res, col, corpus, args.repeat)
        if not args.no_tui:
            log("TUI headless …")
            with res.guard("tui.headless"):
                measure_tui_headless(res, corpus, args.presses)
            if col is not None:
                log("TUI process in tmux …")
                with res.guard("tui.process"):
                    measure_tui_process(
                        res, corpus, col, env, (queries.get("common") or ["数据"])[0]
                    )
        if col is not None:
            col.close()
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        if CODE_DIR[0] != REPO and str(CODE_DIR[0]) in sys.path:
            sys.path.remove(str(CODE_DIR[0]))
        CODE_DIR[0] = REPO
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    res.data["targets"] = evaluate(res.data)
    return res.data


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=100_000, help="articles to generate (default 100000)")
    ap.add_argument("--corpus", type=Path, help="benchmark this folder instead of generating one")
    ap.add_argument(
        "--copy",
        action="store_true",
        help="with --corpus: work on a copy (enables the 1 %% rewrite)",
    )
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temporary corpus and index")
    ap.add_argument("--repeat", type=int, default=5, help="repetitions per search query")
    ap.add_argument(
        "--slow-ms",
        type=float,
        default=3000,
        help="a search slower than this is not repeated (default 3000)",
    )
    ap.add_argument("--presses", type=int, default=40, help="key presses for key latency")
    ap.add_argument(
        "--workers", type=int, default=None, help="indexing workers (default: library's)"
    )
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed per indexing run")
    ap.add_argument("--tmp", type=Path, default=None, help="where the temporary folder goes")
    ap.add_argument(
        "--live", action="store_true", help="import reader from the work tree, not a snapshot"
    )
    ap.add_argument("--no-tui", action="store_true", help="skip the TUI measurements")
    ap.add_argument("--no-grep", action="store_true", help="skip the rg/grep baseline")
    args = ap.parse_args(argv)
    args.may_touch = not args.corpus or args.copy
    results = run(args)
    print_report(results)
    if args.json:
        args.json.write_text(
            json.dumps(results, ensure_ascii=False, indent=1, default=str), "utf-8"
        )
        print(f"\nJSON written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
