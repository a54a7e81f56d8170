"""Pilot tests of keys: Escape only goes back, quitting keys, type-ahead and bursts.

A burst is several keys read from the terminal at once (a paste, type-ahead over SSH):
here they are posted to the app together, without waiting between them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_support import make_app, settle, small_collection
from textual import events

from reader.tui.app import ReaderApp
from reader.tui.backend import ListFilter
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.search_bar import SearchInput

KEY_NAMES = {"/": "slash", "\b": "backspace", "\x15": "ctrl+u", "\x1b": "escape"}


def burst_events(text: str) -> list[events.Key]:
    """Key events for ``text`` as a terminal read would produce them."""
    keys = []
    for ch in text:
        name = KEY_NAMES.get(ch, ch)
        keys.append(events.Key(name, ch if ch.isprintable() else None))
    return keys


def burst(app: ReaderApp, text: str) -> None:
    for event in burst_events(text):
        app.post_message(event)


async def test_escape_never_quits(tmp_path: Path) -> None:
    app = make_app(small_collection(tmp_path / "c", 6))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        # From the Unread view Escape goes back to all articles, then does nothing.
        await pilot.press("u")
        await settle(pilot)
        assert main.filter == ListFilter("unread")  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        assert main.filter == ListFilter("all")  # type: ignore[attr-defined]
        # Leaving search, then one more Escape.
        await pilot.press("slash", "x", "escape", "escape")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert isinstance(app.focused, ArticleList)


@pytest.mark.parametrize("key", ["q", "ctrl+q", "ctrl+c"])
async def test_quit_keys(tmp_path: Path, key: str) -> None:
    app = make_app(small_collection(tmp_path / "c", 3))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/zz", "zz"),
        ("/ab\b\bxyz", "xyz"),
        ("/old\x15互联网", "互联网"),
        ("/esr", "esr"),  # e (edit), s (star), r (re-index) stay letters of the query
    ],
)
async def test_burst_into_search_edits_as_typed(tmp_path: Path, typed: str, expected: str) -> None:
    app = make_app(small_collection(tmp_path / "c", 6))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        burst(app, typed)
        await settle(pilot)
        box = main.query_one(SearchInput)
        assert box.value == expected
        assert main.counts.starred == 0  # type: ignore[attr-defined]


async def test_burst_after_enter_goes_to_the_list(tmp_path: Path) -> None:
    app = make_app(small_collection(tmp_path / "c", 6))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        burst(app, "/post")
        app.post_message(events.Key("enter", "\r"))
        burst(app, "s")  # star, on the list
        await settle(pilot)
        assert main.query_one(SearchInput).value == "post"
        assert isinstance(app.focused, ArticleList)
        assert main.counts.starred == 1  # type: ignore[attr-defined]


async def test_keys_typed_before_the_first_screen_arrive_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mount = ReaderApp.on_mount

    def early_keys(self: ReaderApp) -> None:
        # Read from the terminal before the main screen exists.
        burst(self, "/zz")
        mount(self)

    monkeypatch.setattr(ReaderApp, "on_mount", early_keys)
    app = make_app(small_collection(tmp_path / "c", 6))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(SearchInput).value == "zz"
        assert isinstance(app.focused, SearchInput)
