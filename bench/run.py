"""Benchmark runner: ``python -m bench.run [-n 100000] [--corpus PATH] [--json FILE]``.

Generates a corpus (unless ``--corpus``; realistic by default, ``--synthetic`` for the
Zipf vocabulary), isolates every XDG directory in a temporary folder, then measures
indexing (in a subprocess, for clean peak memory), re-scans, search latency by query
class, ``newsreader search``/``index`` as whole processes beside ``rg -l -F``, article open
time, TUI start-up and key latency, memory and index size. Prints a table with the product targets beside the figures and writes JSON. A part
that is missing or fails prints "n/a" with the reason; nothing else is skipped.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import generate as gen
from bench.bigrams import bigram_variety, real_reference
from bench.corpus import corpus_files, derive_queries
from bench.measure_cli import SEARCH_QUERY, measure_cli
from bench.measure_index import measure_index
from bench.measure_open import measure_open
from bench.measure_search import measure_grep, measure_search
from bench.measure_tui import measure_tui_headless, measure_tui_process
from bench.report import evaluate, print_report
from bench.results import CODE_DIR, REPO, SCHEMA, TARGETS, TOUCH_MARKER, Results, log, reason

__all__ = ["SCHEMA", "TARGETS", "TOUCH_MARKER", "main", "run"]


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


def _loadavg() -> list[float] | None:
    """1, 5 and 15 minute load averages (other work on the machine skews every timing)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


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
        loadavg_start=_loadavg(),
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
        # Byte-compiled, as pip and pipx leave an install: with PYTHONDONTWRITEBYTECODE set
        # (this machine's default) every whole-process run would compile ~80 modules first.
        compileall.compile_dir(CODE_DIR[0] / "reader", quiet=1)
        meta["bytecode"] = "compiled"
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
            log(f"generating {args.n} {args.mode} articles (seed {args.seed}) …")
            rep = gen.generate(
                corpus, args.n, seed=args.seed, long=1, mode=args.mode, corpora=args.corpora
            )
            meta["generated_s"] = rep.seconds
            res.section("corpus").update(mode=rep.mode, note=rep.note or None)
            if rep.note:
                log(f"  note: {rep.note}")
            log(f"  {rep.files} files, {rep.bytes / 1e6:.1f} MB in {rep.seconds:.1f} s")
        files = corpus_files(corpus)
        if args.corpus:
            res.section("corpus")["mode"] = "existing folder"
        with res.guard("corpus.bigrams"):
            res.section("corpus")["bigrams"] = bigram_variety(files, seed=args.seed)
            res.section("corpus")["bigrams_real"] = real_reference(args.corpora, args.seed)
        meta["corpus"] = str(corpus)
        meta["corpus_files"] = len(files)
        meta["corpus_bytes"] = sum(f.stat().st_size for f in files)
        if args.corpus:
            meta["n"] = len(files)
        queries = derive_queries(files, args.seed)

        measure_index(res, corpus, env, files, meta["corpus_bytes"], args)
        if not args.no_cli and res.section("index")["articles"] is not None:
            log("whole processes: newsreader search vs rg, newsreader index …")
            with res.guard("cli"):
                measure_cli(res, corpus, env, args.cli_runs, args.cli_query, args.timeout)

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
    meta["loadavg_end"] = _loadavg()
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
    ap.add_argument("--no-cli", action="store_true", help="skip the whole-process figures")
    ap.add_argument(
        "--cli-query", default=SEARCH_QUERY, help=f"whole-process query (default {SEARCH_QUERY})"
    )
    ap.add_argument("--cli-runs", type=int, default=5, help="runs per whole-process figure")
    gen.add_mode_arguments(ap)
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
