"""Pilot tests: article data is never markup; errors show in the view; big articles don't block."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from test_tui_support import make_app, screen_text, settle, small_collection, write_post

import reader.render
from reader.library.index import Collection
from reader.tui.backend import ListFilter
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.category_tree import CategoryTree

HANG_GUARD = 600  # seconds: only a hang is a failure, never slowness

HOSTILE_TITLES = ("[b]x[/i] bold?", "[@click=app.quit]click me[/]", "[link=http://evil]y[/link]")


async def test_markup_in_titles_and_categories_shows_literally(tmp_path: Path) -> None:
    root = tmp_path / "c"
    for n, title in enumerate(HOSTILE_TITLES):
        write_post(
            root,
            f"p{n}.md",
            title=title,
            date=f"2021-07-1{n} 10:00:00",
            categories=["[red]cat[/red]", "[@click=app.quit]sub[/]"],
            author="[i]author[/b]",
            tags=["[bold]tag"],
            url="https://example.com/[b]",
        )
    app = make_app(root)
    async with app.run_test(size=(200, 40), notifications=True) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for title in HOSTILE_TITLES:
            assert title in text, title
        assert "[red]cat[/red]" in text
        assert "[@click=app.quit]su" in text  # the tree pane cuts the rest
        assert "[i]author[/b]" in text
        # Clicking a title and a category label does nothing but select/open.
        await pilot.click(ArticleList, offset=(20, 2))
        await settle(pilot)
        assert app.is_running
        view = app.screen.query_one(ArticleView)
        assert view.row is not None and view.row.title in HOSTILE_TITLES
        tree = app.screen.query_one(CategoryTree)
        node = tree.node_for(ListFilter("category", ("[red]cat[/red]",)))
        assert node is not None
        sub = tree.node_for(ListFilter("category", ("[red]cat[/red]", "[@click=app.quit]sub[/]")))
        assert sub is not None and sub.label.plain.startswith("[@click=app.quit]sub[/]  ")
        await pilot.click(CategoryTree, offset=(3, 4))
        await pilot.click(CategoryTree, offset=(6, 5))
        await settle(pilot)
        assert app.is_running
        # Facet values are plain text too.
        tree.focus()
        from reader.tui.widgets.category_tree import FacetGroup

        group = tree.node_for(FacetGroup("tag"))
        assert group is not None
        group.expand()
        await settle(pilot)
        assert "[bold]tag" in screen_text(app)
        # Copying the URL notifies it literally.
        app.screen.query_one(ArticleList).focus()
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == "https://example.com/[b]"
        assert "https://example.com/[b]" in screen_text(app)
    assert app.return_value is None or app.return_value == 0


async def test_article_error_is_a_message_not_a_traceback(tmp_path: Path, monkeypatch) -> None:
    root = small_collection(tmp_path / "c", 3)

    def broken(self, id):
        raise RuntimeError("disk on fire [b]")

    monkeypatch.setattr(Collection, "article", broken)
    app = make_app(root)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Could not show this article" in text
        assert "disk on fire [b]" in text
        assert app.is_running
        view = app.screen.query_one(ArticleView)
        first = view.row
        await pilot.press("q", "j", "enter")  # the app keeps working: the next one opens
        await settle(pilot)
        assert app.is_running
        assert view.row is not None and first is not None and view.row.id != first.id
        assert "Could not show this article" in screen_text(app)


async def test_one_megabyte_article_opens_without_blocking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "c"
    paragraph = "长沙的互联网产业发展迅速，诚信建设成效显著。" * 20 + "\n\n"
    body = paragraph * (1_100_000 // len(paragraph.encode("utf-8")) + 1)
    assert len(body.encode("utf-8")) > 1_000_000
    write_post(root, "big.md", title="Big one", body=body, date="2022-01-01 00:00:00")
    write_post(root, "small.md", title="Small one", date="2021-01-01 00:00:00")
    # Hold the layout thread until the keys below were handled: no clock involved.

    gate = threading.Event()
    real_layout = reader.render.layout_article

    def gated_layout(*args: object, **kwargs: object) -> object:
        gate.wait(60)
        return real_layout(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reader.render, "layout_article", gated_layout)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, timeout=120)
        article_list = app.screen.query_one(ArticleList)
        assert article_list.cursor_row.title == "Big one"  # type: ignore[union-attr]
        view = app.screen.query_one(ArticleView)
        await pilot.press("enter")
        for _ in range(100):
            if view.laying_out:
                break
            await pilot.pause()
        assert view.laying_out
        # While the article is laid out in a thread, keys are handled.
        for key, wanted in (("tab", CategoryTree), ("shift+tab", ArticleView)):
            app.simulate_key(key)
            for _ in range(100):
                if isinstance(app.focused, wanted):
                    break
                await pilot.pause()
            assert isinstance(app.focused, wanted), key
            assert view.laying_out
        gate.set()
        await settle(pilot, timeout=120)
        assert not view.laying_out
        assert len(view.lines) > 1000
        assert "Big one" in screen_text(app)
        await pilot.press("G")
        assert view.position == view.max_scroll_y
