"""Pilot tests: u toggles, next/previous article, the theme kept, state saved on hang-up."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from test_tui_support import make_app, settle, small_collection
from textual.pilot import Pilot

from reader.tui.app import ReaderApp
from reader.tui.backend import ListFilter
from reader.tui.uistate import load_ui_state
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView


async def open_first(pilot: Pilot[int]) -> ArticleView:
    await pilot.press("enter")
    await settle(pilot)
    view = pilot.app.screen.query_one(ArticleView)
    assert view.lines
    return view


async def test_u_toggles_unread_and_all(tmp_path: Path) -> None:
    app = make_app(small_collection(tmp_path / "c", 6))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        await pilot.press("u")
        await settle(pilot)
        assert main.filter == ListFilter("unread")  # type: ignore[attr-defined]
        await pilot.press("u")
        await settle(pilot)
        assert main.filter == ListFilter("all")  # type: ignore[attr-defined]


async def test_next_and_previous_article_from_the_view(tmp_path: Path) -> None:
    app = make_app(
        small_collection(tmp_path / "c", 6), keymap={"article.next": "x,right_square_bracket"}
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        titles = [article_list.row_at(i).title for i in range(4)]  # type: ignore[union-attr]
        view = await open_first(pilot)
        # x is the remapped "next"; J no longer is.
        steps = (("x", 1), ("right_square_bracket", 2), ("J", 2), ("left_square_bracket", 1))
        for key, index in steps:
            await pilot.press(key)
            await settle(pilot)
            assert view.row is not None and view.row.title == titles[index], key
            assert isinstance(app.focused, ArticleView)
        await pilot.press("K")
        await settle(pilot)
        assert view.row is not None and view.row.title == titles[0]
        for i in range(3):  # each opened article was marked read
            assert app.backend.state.get(article_list.row_at(i).key).read  # type: ignore[union-attr]
        assert not app.backend.state.get(article_list.row_at(3).key).read  # type: ignore[union-attr]


async def test_theme_is_saved_and_restored(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 3)
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        chosen = app.theme
    assert chosen != "textual-dark"
    assert load_ui_state().theme == chosen
    again = make_app(root)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.theme == chosen
    explicit = make_app(root, theme="dark")  # the config (or --theme) wins
    async with explicit.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert explicit.theme == "textual-dark"


async def _wait_position(app: ReaderApp, key: str, wanted: int, pilot: Pilot[int]) -> int:
    position = -1
    for _ in range(100):  # the save waits for scrolling to stop (a timer), then writes
        position = app.backend.state.get(key).position
        if position == wanted:
            break
        await pilot.pause(0.1)
    return position


async def test_position_saved_while_reading_without_leaving(tmp_path: Path) -> None:
    app = make_app(small_collection(tmp_path / "c", 3))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = await open_first(pilot)
        assert view.row is not None
        await pilot.press("pagedown")
        assert view.position > 0
        assert await _wait_position(app, view.row.key, view.position, pilot) == view.position
        assert app.is_running


async def test_hang_up_saves_the_position_and_exits(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 3)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = await open_first(pilot)
        assert view.row is not None
        key = view.row.key
        await pilot.press("down", "down", "down")
        position = view.position
        assert position == 3
        assert signal.SIGHUP in app._signals  # else the signal below would end pytest
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(100):
            if not app.is_running:
                break
            await pilot.pause(0.05)
        assert not app.is_running
    assert app.return_value == 128 + signal.SIGHUP
    again = make_app(root)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.backend.state.get(key).position == position
