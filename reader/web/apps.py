"""One app process per browser tab, in its own process group, ended with the server.

textual-serve's ``AppService`` speaks the protocol (packets over the app's stdin/stdout);
this subclass changes how the process is started and stopped:

- no shell: the argument list is executed directly;
- ``start_new_session``: the app and anything it starts (index workers) form one process
  group, so the server can end them all with ``killpg``;
- on Linux ``PR_SET_PDEATHSIG``: the kernel sends the app SIGTERM when the server dies,
  even by ``kill -9`` (the app does not exit on its own when its stdin closes).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import shlex
import signal
import sys
from asyncio.subprocess import PIPE, Process
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

QUIT_GRACE = 0.8
"""Seconds an app gets to quit by itself (saving its reading state) before SIGTERM."""
TERM_GRACE = 0.3
"""Seconds between SIGTERM and SIGKILL to the app's process group."""
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` asking the kernel for SIGTERM when the server dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the server died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


class TabApp(AppService):
    """The app behind one websocket; ``end()`` stops it and its process group."""

    def __init__(
        self,
        argv: list[str],
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[Any]],
        download_manager: DownloadManager,
    ) -> None:
        super().__init__(
            shlex.join(argv),
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=download_manager,
        )
        self.argv = argv
        self._ending: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        """The app's pid, which is also its process group id."""
        return None if self._process is None else self._process.pid

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=PIPE,
            stdout=PIPE,
            stderr=PIPE,
            env=environment,
            start_new_session=True,
            preexec_fn=_die_with_parent(),
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def on_data(self, payload: bytes) -> None:
        """Relay the app's output; once the tab is gone keep draining it so the app can exit."""
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.remote_write_bytes(payload)

    async def on_meta(self, data: bytes) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await super().on_meta(data)

    async def stop(self) -> None:
        """Called when the tab goes: end the app, then the task reading its output."""
        await self.end()
        task, self._task = self._task, None
        if task is not None:
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            try:
                await asyncio.wait_for(task, TERM_GRACE)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                task.cancel()

    async def end(self) -> None:
        """Ask the app to quit, then SIGTERM and SIGKILL its group; safe to call twice."""
        if self._ending is None:
            self._ending = asyncio.ensure_future(self._end())
        await asyncio.shield(self._ending)

    async def _end(self) -> None:
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.send_meta({"type": "quit"}), QUIT_GRACE)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), QUIT_GRACE)
        # The leader may be gone while index workers it started still run: end the group.
        if _signal_group(process.pid, signal.SIGTERM):
            for _ in range(int(TERM_GRACE / 0.02)):
                await asyncio.sleep(0.02)
                if not _group_alive(process.pid):
                    break
            else:
                _signal_group(process.pid, signal.SIGKILL)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(process.wait(), TERM_GRACE)


def _group_alive(pgid: int) -> bool:
    """Whether the group has a member that is not a zombie (an orphan that an init which
    does not reap, as in some containers, leaves behind)."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return _signal_group(pgid, 0)
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


def _signal_group(pgid: int, signum: int) -> bool:
    """Signal a process group; False when it no longer exists."""
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    return True
