"""Pilot tests: tree → list → article, keys, panes, narrow and wide layouts."""

from __future__ import annotations

from pathlib import Path

from test_tui_support import SAMPLE, make_app, screen_text, settle, small_collection

from reader.library.index import Collection, Filter
from reader.tui.backend import ListFilter
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.category_tree import CategoryTree


def expected_ids(root: Path, **filters: object) -> list[int]:
    with Collection([root]) as collection:
        return collection.ids(Filter(**filters))  # type: ignore[arg-type]


async def test_first_screen_lists_sample_collection() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        ids = expected_ids(SAMPLE)
        assert len(ids) >= 40
        assert main.article_list.source.ids == ids  # newest first, as the index orders
        text = screen_text(app)
        first = main.article_list.row_at(0)
        assert first is not None
        assert first.title[:8] in text
        assert "All articles" in text and "Categories" in text
        assert f"{len(ids)} indexed" in text
        assert app.is_running


async def test_tree_filters_list_and_article_opens(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 30)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        tree = main.query_one(CategoryTree)
        tree.focus()
        node = tree.node_for(ListFilter("category", ("新媒体", "趣头条")))
        assert node is not None
        tree.select_filter(ListFilter("category", ("新媒体", "趣头条")))
        await pilot.press("enter")
        await settle(pilot)
        article_list = main.query_one(ArticleList)
        assert article_list.has_focus
        wanted = expected_ids(root, category=("新媒体", "趣头条"))
        assert len(wanted) == 15
        assert article_list.source.ids == wanted
        assert "新媒体 › 趣头条 · 15" in screen_text(app)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        view = main.query_one(ArticleView)
        assert view.has_focus
        row = article_list.cursor_row
        assert row is not None and view.article_id == row.id == wanted[2]
        assert view.lines and row.title in screen_text(app)
        # Opening marks read (in the state store and in the list).
        assert app.backend.state.get(row.key).read
        assert article_list.cursor_row.read  # type: ignore[union-attr]
        await pilot.press("q")
        assert article_list.has_focus


async def test_list_keys_move_cursor(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 60)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        assert article_list.has_focus and article_list.cursor == 0
        await pilot.press("j", "j", "down")
        assert article_list.cursor == 3
        await pilot.press("k", "up")
        assert article_list.cursor == 1
        await pilot.press("G")
        assert article_list.cursor == 59
        await pilot.press("g")
        assert article_list.cursor == 0
        page = article_list.scrollable_content_region.height
        await pilot.press("space")
        assert article_list.cursor == page
        await pilot.press("b")
        assert article_list.cursor == 0
        await pilot.press("ctrl+d")
        assert article_list.cursor == page // 2
        await pilot.press("ctrl+u")
        assert article_list.cursor == 0
        await pilot.press("end")
        await pilot.pause()
        # The cursor row is scrolled into view.
        assert article_list.scroll_offset.y + page >= 60


async def test_article_view_keys_scroll(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 3)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert len(view.lines) > 60
        await pilot.press("j", "j")
        assert view.position == 2
        await pilot.press("k")
        assert view.position == 1
        await pilot.press("space")
        assert view.position > 20
        await pilot.press("G")
        assert view.position == view.max_scroll_y
        await pilot.press("g")
        assert view.position == 0


async def test_wide_layout_shows_three_panes() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        tree, article_list, view = (
            main.query_one(CategoryTree),
            main.query_one(ArticleList),
            main.query_one(ArticleView),
        )
        assert tree.region.width and article_list.region.width and view.region.width
        assert tree.region.x < article_list.region.x < view.region.x
        await pilot.press("enter")
        await settle(pilot)
        assert article_list.region.width and view.region.width  # still side by side
        await pilot.press("t")  # hide the tree
        await pilot.pause()
        assert (tree.region.width == 0 and not tree.display) or tree.styles.display == "none"


async def test_narrow_layout_one_pane_at_a_time() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        main = app.screen
        tree, article_list, view = (
            main.query_one(CategoryTree),
            main.query_one(ArticleList),
            main.query_one(ArticleView),
        )
        assert article_list.region.width == 80
        assert view.region.width == 0 and tree.region.width == 0
        await pilot.press("enter")
        await settle(pilot)
        assert view.region.width == 80 and article_list.region.width == 0
        assert view.has_focus and view.lines
        title = view.row.title if view.row else ""
        assert title[:10] in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert article_list.region.width == 80 and article_list.has_focus
        await pilot.press("t")  # show the tree next to the list
        await pilot.pause()
        assert tree.region.width > 0 and tree.has_focus
        assert "All articles" in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        assert tree.region.width == 0 and article_list.has_focus


async def test_tab_cycles_visible_panes() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        assert main.query_one(ArticleList).has_focus
        await pilot.press("tab")
        assert main.query_one(ArticleView).has_focus
        await pilot.press("tab")
        assert main.query_one(CategoryTree).has_focus
        await pilot.press("shift+tab")
        assert main.query_one(ArticleView).has_focus


async def test_resize_between_layouts() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        wide_lines = len(view.lines)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        assert view.region.width == 80
        assert len(view.lines) < wide_lines  # laid out again, wider
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not app.screen.has_class("-narrow")
        assert len(view.lines) == wide_lines


async def test_q_quits_from_the_list() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("q")  # back from the article
        await pilot.pause()
        assert app.is_running
        await pilot.press("q")  # quit from the top
        await pilot.pause()
    assert app.return_value == 0


async def test_escape_on_the_list_does_not_quit_q_does() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.return_value is None
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 0


async def test_mouse_click_opens_and_wheel_only_scrolls(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 60)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen
        article_list = main.query_one(ArticleList)
        unread_before = main.counts.unread
        # Wheel: scrolls the list, no cursor move, nothing marked read.
        for _ in range(3):
            article_list.post_message(_scroll_down_event(article_list))
        await settle(pilot)
        assert article_list.scroll_offset.y > 0
        assert article_list.cursor == 0
        assert main.counts.unread == unread_before
        # Click on the third visible row opens it.
        top = int(article_list.scroll_offset.y)
        await pilot.click(ArticleList, offset=(10, 3))
        await settle(pilot)
        view = main.query_one(ArticleView)
        assert article_list.cursor == top + 2
        assert view.article_id == article_list.cursor_id
        assert main.counts.unread == unread_before - 1


def _scroll_down_event(widget: ArticleList):
    from textual import events

    return events.MouseScrollDown(
        widget,
        x=5,
        y=5,
        delta_x=0,
        delta_y=1,
        button=0,
        shift=False,
        meta=False,
        ctrl=False,
        screen_x=5,
        screen_y=5,
    )


async def test_a_cursor_step_repaints_only_the_two_rows_it_changes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``j`` repaints the row the cursor left and the row it reached, nothing else of the
    list (a whole-list repaint per key doubled the key's CPU on a full screen)."""
    app = make_app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        assert article_list.has_focus and article_list.cursor == 0
        assert article_list.count * article_list.row_height > 6  # more rows than two
        painted: list[int] = []
        render_line = ArticleList.render_line

        def spy(self: ArticleList, y: int):  # type: ignore[no-untyped-def]
            painted.append(y + int(self.scroll_offset.y))
            return render_line(self, y)

        monkeypatch.setattr(ArticleList, "render_line", spy)
        await pilot.press("j")
        await settle(pilot)
        height = article_list.row_height
        assert article_list.cursor == 1
        assert set(painted) == set(range(2 * height))
