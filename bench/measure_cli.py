"""Whole-process figures: ``newsreader search`` beside ``rg -l -F``, and ``newsreader index``.

Everything a user waits for is timed: interpreter start, imports, whatever freshness check
the library does before answering (a walk, directory mtimes …), the query and the output.
The runs of the two tools are interleaved so a busy neighbour slows both alike.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.results import CODE_DIR, Results, log

SEARCH_QUERY = "长沙"
"""The query of issue #11's measurement (a place name: selective in news text)."""


def newsreader_command() -> list[str]:
    """The installed ``newsreader`` script next to this Python, else ``python -m reader``."""
    exe = Path(sys.executable).with_name("newsreader")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "reader"]


def _timed_run(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[float, str, int]:
    """Seconds, stdout and exit code of one process."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd,
        env=env,
        cwd=CODE_DIR[0],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return time.perf_counter() - t0, proc.stdout, proc.returncode


def _hits(stdout: str) -> int | None:
    """Number of results in ``newsreader search --json`` output (a list or a document)."""
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict):
        for key in ("results", "articles", "hits"):
            if isinstance(data.get(key), list):
                return len(data[key])
    return None


def rg_tool() -> str | None:
    """Path of ``rg`` when installed."""
    return shutil.which("rg")


def measure_cli(
    res: Results,
    corpus: Path,
    env: dict[str, str],
    runs: int = 5,
    query: str = SEARCH_QUERY,
    timeout: float = 600,
) -> None:
    """Median wall time of ``newsreader search QUERY CORPUS --json --limit 50`` vs
    ``rg -l -F QUERY CORPUS``, and of ``newsreader index CORPUS`` with nothing changed."""
    sec = res.section("cli")
    base = newsreader_command()
    search = [*base, "search", query, str(corpus), "--json", "--limit", "50"]
    index = [*base, "index", str(corpus)]
    sec["command"] = " ".join(search)
    sec["search_query"] = query
    start, _, _ = _timed_run([sys.executable, "-c", "pass"], env, 60)
    sec["python_start_s"] = start
    tool = rg_tool()
    sec["rg_tool"] = f"{tool} -l -F" if tool else None
    if not tool:
        res.na("cli.rg_s", "rg is not installed (apt-get install ripgrep)")
    ours: list[float] = []
    theirs: list[float] = []
    for k in range(runs + 1):  # the first round warms the page cache and is not counted
        secs, out, code = _timed_run(search, env, timeout)
        if code != 0:
            res.na("cli.search_s", f"newsreader search exited with {code}")
            return
        if k:
            ours.append(secs)
        sec["search_hits"] = _hits(out)
        if tool:
            secs, out, _code = _timed_run(
                [tool, "-l", "-F", "--", query, str(corpus)], env, timeout
            )
            if k:
                theirs.append(secs)
            sec["rg_hits"] = len(out.splitlines())
    sec["search_s"] = statistics.median(ours)
    sec["search_min_s"] = min(ours)
    if theirs:
        sec["rg_s"] = statistics.median(theirs)
        sec["rg_min_s"] = min(theirs)
        sec["search_speedup_vs_rg"] = sec["rg_s"] / sec["search_s"]
    log(
        f"  search {sec['search_s']:.3f} s ({sec['search_hits']} hits)"
        + (f" vs rg {sec['rg_s']:.3f} s ({sec['rg_hits']} files)" if theirs else "")
    )
    times: list[float] = []
    for k in range(min(runs, 3) + 1):
        secs, _out, code = _timed_run(index, env, timeout)
        if code != 0:
            res.na("cli.index_nochange_s", f"newsreader index exited with {code}")
            return
        if k:
            times.append(secs)
    sec["index_nochange_s"] = statistics.median(times)
    sec["index_nochange_runs"] = times
    log(f"  index, nothing changed: {sec['index_nochange_s']:.3f} s")


def cli_summary(results: dict[str, Any]) -> str | None:
    """One report line for the whole-process figures."""
    cli = results.get("cli") or {}
    if cli.get("search_s") is None:
        return None
    line = (
        f"whole process: `newsreader search {cli['search_query']} --json --limit 50` "
        f"{cli['search_s'] * 1000:.0f} ms (min {cli['search_min_s'] * 1000:.0f}, "
        f"{cli['search_hits']} hits)"
    )
    if cli.get("rg_s") is not None:
        line += (
            f" vs `rg -l -F` {cli['rg_s'] * 1000:.0f} ms ({cli['rg_hits']} files): "
            f"speed-up {cli['search_speedup_vs_rg']:.2f}×"
        )
    if cli.get("index_nochange_s") is not None:
        line += f"; `newsreader index` nothing changed {cli['index_nochange_s'] * 1000:.0f} ms"
    return line + f"; python -c pass {cli['python_start_s'] * 1000:.0f} ms"
