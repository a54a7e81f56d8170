"""A small tmux driver: one private server, sessions of 120×40, screen polling."""

from __future__ import annotations

import shlex
import subprocess
import time
from collections.abc import Sequence

from bench.results import CODE_DIR


def tmux(sock: str, *args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", sock, *args], capture_output=True, text=True, check=False, timeout=10
    ).stdout


def spawn_until(
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
        screen = tmux(sock, "capture-pane", "-p", "-t", session)
        if any(n in screen for n in needles):
            elapsed = time.perf_counter() - t0
            break
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError(
                f"no row on screen after {timeout:.0f} s; screen: {screen.strip()[:200]!r}"
            )
        time.sleep(0.005)
    pid_text = tmux(sock, "display-message", "-p", "-t", session, "#{pane_pid}").strip()
    return elapsed, int(pid_text) if pid_text.isdigit() else None
