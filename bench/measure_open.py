"""Article open time: ``Collection.article`` plus the CJK layout, for 5 KB / 50 KB / 1 MB."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from bench import generate as gen
from bench.results import Results, reason

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
