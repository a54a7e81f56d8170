"""Measurements that must run in their own process: ``python -m bench.child index ROOT``.

Prints one JSON object on the last line of stdout. Run by :mod:`bench.run` so that peak
memory and timings of indexing are not mixed with the runner's own.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any


def _rss_mb(who: int) -> float:
    """Peak resident set size in MB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(who).ru_maxrss / 1024


def index(root: Path, workers: int | None = None) -> dict[str, Any]:
    """Open the collection and refresh it; time each progress phase.

    ``list_s``/``fts_s`` come from the report's ``list_seconds``/``fts_seconds`` when the
    index is two-phase (else both are the refresh time); ``first_rows_s`` is the first
    parse progress after a committed batch (a partial list is already browsable then).
    """
    t_start = time.perf_counter()
    from reader.library.index import Collection
    from reader.library.refresh import PARSE_BATCH

    t_import = time.perf_counter() - t_start
    phases: dict[str, float] = {}
    first_rows: list[float] = []

    def progress(p: Any) -> None:
        now = time.perf_counter() - t0
        phases.setdefault(str(p.phase), now)
        # Rows are committed PARSE_BATCH at a time: the first commit precedes the first
        # progress at or past it (or the end of a smaller pass).
        if p.phase == "parse" and p.done >= min(PARSE_BATCH, p.total) > 0 and not first_rows:
            first_rows.append(now)

    t0 = time.perf_counter()
    col = Collection([root])
    construct = time.perf_counter() - t0
    kwargs = {"workers": workers} if workers else {}
    t1 = time.perf_counter()
    rep = col.refresh(progress, **kwargs)
    refresh = time.perf_counter() - t0
    count = col.count()
    col.close()
    offset = t1 - t0
    list_s = getattr(rep, "list_seconds", None)
    fts_s = getattr(rep, "fts_seconds", None)
    return {
        "import_s": t_import,
        "construct_s": construct,
        "refresh_s": refresh,
        "list_s": offset + list_s if list_s else refresh,
        "fts_s": offset + fts_s if fts_s else refresh,
        "first_rows_s": first_rows[0] if first_rows else None,
        "phases": phases,
        "count": count,
        "report": {
            "articles": rep.articles,
            "added": rep.added,
            "updated": rep.updated,
            "removed": rep.removed,
            "parsed": getattr(rep, "parsed", None),
            "fts_indexed": getattr(rep, "fts_indexed", None),
            "skipped": len(rep.skipped),
            "skipped_examples": [f"{s.path}: {s.reason}" for s in rep.skipped[:5]],
            "seconds": rep.seconds,
        },
        "rss_self_mb": _rss_mb(resource.RUSAGE_SELF),
        "rss_children_mb": _rss_mb(resource.RUSAGE_CHILDREN),
    }


def main(argv: list[str] | None = None) -> int:
    """``index ROOT [WORKERS]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[0] != "index":
        print("usage: python -m bench.child index ROOT [WORKERS]", file=sys.stderr)
        return 2
    workers = int(args[2]) if len(args) > 2 else None
    print(json.dumps(index(Path(args[1]), workers)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
