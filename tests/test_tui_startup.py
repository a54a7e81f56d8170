"""Start-up: a warm index shows at once, the refresh runs behind it; first open shows progress."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from test_tui_support import make_app, screen_text, settle, small_collection, write_post

from reader.library import refresh_child
from reader.library.index import Collection
from reader.library.state import StateStore
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.status_line import StatusLine


async def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


@pytest.fixture
def gated_refresh(monkeypatch: pytest.MonkeyPatch):
    """Collection.refresh that stops at a chosen progress phase until released."""
    reached = threading.Event()
    release = threading.Event()
    gate = {"phase": "scan"}
    original = Collection.refresh

    def refresh(self, progress=None, **kwargs):
        def wrapped(p):
            if progress is not None:
                progress(p)
            if p.phase == gate["phase"] and not release.is_set():
                reached.set()
                release.wait(30)

        return original(self, wrapped, **kwargs)

    monkeypatch.setattr(Collection, "refresh", refresh)
    # The app refreshes in a child process, out of reach of the gate: run it here instead.
    monkeypatch.setattr(refresh_child, "refresh_in_child", refresh_in_this_process)
    return gate, reached, release


def refresh_in_this_process(
    roots, *, cache_dir=None, state_path=None, full=False, progress=None, cancelled=None
):
    """``refresh_in_child`` without the child, so that a test can hold the refresh."""
    state = StateStore(state_path)
    try:
        with Collection(roots, cache_dir=cache_dir, state=state) as collection:
            return collection.refresh(progress, full=full)
    finally:
        state.close()


async def test_warm_index_shows_before_refresh_and_keeps_cursor(
    tmp_path: Path, gated_refresh
) -> None:
    root = small_collection(tmp_path / "c", 20)
    gate, reached, release = gated_refresh
    gate["phase"] = "none"
    with Collection([root]) as collection:
        collection.refresh()  # warm index
    gate["phase"] = "scan"
    write_post(root, "new.md", title="Arrived later", date="2030-01-01 00:00:00")
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        article_list = app.screen.query_one(ArticleList)
        await wait_until(lambda: article_list.count == 20 and reached.is_set())
        await pilot.pause()
        main = app.screen
        assert main.indexing  # the refresh is still running
        assert "Post 019" in screen_text(app)
        assert not main.query_one(StatusLine).has_class("-indexing")  # no bar when warm
        await pilot.press("j", "j")
        chosen = article_list.cursor_id
        release.set()
        await settle(pilot)
        assert not main.indexing
        assert article_list.count == 21
        assert article_list.row_at(0).title == "Arrived later"  # type: ignore[union-attr]
        assert article_list.cursor_id == chosen
        assert "21 indexed (+1)" in screen_text(app)


async def test_first_open_shows_progress_and_list_before_search_index(
    tmp_path: Path, gated_refresh
) -> None:
    root = small_collection(tmp_path / "c", 40)
    gate, reached, release = gated_refresh
    gate["phase"] = "write"  # stop once the list is stored, before full-text indexing
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        article_list = app.screen.query_one(ArticleList)
        await wait_until(lambda: reached.is_set() and article_list.count == 40)
        await pilot.pause()
        status = app.screen.query_one(StatusLine)
        assert status.has_class("-indexing")  # progress bar shown
        assert "building search index" in screen_text(app)
        assert app.screen.indexing
        await pilot.press("enter")  # usable: an article opens while indexing goes on
        await wait_until(lambda: bool(app.screen.view.lines))
        release.set()
        await settle(pilot)
        assert not status.has_class("-indexing")
        assert "40 indexed (+40)" in screen_text(app)


async def test_index_failure_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_collection(tmp_path / "c", 3)

    def broken(self, progress=None, **kwargs):
        raise OSError("disk full [b]")

    def broken_child(*args, **kwargs):
        raise OSError("disk full [b]")

    monkeypatch.setattr(Collection, "refresh", broken)
    # the background full walk runs in a child process, out of reach of the patch above
    monkeypatch.setattr(refresh_child, "refresh_in_child", broken_child)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.is_running
        assert "indexing failed: OSError: disk full [b]" in screen_text(app)
