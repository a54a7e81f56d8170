"""Shared helpers for the hostile suite: the collection fixture, a process guard, CLI runners.

The guard is a ``sys.addaudithook`` hook (CPython's audit events fire in C for every
``open``, ``socket`` creation, ``connect``, DNS look-up, rename, remove …). It is written out
as ``sitecustomize.py`` so that every child interpreter (CLI runs, multiprocessing workers,
tmux) carries it, and it can be activated in-process too. It:

- blocks and records network use (any socket family but AF_UNIX, connect, DNS);
- blocks and records opening the paths in ``forbid`` (pipes, sockets, devices, loops);
- refuses to open the paths in ``deny`` with EACCES (``chmod 000`` does not stop root);
- records any write-like operation (open for writing, rename, remove, utime, chmod, mkdir,
  sqlite3.connect …) below the paths in ``readonly``.

Violations are appended to a log file; :meth:`Guard.violations` reads them back.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from .generate import make_hostile_collection

REPO = Path(__file__).resolve().parents[2]

# Seconds before a child process counts as hung. A guard against hangs, never a budget: a busy
# 2-core machine took 3 minutes to index the hostile collection that takes 20 s when idle.
HANG_GUARD = 900.0

# Cases that once broke indexing: each also has its own focused test (see test_index_hostile).
KNOWN_BROKEN: tuple[str, ...] = (
    "names/caf\udce9-latin1-name.md",
    "names/\udcff\udcfe-invalid-name.md",
    "big/pathological.md",
)


# C0 controls except \t and \n, DEL, C1 controls, lone surrogates.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_NO_WS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Bytes that must never reach a terminal from article data: ESC, BEL, BS, CR, other C0
# (except \t \n), DEL, and UTF-8-encoded C1 controls (0xC2 0x80-0x9F).
BAD_BYTES = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")

GUARD_SOURCE = r"""
import errno, json, os, socket, sys

def _install(cfg, log_fd):
    enc = os.fsencode
    forbid = {enc(p) for p in cfg.get("forbid", ())}
    deny = {enc(p) for p in cfg.get("deny", ())}
    readonly = [enc(p).rstrip(b"/") + b"/" for p in cfg.get("readonly", ())]
    block_net = cfg.get("block_net", False)
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    busy = [False]

    def note(kind, detail):
        try:
            os.write(log_fd, (json.dumps([kind, repr(detail)]) + "\n").encode())
        except OSError:
            pass

    def norm(path):
        if isinstance(path, int):
            return None
        try:
            return os.path.abspath(enc(os.fspath(path)))
        except (TypeError, ValueError):
            return None

    def under_readonly(path):
        p = norm(path)
        return p is not None and any((p + b"/").startswith(r) for r in readonly)

    def hook(event, args):
        if busy[0] or not cfg.get("active", True):
            return
        busy[0] = True
        try:
            if event == "open":
                path, mode, flags = (tuple(args) + (None, None, None))[:3]
                p = norm(path)
                if p is None:
                    return
                if p in forbid:
                    note("forbidden-open", p)
                    raise PermissionError(errno.EACCES, "guard: forbidden open", os.fsdecode(p))
                if p in deny:
                    raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(p))
                writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                    isinstance(flags, int) and flags & write_flags)
                if writing and under_readonly(p):
                    note("write-in-collection", (p, mode, flags))
            elif event in ("os.rename", "os.replace", "os.link", "os.symlink"):
                for path in args[:2]:
                    if under_readonly(path):
                        note("write-in-collection", (event, path))
            elif event in ("os.remove", "os.rmdir", "os.mkdir", "os.utime", "os.chmod",
                           "os.chown", "os.truncate", "os.mkfifo", "os.mknod",
                           "shutil.rmtree", "shutil.move", "shutil.copyfile"):
                if args and under_readonly(args[0]):
                    note("write-in-collection", (event, args[0]))
            elif event == "sqlite3.connect":
                if args and under_readonly(args[0]):
                    note("write-in-collection", (event, args[0]))
            elif block_net and event == "socket.__new__":
                if args[1] != socket.AF_UNIX:
                    note("network", (event, args[1]))
                    raise OSError(errno.ENETUNREACH, "guard: network access blocked")
            elif block_net and event in ("socket.connect", "socket.bind", "socket.sendto",
                                         "socket.sendmsg"):
                if getattr(args[0], "family", None) != socket.AF_UNIX:
                    note("network", (event, args[1:]))
                    raise OSError(errno.ENETUNREACH, "guard: network access blocked")
            elif block_net and event.startswith(("socket.getaddrinfo", "socket.gethostby",
                                                 "socket.getnameinfo")):
                note("network", (event, args))
                raise OSError(errno.ENETUNREACH, "guard: network access blocked")
        finally:
            busy[0] = False

    sys.addaudithook(hook)



def _from_env():
    path = os.environ.get("NR_GUARD")
    if not path:
        return
    with open(path, encoding="utf-8") as handle:
        cfg = json.load(handle)
    log_fd = os.open(cfg["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    _install(cfg, log_fd)


_from_env()
"""


@dataclass
class Guard:
    """A guard configuration: ``env`` for child processes, :meth:`violations` to check."""

    directory: Path
    log: Path
    config: dict[str, object]

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(self.directory), str(REPO), *filter(None, [env.get("PYTHONPATH")])]
        )
        env["NR_GUARD"] = str(self.directory / "guard.json")
        return env

    def violations(self) -> list[tuple[str, str]]:
        if not self.log.exists():
            return []
        return [tuple(json.loads(line)) for line in self.log.read_text().splitlines() if line]


def make_guard(
    directory: Path,
    *,
    block_net: bool = True,
    forbid: Sequence[Path] = (),
    deny: Sequence[Path] = (),
    readonly: Sequence[Path] = (),
) -> Guard:
    """Write ``sitecustomize.py`` + its config into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sitecustomize.py").write_text(GUARD_SOURCE, encoding="utf-8")
    log = directory / "violations.log"
    config: dict[str, object] = {
        "block_net": block_net,
        "forbid": [os.fsdecode(os.path.abspath(p)) for p in forbid],
        "deny": [os.fsdecode(os.path.abspath(p)) for p in deny],
        "readonly": [os.fsdecode(os.path.abspath(p)) for p in readonly],
        "log": str(log),
        "active": True,
    }
    (directory / "guard.json").write_text(json.dumps(config), encoding="utf-8")
    return Guard(directory, log, config)


_LIVE: list[tuple[dict[str, object], int]] = []


def activate_in_process(guard: Guard) -> None:
    """Install the guard's audit hook in this interpreter until :func:`deactivate_in_process`.

    Audit hooks cannot be removed: deactivation flips the hook's ``active`` flag off.
    """
    namespace: dict[str, object] = {}
    exec(compile(GUARD_SOURCE, "<guard>", "exec"), namespace)  # no NR_GUARD here: no-op
    cfg = dict(guard.config)
    fd = os.open(guard.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    namespace["_install"](cfg, fd)  # type: ignore[operator]
    _LIVE.append((cfg, fd))


def deactivate_in_process() -> None:
    while _LIVE:
        cfg, fd = _LIVE.pop()
        cfg["active"] = False
        os.close(fd)


@dataclass
class Hostile:
    """A generated hostile collection: ``root`` and the expected outcome of each case."""

    root: Path
    expected: dict[str, str]

    def path(self, name: str) -> Path:
        return Path(os.fsdecode(os.path.join(os.fsencode(self.root), os.fsencode(name))))

    def not_files(self) -> list[Path]:
        return [self.path(n) for n, o in self.expected.items() if o == "not-a-file"]


def build_hostile(root: Path, exclude: Sequence[str] = ()) -> Hostile:
    return Hostile(root, make_hostile_collection(root, exclude=exclude))


def unlock_tree(root: Path) -> None:
    """Make chmod-ed files and folders writable again so tmp cleanup works for non-root."""
    for dirpath, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                with contextlib.suppress(OSError):
                    os.chmod(path, 0o755 if os.path.isdir(path) else 0o644)


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Hostile]:
    collection = build_hostile(tmp_path / "hostile")
    yield collection
    unlock_tree(collection.root)


def xdg_env(base: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: os.environ) with every XDG directory under ``base``."""
    env = dict(os.environ if env is None else env)
    for name in ("CACHE", "DATA", "CONFIG", "STATE"):
        folder = base / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(folder)
    env.pop("NO_COLOR", None)
    return env


def run_cli(
    args: Sequence[str | Path], *, env: dict[str, str] | None = None, timeout: float = HANG_GUARD
) -> subprocess.CompletedProcess[bytes]:
    """``python -m reader ARGS`` with stdout/stderr captured as bytes (piped, not a tty)."""
    return subprocess.run(
        [sys.executable, "-m", "reader", *map(os.fsencode, args)],
        capture_output=True,
        env=env,
        timeout=timeout,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )


def run_cli_pty(
    args: Sequence[str | Path],
    *,
    env: dict[str, str] | None = None,
    timeout: float = HANG_GUARD,
    columns: int = 120,
) -> tuple[int, bytes, bytes]:
    """``python -m reader ARGS`` with stdout on a pseudo-terminal (Rich's terminal path);
    returns (exit code, terminal bytes, stderr bytes)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = dict(os.environ if env is None else env)
    env.update(TERM="xterm-256color", COLUMNS=str(columns), LINES="50")
    env.pop("NO_COLOR", None)
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "reader", *map(os.fsencode, args)],
            stdin=slave,
            stdout=slave,
            stderr=err,
            env=env,
            cwd=REPO,
            start_new_session=True,
        )
        os.close(slave)
        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout
        try:
            while True:
                if time.monotonic() > deadline:
                    proc.kill()
                    raise TimeoutError(f"newsreader {args} did not finish in {timeout} s")
                ready, _, _ = select.select([master], [], [], 0.1)
                if ready:
                    try:
                        data = os.read(master, 65536)
                    except OSError:  # EIO: every writer closed the terminal
                        break
                    if not data:
                        break
                    chunks.append(data)
        finally:
            os.close(master)
        code = proc.wait(timeout=HANG_GUARD)
        err.seek(0)
        return code, b"".join(chunks), err.read()


SGR = re.compile(rb"\x1b\[[0-9;]*m")


def assert_clean_terminal_bytes(data: bytes, what: str) -> None:
    """Terminal output: Rich's own colour codes (SGR) are fine, nothing else is."""
    assert_clean_bytes(SGR.sub(b"", data.replace(b"\r\n", b"\n")), what)


def assert_clean_bytes(data: bytes, what: str) -> None:
    """No control bytes of article origin in piped output (``\\t`` and ``\\n`` allowed)."""
    match = BAD_BYTES.search(data)
    assert match is None, (
        f"{what}: control byte {match.group()!r} at {match.start()}: "
        f"{data[max(0, match.start() - 60) : match.start() + 60]!r}"
    )


def assert_no_traceback(data: bytes, what: str) -> None:
    assert b"Traceback (most recent call last)" not in data, (
        f"{what}:\n{data.decode(errors='replace')}"
    )
