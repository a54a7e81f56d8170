"""The TUI on the hostile collection: every article opened through Pilot, markup shown literally,
no escape sequence on screen; plus a tmux end-to-end run of the real program."""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import assert_search_ok
from test_tui_support import settle as support_settle
from textual.pilot import Pilot

from .conftest import CONTROL, REPO, Hostile
from .generate import LITERAL_TITLES, MARKUP_PAYLOADS, UNREADABLE, VANISHING

# Hang guards, not budgets: how long an article takes to open is measured in bench/, and a
# busy 2-core machine once took 31.8 s for the 25 MB one.
HANG_GUARD = 600.0


async def settle(pilot: Pilot, *, timeout: float = 60.0) -> None:
    """Wait until no worker runs (refresh, list loads, article layout); the collection
    watcher runs as long as the screen and is not waited for (see test_tui_support)."""
    await support_settle(pilot, timeout=timeout)


async def wait_for(pilot: Pilot, condition: Callable[[], bool], *, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        text = screen_text(pilot.app)
        failed = [line for line in text.splitlines() if "indexing failed" in line.lower()]
        assert not failed, failed[0].strip()  # fail fast instead of waiting for the timeout
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not reached")
        await pilot.pause(0.2)
    await settle(pilot, timeout=timeout)


def screen_text(app: object) -> str:
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def _assert_screen_clean(text: str, what: str) -> None:
    match = CONTROL.search(text.replace("\n", ""))
    assert match is None, (what, text[max(0, match.start() - 80) : match.start() + 80])


async def test_every_hostile_article_opens(hostile: Hostile) -> None:
    from reader.config import Config
    from reader.tui.app import ReaderApp
    from reader.tui.widgets.article_list import ArticleList
    from reader.tui.widgets.article_view import ArticleView

    app = ReaderApp([hostile.root], config=Config())
    # In-process there is no harness to delete VANISHING or to refuse root a chmod-000 file.
    expected = sum(1 for o in hostile.expected.values() if o == "indexed") + (
        1 if VANISHING in hostile.expected else 0
    )
    if UNREADABLE in hostile.expected and os.geteuid() == 0:
        expected += 1
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        main = app.screen
        article_list = main.query_one(ArticleList)
        view = main.query_one(ArticleView)
        await wait_for(pilot, lambda: article_list.count >= expected, timeout=HANG_GUARD)
        assert article_list.count == expected
        article_list.focus()
        await pilot.press("g")
        seen: dict[str, str] = {}
        for index in range(expected):
            await pilot.press("enter")
            await settle(pilot, timeout=HANG_GUARD)
            row = view.row
            assert row is not None, f"article {index} did not open"
            name = os.path.relpath(os.fspath(row.path), hostile.root)
            assert app.is_running, name
            assert not view.laying_out, name
            assert view.lines, f"{name}: the article view shows nothing"
            text = screen_text(app)
            _assert_screen_clean(text, name)
            seen[name] = text
            await pilot.press("escape")  # back to the list
            await pilot.pause()
            article_list.focus()
            await pilot.press("down")
        assert len(seen) == expected
        # Markup in titles and file names is shown literally, in the view of that article.
        for name, title in LITERAL_TITLES.items():
            if name in seen:
                for chunk in title.split():
                    assert chunk in seen[name], (name, chunk)
        for payload in MARKUP_PAYLOADS:
            assert payload in seen["inject/markup-title.md"], payload
        # The list itself shows the markup title literally too.
        _assert_screen_clean(screen_text(app), "list")
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg
    assert app.return_code in (None, 0)


async def test_markup_title_in_list_and_search(hostile: Hostile) -> None:
    from reader.config import Config
    from reader.tui.app import ReaderApp

    app = ReaderApp([hostile.root], config=Config())
    async with app.run_test(size=(200, 60), notifications=True) as pilot:
        from reader.tui.widgets.article_list import ArticleList

        main = app.screen
        article_list = main.query_one(ArticleList)
        await wait_for(pilot, lambda: article_list.count > 40, timeout=HANG_GUARD)
        main.search_bar.input.focus()  # type: ignore[attr-defined]
        main.search_bar.input.value = "Markup"  # type: ignore[attr-defined]
        await pilot.pause(0.3)
        await settle(pilot)
        text = screen_text(app)
        _assert_screen_clean(text, "search results")
        assert "[b]x[/i]" in text, text
        for query in ("[@click=app.quit]", "\x1b[2J", '"', "title:", "(", "clear"):
            main.search_bar.input.value = query  # type: ignore[attr-defined]
            await pilot.pause(0.3)
            await settle(pilot)
            assert app.is_running, query
            text = screen_text(app)
            _assert_screen_clean(text, f"search {query!r}")
            search = main.search  # type: ignore[attr-defined]
            assert_search_ok(search.error if search else None, query)
    assert app.return_code in (None, 0)


def _newsreader_command() -> list[str]:
    installed = shutil.which("newsreader") or str(Path(sys.executable).with_name("newsreader"))
    if os.access(installed, os.X_OK):
        return [installed]
    return [sys.executable, "-m", "reader"]


@pytest.mark.e2e
def test_tmux_end_to_end(hostile: Hostile, tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = f"nrhostile{os.getpid()}"
    socket_name = f"nrhostile{os.getpid()}"
    env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(REPO))
    command = shlex.join([*_newsreader_command(), str(hostile.root)])
    tmux = ["tmux", "-L", socket_name]
    subprocess.run([*tmux, "kill-server"], capture_output=True, env=env)
    subprocess.run(
        [
            *tmux,
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "160",
            "-y",
            "45",
            f"{command}; echo NR-EXIT-$?; sleep 30",
        ],
        check=True,
        env=env,
        cwd=tmp_path,
    )

    def capture() -> str:
        return subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", session], capture_output=True, text=True, env=env
        ).stdout

    def send(*keys: str) -> None:
        subprocess.run([*tmux, "send-keys", "-t", session, *keys], check=True, env=env)

    try:
        deadline = time.monotonic() + HANG_GUARD
        while "Markup" not in (screen := capture()):  # the list shows once the index is ready
            assert "indexing failed" not in screen, screen
            assert time.monotonic() < deadline, screen
            time.sleep(0.5)

        def wait_for(needle: str) -> str:
            # Each key waits for the screen it leads to: a key sent while the previous one is
            # still being handled can merge with it (ESC followed by j reads as Alt+J).
            deadline = time.monotonic() + HANG_GUARD / 4
            while needle not in (screen := capture()):
                assert "Traceback" not in screen, screen
                assert time.monotonic() < deadline, (needle, screen)
                time.sleep(0.2)
            return screen

        for _ in range(4):
            send("Enter")
            wait_for("q Back")
            send("Escape")
            wait_for("→ Open")
            send("j")
            time.sleep(0.3)
        screen = capture()
        assert "Traceback" not in screen, screen
        send("q")
        deadline = time.monotonic() + HANG_GUARD / 4
        while "NR-EXIT-" not in (screen := capture()):
            assert time.monotonic() < deadline, screen
            time.sleep(0.3)
        assert "NR-EXIT-0" in screen, screen
        assert "Traceback" not in screen, screen
        assert (
            "pwned"
            not in subprocess.run(
                [*tmux, "display-message", "-p", "-t", session, "#{pane_title}"],
                capture_output=True,
                text=True,
                env=env,
            ).stdout
        )
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, env=env)
