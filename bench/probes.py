"""Process probes: run a measurement child, and read memory figures from ``/proc``."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.results import CODE_DIR


def descendants(pid: int) -> list[int]:
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


def pss_mb(pid: int) -> float:
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
                peak_tree = max(peak_tree, sum(pss_mb(p) for p in descendants(proc.pid)))
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


def proc_mem_mb(pid: int) -> dict[str, float]:
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


def vm_hwm_mb(pid: int) -> float | None:
    """Peak RSS (VmHWM) of a live process, MB."""
    return proc_mem_mb(pid).get("VmHWM")
