"""End to end: the installed ``newsreader`` in a real terminal (tmux), 80×24.

Opens an article, searches 长沙, quits with q, follows files added and deleted while it runs,
and checks the screen text and that no
traceback appeared. Skipped only when ``tmux`` is not installed: without an installed
``newsreader`` script it runs ``python -m reader`` with the test's interpreter.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_tui_support import REPO, copy_sample, small_collection, write_post

pytestmark = pytest.mark.e2e


def _newsreader() -> str:
    """The ``newsreader`` script installed beside this interpreter, else a small launcher
    running ``python -m reader`` from this checkout (one path either way, for the shell)."""
    installed = Path(sys.executable).with_name("newsreader")
    if os.access(installed, os.X_OK):
        return str(installed)
    launcher = Path(tempfile.mkdtemp(prefix="nr-e2e-")) / "newsreader"
    launcher.write_text(
        "#!/bin/sh\n"
        f"PYTHONPATH={shlex.quote(str(REPO))}${{PYTHONPATH:+:$PYTHONPATH}} "
        f'exec {shlex.quote(sys.executable)} -m reader "$@"\n',
        encoding="utf-8",
    )
    launcher.chmod(0o755)
    return str(launcher)


NEWSREADER: str | None = _newsreader()
TMUX = shutil.which("tmux")


class Pane:
    """One detached tmux session on a private server socket."""

    def __init__(self, command: str, env: dict[str, str], size: tuple[int, int]) -> None:
        self.socket = f"nr-test-{uuid.uuid4().hex[:8]}"
        self.session = "nr"
        env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        self._tmux(
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            str(size[0]),
            "-y",
            str(size[1]),
            *env_args,
            command,
        )

    def _tmux(self, *args: str) -> str:
        assert TMUX is not None
        env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        done = subprocess.run(
            [TMUX, "-u", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
            env=env,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def text(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str, literal: bool = False) -> None:
        self._tmux("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.text()
            assert "Traceback" not in text, text
            if check(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen:\n{text}")

    def kill(self) -> None:
        subprocess.run(
            [TMUX or "tmux", "-L", self.socket, "kill-server"],
            capture_output=True,
            timeout=20,
            check=False,
        )
        folder = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)


@pytest.fixture
def pane_factory() -> Iterator[Callable[[str, dict[str, str]], Pane]]:
    panes: list[Pane] = []

    def make(command: str, env: dict[str, str]) -> Pane:
        pane = Pane(command, env, (80, 24))
        panes.append(pane)
        return pane

    try:
        yield make
    finally:
        for pane in panes:
            pane.kill()


@pytest.mark.skipif(TMUX is None, reason="needs tmux")
def test_read_search_and_quit_in_tmux(tmp_path: Path, pane_factory) -> None:
    sample = copy_sample(tmp_path)
    env = {k: os.environ[k] for k in os.environ if k.startswith("XDG_")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.pop("NO_COLOR", None)
    command = f"{shlex.quote(NEWSREADER or '')} {shlex.quote(str(sample))}; echo EXIT=$?; sleep 60"
    pane = pane_factory(command, env)

    text = pane.wait_for(lambda t: " indexed" in t, "the first index")
    assert "All articles" in text and "shown" in text

    pane.keys("Enter")
    text = pane.wait_for(lambda t: "q Back" in t and "Article" in t, "the article view")
    assert "Links" in text or "─" in text  # header rule or link list of the article

    pane.keys("q")
    pane.wait_for(lambda t: "All articles" in t and "q Quit" in t, "the list again")

    pane.keys("/")
    pane.wait_for(lambda t: "Leave search" in t, "focus in the search bar")
    pane.keys("长沙", literal=True)
    text = pane.wait_for(lambda t: " hits" in t and "Search: 长沙" in t, "search results")
    assert text.count("长沙") >= 3

    pane.keys("Enter")  # focus the results
    pane.wait_for(lambda t: "→ Open" in t, "focus on the results")
    pane.keys("Enter")  # open the best hit
    text = pane.wait_for(lambda t: "match" in t and "q Back" in t, "the hit with matches")
    assert "长沙" in text

    pane.keys("q")
    pane.wait_for(lambda t: "Search: 长沙" in t and "q Quit" in t, "the results again")
    pane.keys("q")
    text = pane.wait_for(lambda t: "EXIT=" in t, "newsreader to exit")
    assert "EXIT=0" in text


@pytest.mark.skipif(TMUX is None, reason="needs tmux")
def test_first_open_of_a_bigger_collection(tmp_path: Path, pane_factory) -> None:
    """≥ 64 new files are parsed in a process pool, started from inside the running app."""
    root = small_collection(tmp_path / "posts", 150)
    env = {k: os.environ[k] for k in os.environ if k.startswith("XDG_")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    command = f"{shlex.quote(NEWSREADER or '')} {shlex.quote(str(root))}; echo EXIT=$?; sleep 60"
    pane = pane_factory(command, env)
    # The status line reports the finished index before the list worker has redrawn the
    # rows, so wait for both (a list that never fills up fails by timing out).
    text = pane.wait_for(
        lambda t: ("150 indexed (+150)" in t and "Post 149" in t) or "failed" in t,
        "the first index and its list",
    )
    assert "indexing failed" not in text
    assert "All articles · 150" in text
    pane.keys("q")
    assert "EXIT=0" in pane.wait_for(lambda t: "EXIT=" in t, "newsreader to exit")


def _command(root: Path) -> str:
    return f"{shlex.quote(NEWSREADER or '')} {shlex.quote(str(root))}; echo EXIT=$?; sleep 60"


def _env() -> dict[str, str]:
    env = {k: os.environ[k] for k in os.environ if k.startswith("XDG_")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    return env


@pytest.mark.skipif(NEWSREADER is None or TMUX is None, reason="needs newsreader and tmux on PATH")
def test_escape_never_quits_and_bursts_edit_as_typed(tmp_path: Path, pane_factory) -> None:
    root = small_collection(tmp_path / "posts", 12)
    pane = pane_factory(_command(root), _env())
    # Type-ahead: sent at once, right after launch, before the first screen is drawn.
    pane.keys("/zz", literal=True)
    text = pane.wait_for(lambda t: " indexed" in t and "Search: zz" in t, "the query zz")
    assert "/ zz" in text
    pane.keys("Escape")
    pane.wait_for(lambda t: "Search: zz" not in t and "All articles" in t, "search left")
    pane.keys("Escape")
    pane.keys("Escape")
    # A letter right after ESC reads as alt+letter: leave the terminal's ESC gap first.
    time.sleep(0.5)
    pane.keys("u")
    pane.wait_for(lambda t: "Unread · " in t, "the Unread view")
    pane.keys("Escape")
    text = pane.wait_for(lambda t: "All articles · 12" in t, "all articles again")
    assert "EXIT=" not in text
    time.sleep(0.5)
    # Bursts into the search box, each in one write.
    pane.keys("/ab\x7f\x7fxyz", literal=True)
    pane.wait_for(lambda t: "/ xyz" in t and "Search: xyz" in t, "xyz in the box")
    pane.keys("\x15互联网", literal=True)
    pane.wait_for(lambda t: "/ 互联网" in t and "Search: 互联网" in t, "互联网 in the box")
    pane.keys("Escape")
    pane.wait_for(lambda t: "All articles · 12" in t, "search left again")
    time.sleep(0.5)
    pane.keys("q")
    assert "EXIT=0" in pane.wait_for(lambda t: "EXIT=" in t, "newsreader to exit")


@pytest.mark.skipif(NEWSREADER is None or TMUX is None, reason="needs newsreader and tmux on PATH")
def test_hang_up_keeps_the_reading_position(tmp_path: Path, pane_factory) -> None:
    root = small_collection(tmp_path / "posts", 3)
    env = _env()
    pane = pane_factory(_command(root), env)
    pane.wait_for(lambda t: "3 indexed" in t, "the first index")
    pane.keys("Enter")
    pane.wait_for(lambda t: "第2篇的第0段" in t, "the article")
    pane.keys("PageDown")
    text = pane.wait_for(lambda t: "第2篇的第0段" not in t, "the article scrolled")
    first = min(int(m) for m in re.findall(r"第2篇的第(\d+)段", text))
    pane.kill()  # the terminal goes away: SIGHUP
    again = pane_factory(_command(root), env)
    again.wait_for(lambda t: "3 indexed" in t, "the index again")
    again.keys("Enter")
    text = again.wait_for(lambda t: "q Back" in t and "第2篇的第" in t, "the article again")
    assert min(int(m) for m in re.findall(r"第2篇的第(\d+)段", text)) == first
    again.keys("q", "q")


@pytest.mark.skipif(TMUX is None, reason="needs tmux")
def test_live_collection_in_the_installed_app(tmp_path: Path, pane_factory) -> None:
    """A scraper adds files and deletes one while the app runs: the list follows, no key."""
    root = small_collection(tmp_path / "posts", 5)
    pane = pane_factory(_command(root), _env())
    pane.wait_for(lambda t: "5 indexed" in t and "All articles · 5" in t, "the first index")
    # Newer than every post, so they head the newest-first list at the top of the screen.
    for n in range(3):
        write_post(
            root, f"fresh-{n}.md", title=f"Fresh news {n}", date=f"2030-01-0{n + 1} 08:00:00"
        )
    text = pane.wait_for(
        lambda t: "+3 new" in t and "All articles · 8" in t, "three new articles, no key pressed"
    )
    assert all(f"Fresh news {n}" in text for n in range(3)), text
    (root / "fresh-1.md").unlink()
    text = pane.wait_for(
        lambda t: "All articles · 7" in t and "Fresh news 1" not in t, "the deleted one gone"
    )
    assert "Fresh news 0" in text and "Fresh news 2" in text
    pane.keys("q")
    assert "EXIT=0" in pane.wait_for(lambda t: "EXIT=" in t, "newsreader to exit")
