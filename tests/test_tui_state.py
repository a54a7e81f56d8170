"""Pilot tests: read/star marks and reading position persist across app instances."""

from __future__ import annotations

from pathlib import Path

from test_tui_support import make_app, screen_text, settle, small_collection

from reader.tui.backend import ListFilter
from reader.tui.rows import STAR_MARK, UNREAD_MARK
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.category_tree import CategoryTree


def first_line_of_list(app) -> str:
    article_list = app.screen.query_one(ArticleList)
    y = article_list.region.y + 1  # below the border
    return screen_text(app).splitlines()[y]


async def test_star_and_read_toggles_persist_across_restart(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 10)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        first = article_list.cursor_row
        assert first is not None and not first.read and not first.starred
        await pilot.press("s")
        await settle(pilot)
        assert STAR_MARK in first_line_of_list(app)
        await pilot.press("m")
        await settle(pilot)
        row = article_list.cursor_row
        assert row is not None and row.read and row.starred
        assert UNREAD_MARK not in first_line_of_list(app)
        await pilot.press("j", "s")  # star the second one, then unstar it
        await pilot.press("s")
        await settle(pilot)
        assert app.screen.counts.starred == 1
        assert app.screen.counts.unread == 9
        await pilot.press("q")
    assert app.return_value == 0

    again = make_app(root)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        article_list = again.screen.query_one(ArticleList)
        row = article_list.row_at(0)
        assert row is not None and row.id == first.id and row.read and row.starred
        second = article_list.row_at(1)
        assert second is not None and not second.starred and not second.read
        line = first_line_of_list(again)
        assert STAR_MARK in line and UNREAD_MARK not in line
        # The Starred filter lists exactly that article.
        tree = again.screen.query_one(CategoryTree)
        tree.focus()
        tree.select_filter(ListFilter("starred"))
        await pilot.press("enter")
        await settle(pilot)
        assert article_list.source.ids == [first.id]
        assert "Starred  1" in screen_text(again)


async def test_m_in_article_view_toggles_the_open_article(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 5)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert view.has_focus and view.row is not None
        key = view.row.key
        assert app.backend.state.get(key).read  # opening marked it read
        await pilot.press("m")
        await settle(pilot)
        assert not app.backend.state.get(key).read
        await pilot.press("s")
        assert app.backend.state.get(key).starred


async def test_reading_position_restored(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 3)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        await pilot.press(*["j"] * 12)
        assert view.position == 12
        await pilot.press("q")  # back: position saved
        await pilot.press("j", "enter")  # another article starts at the top
        await settle(pilot)
        assert view.position == 0
        await pilot.press("j", "j", "j")
        await pilot.press("q", "k", "enter")  # the first again: restored
        await settle(pilot)
        assert view.position == 12
        await pilot.press("space")
        saved = view.position
        await pilot.press("q", "q")  # quit saves too
    assert saved > 12

    again = make_app(root)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert again.screen.query_one(ArticleView).position == saved
