"""TUI figures: headless first screen and key latency (Pilot), the real process in tmux."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from bench.probes import proc_mem_mb, vm_hwm_mb
from bench.results import Results, pct, reason
from bench.tmux_driver import spawn_until, tmux


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
    cls: Any = classes[0]
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
        base, _ = spawn_until(
            sock, "sh -c 'echo bench-ready; sleep 30'", penv, ["bench-ready"], 10, "base"
        )
        tmux(sock, "kill-session", "-t", "base")
        sec["process_tmux_overhead_s"] = base
        first, pid = spawn_until(sock, command, penv, needles, 60)
        sec["process_first_screen_s"] = first
        for _ in range(20):
            tmux(sock, "send-keys", "-t", "bench", "j")
            time.sleep(0.02)
        time.sleep(0.5)
        sec["process_browse_rss_mb"] = vm_hwm_mb(pid) if pid else None
        # a search for a very common term (every id of the result is held), then back
        tmux(sock, "send-keys", "-t", "bench", "/")
        time.sleep(0.3)
        tmux(sock, "send-keys", "-t", "bench", "-l", common_term)
        tmux(sock, "send-keys", "-t", "bench", "Enter")
        time.sleep(2.0)
        sec["process_peak_rss_mb"] = vm_hwm_mb(pid) if pid else None
        sec["process_memory_now_mb"] = proc_mem_mb(pid) if pid else None
        if sec["process_peak_rss_mb"] is None:
            res.na("tui.process_peak_rss_mb", "could not read /proc/PID/status")
    except Exception as exc:
        res.na("tui.process", reason(exc))
    finally:
        tmux(sock, "kill-server")
        socket_dir = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        with contextlib.suppress(OSError):
            (socket_dir / sock).unlink()
