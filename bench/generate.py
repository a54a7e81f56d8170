"""Benchmark corpus generator: ``python -m bench.generate OUT_DIR -n 100000 --seed 1``.

Writes articles in the exact format of the scraped news posts the product targets (blank
line before ``---``, quoted title, 3-level ``categories`` list, ``headimg``/``thumbnail``,
``author`` = source, ``comments: false``, RFC 2822 or ``YYYY-MM-DD HH:MM:SS`` dates, an HTML
body of ``<p>`` paragraphs with images and bold lines; see :mod:`bench.hexo`), 2–9 KB per
file, laid out as ``OUT/<source>/<year>/<n>-<hex>.md``. Two kinds of text:

- ``--realistic`` (default): paragraphs resampled from the real articles in
  ``../shared/corpora`` (:mod:`bench.realistic`), read at run time; when that folder is
  absent it falls back to the synthetic text and says so.
- ``--synthetic``: Zipf-weighted Chinese words plus English terms (:mod:`bench.synthetic`).

Output is a pure function of ``(n, seed, mode)`` (and, when realistic, of the corpora):
each chunk of articles has its own ``random.Random`` seeded from the seed and the chunk
number, so the number of worker processes does not change a byte.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing import get_context
from pathlib import Path

from bench import realistic
from bench.hexo import SOURCE_CUM, SOURCES, SPAN_SECONDS, START, Source
from bench.realistic import realistic_text
from bench.synthetic import article_text, make_pool

CHUNK = 1000
"""Articles per deterministic chunk (one RNG, one clause pool)."""

MODES = ("realistic", "synthetic")
_REAL: dict[str, realistic.Pool | None] = {}
"""The real paragraph pool per corpora folder, loaded once per process (inherited by forks)."""


def real_pool(corpora: Path | None = None) -> realistic.Pool | None:
    """The paragraph pool of ``corpora`` (default: the shared corpora), or None when absent."""
    key = str(corpora or realistic.default_root())
    if key not in _REAL:
        _REAL[key] = realistic.load_pool(Path(key))
    return _REAL[key]


def _texts(
    mode: str, corpora: Path | None, rng: random.Random
) -> Callable[[Source, datetime, int], str]:
    """The article writer for ``mode`` (the synthetic one builds its clause pool from ``rng``)."""
    if mode == "realistic":
        pool = real_pool(corpora)
        if pool is not None:
            return lambda src, when, target: realistic_text(rng, pool, src, when, target)
    clauses = make_pool(rng)
    return lambda src, when, target: article_text(rng, clauses, src, when, target)


def _chunk_rng(seed: int, chunk: int) -> random.Random:
    return random.Random(f"newsreader-bench:{seed}:{chunk}")


def _write_chunk(args: tuple[Path, int, int, int, str, Path | None]) -> tuple[int, int]:
    """Write articles ``[chunk*CHUNK, min(n, …))``; return (files, bytes)."""
    out, n, seed, chunk, mode, corpora = args
    rng = _chunk_rng(seed, chunk)
    text = _texts(mode, corpora, rng)
    files = total = 0
    for i in range(chunk * CHUNK, min(n, (chunk + 1) * CHUNK)):
        src = rng.choices(SOURCES, cum_weights=SOURCE_CUM)[0]
        when = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        target = int(rng.triangular(2000, 8700, 4500))
        data = text(src, when, target).encode()
        path = out / src.slug / str(when.year) / f"{i:07d}-{rng.getrandbits(32):08x}.md"
        with open(path, "wb") as fh:
            fh.write(data)
        files += 1
        total += len(data)
    return files, total


LONG_SIZES: dict[str, int] = {"5k": 5_000, "50k": 50_000, "1m": 1_000_000}
"""Extra articles written by ``--long``: ``long/long-50k.md`` etc."""


def long_paths(out: Path, copies: int) -> Iterator[tuple[str, Path]]:
    """Names and paths of the ``--long`` articles (``long-50k.md``, ``long-50k-2.md`` …)."""
    for label in LONG_SIZES:
        for c in range(1, copies + 1):
            suffix = "" if c == 1 else f"-{c}"
            yield label, out / "long" / f"long-{label}{suffix}.md"


def _write_long(
    out: Path, seed: int, copies: int, mode: str, corpora: Path | None
) -> tuple[int, int]:
    """The big articles, dated at the end of the range so they list first."""
    (out / "long").mkdir(parents=True, exist_ok=True)
    rng = _chunk_rng(seed, -1)
    text = _texts(mode, corpora, rng)
    files = total = 0
    for k, (label, path) in enumerate(long_paths(out, copies)):
        when = START + timedelta(seconds=SPAN_SECONDS - 60 - k)
        data = text(SOURCES[k % len(SOURCES)], when, LONG_SIZES[label])
        path.write_bytes(data.encode())
        files += 1
        total += len(data.encode())
    return files, total


@dataclass(frozen=True)
class GenerateReport:
    """What :func:`generate` wrote."""

    files: int
    bytes: int
    seconds: float
    mode: str = "synthetic"
    note: str = ""


def generate(
    out: Path,
    n: int,
    *,
    seed: int = 1,
    long: int = 0,
    workers: int | None = None,
    mode: str = "realistic",
    corpora: Path | None = None,
) -> GenerateReport:
    """Write ``n`` articles (plus ``long`` copies of each big article) under ``out``.

    ``mode="realistic"`` resamples paragraphs of the real corpora (``corpora``, default the
    shared folder) and falls back to the synthetic vocabulary, saying so in ``note``, when
    they are absent.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    t0 = time.perf_counter()
    note = ""
    if mode == "realistic" and real_pool(corpora) is None:
        where = corpora or realistic.default_root()
        mode, note = (
            "synthetic",
            f"no real corpora at {where}: fell back to the synthetic vocabulary",
        )
    out.mkdir(parents=True, exist_ok=True)
    for src in SOURCES:
        for year in range(START.year, START.year + 5):
            (out / src.slug / str(year)).mkdir(parents=True, exist_ok=True)
    chunks = [(out, n, seed, c, mode, corpora) for c in range((n + CHUNK - 1) // CHUNK)]
    workers = max(1, min(workers or os.cpu_count() or 1, len(chunks)))
    if workers == 1:
        results = [_write_chunk(c) for c in chunks]
    else:
        with get_context("fork" if sys.platform != "win32" else "spawn").Pool(workers) as pool:
            results = list(pool.imap_unordered(_write_chunk, chunks))
    if long:
        results.append(_write_long(out, seed, long, mode, corpora))
    files = sum(r[0] for r in results)
    total = sum(r[1] for r in results)
    return GenerateReport(files, total, time.perf_counter() - t0, mode, note)


def add_mode_arguments(ap: argparse.ArgumentParser) -> None:
    """``--realistic`` (default) / ``--synthetic`` and ``--corpora PATH``."""
    group = ap.add_mutually_exclusive_group()
    group.add_argument(
        "--realistic",
        dest="mode",
        action="store_const",
        const="realistic",
        help="paragraphs resampled from the real corpora (default)",
    )
    group.add_argument(
        "--synthetic",
        dest="mode",
        action="store_const",
        const="synthetic",
        help="Zipf-weighted synthetic vocabulary",
    )
    ap.set_defaults(mode="realistic")
    ap.add_argument(
        "--corpora",
        type=Path,
        default=None,
        help=f"real corpora folder (default ${realistic.CORPORA_ENV} or ../shared/corpora)",
    )


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n")[0]
    )
    ap.add_argument("out", type=Path, help="output directory (created)")
    ap.add_argument("-n", type=int, default=100_000, help="number of articles (default 100000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--long",
        type=int,
        default=0,
        metavar="N",
        help="add N copies of 5 KB, 50 KB and 1 MB articles",
    )
    ap.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    add_mode_arguments(ap)
    args = ap.parse_args(argv)
    rep = generate(
        args.out,
        args.n,
        seed=args.seed,
        long=args.long,
        workers=args.workers,
        mode=args.mode,
        corpora=args.corpora,
    )
    if rep.note:
        print(f"note: {rep.note}")
    print(
        f"wrote {rep.files} {rep.mode} files, {rep.bytes / 1e6:.1f} MB in {rep.seconds:.1f} s"
        f" to {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
