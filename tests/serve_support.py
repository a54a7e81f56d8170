"""Run ``newsreader serve`` in a subprocess and talk to it as a browser would (aiohttp)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from conftest import REPO, SAMPLE

START_TIMEOUT = 60.0
"""Generous: two shared cores; the test waits for the URL line, never for a budget."""
URL_LINE = re.compile(r"^\s+(http://\S+/\?token=([A-Za-z0-9_-]+))$")
ESCAPES = re.compile(rb"\x1b(?:\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-_])")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def isolated_env(base: Path) -> dict[str, str]:
    """The environment for a server whose app keeps its index and state under ``base``."""
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for name in ("CACHE", "DATA", "CONFIG", "STATE"):
        folder = base / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(folder)
    return env


@dataclass
class Served:
    """A running server: its process, printed URL, secret and output so far."""

    process: subprocess.Popen[str]
    url: str
    token: str
    lines: list[str]

    @property
    def base(self) -> str:
        return self.url.split("/?", 1)[0]

    @property
    def ws_base(self) -> str:
        return "ws" + self.base[len("http") :]


def start(args: list[str], env: dict[str, str]) -> Served:
    """Start ``newsreader serve ARGS SAMPLE``; returns once the URL line is printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "serve", *args, str(SAMPLE)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"serve exited ({process.wait()}):\n{''.join(lines)}")
        lines.append(line)
        match = URL_LINE.match(line.rstrip("\n"))
        if match:
            return Served(process, match.group(1), match.group(2), lines)
    stop(process)
    raise AssertionError(f"no URL line within {START_TIMEOUT} s:\n{''.join(lines)}")


def stop(process: subprocess.Popen[str]) -> None:
    """Terminate the server and anything in its process group (test clean-up)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def live_members(pgid: int) -> list[int]:
    """Pids in process group ``pgid`` that are not zombies (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_until_gone(pgid: int, timeout: float = 10.0) -> list[int]:
    """Wait (bounded) for a process group to have no live members; returns the survivors."""
    deadline = time.monotonic() + timeout
    while (alive := live_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def screen_text(data: bytes) -> str:
    """Terminal output with escape sequences removed."""
    return ESCAPES.sub(b"", data).decode("utf-8", "replace")


async def first_screen(
    ws: aiohttp.ClientWebSocketResponse, marker: str, *, chinese: bool = False
) -> str:
    """Read app output from the websocket until ``marker`` (and some Chinese) appears."""
    data = b""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        message = await ws.receive(timeout=START_TIMEOUT)
        if message.type == aiohttp.WSMsgType.BINARY:
            data += message.data
            text = screen_text(data)
            if marker in text and (not chinese or re.search("[\u4e00-\u9fff]", text)):
                return text
        elif message.type != aiohttp.WSMsgType.TEXT:
            break
    raise AssertionError(f"{marker!r} never arrived; got {screen_text(data)[-2000:]!r}")


def iter_references(text: str, *, css_comments: bool = True) -> Iterator[str]:
    """URLs a page, stylesheet or script could load: attributes, url(), @import, literals.

    ``/* */`` comments (licence headers in xterm.css) are dropped for HTML and CSS; a
    script is scanned whole, since ``/*`` can occur inside its strings.
    """
    no_comments = re.sub(r"/\*.*?\*/", "", text, flags=re.S) if css_comments else text
    yield from re.findall(r"""(?:src|href|action)\s*=\s*["']([^"']*)["']""", no_comments)
    yield from re.findall(r"""url\(\s*["']?([^"')]+)""", no_comments)
    yield from re.findall(r"""@import\s+["']([^"']+)""", no_comments)
    yield from re.findall(r"""\b(?:https?|wss?|ftp)://[^\s"'<>)`]+""", no_comments)
    yield from re.findall(r"""["'`](//[^\s"'`]+)""", no_comments)
