"""Pilot tests of duplicate stories and related articles in the TUI (issue #14): the ``×3``
marker, ``D`` (hide duplicates) in lists and search, ``R`` (related articles, other sources)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_duplicates import BODIES, CHANGED, DISCLAIMER, FOOTER_A, FOOTER_B, HEADER_A, HEADER_B
from test_duplicates import STORY as STORY_TEXT
from test_related import ARTICLES
from test_stories import write
from test_tui_support import make_app, screen_text, settle, type_query
from textual.pilot import Pilot
from textual.widgets import OptionList

from reader.tui.app import ReaderApp
from reader.tui.screens.main import MainScreen
from reader.tui.screens.related import RelatedScreen
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView

COPIES = ("a/story.md", "b/story.md", "c/copy.md")


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """One story from three sources (different headers and footers, one sentence changed,
    one byte-identical copy) and five unrelated articles sharing a disclaimer."""
    r = tmp_path / "news"
    write(
        r,
        COPIES[0],
        "老街改造完成",
        HEADER_A + STORY_TEXT + FOOTER_A,
        "2021-07-02 08:00",
        "晨光日报",
    )
    write(
        r,
        COPIES[1],
        "岳麓区老街变样",
        HEADER_B + CHANGED + FOOTER_B,
        "2021-07-03 09:00",
        "城市新闻",
    )
    write(
        r, COPIES[2], "老街改造完成", HEADER_A + STORY_TEXT + FOOTER_A, "2021-07-04 10:00", "转载站"
    )
    for i, body in enumerate(BODIES[:5]):
        write(r, f"d/other{i}.md", f"其他新闻{i}", body + DISCLAIMER, f"2021-06-{10 + i} 08:00")
    return r


@pytest.fixture
def topics(tmp_path: Path) -> Path:
    """Nine articles on three topics (street food, Python packaging, rainy season)."""
    r = tmp_path / "topics"
    for i, (_, title, body) in ARTICLES.items():
        write(r, f"{i}.md", title, body, f"2021-05-{i:02d} 08:00", f"来源{i}")
    return r


def main_of(app: ReaderApp) -> MainScreen:
    main = app.main
    assert main is not None
    return main


def id_of(app: ReaderApp, path: Path) -> int:
    article_id = main_of(app).backend.collection.id_for_path(path)
    assert article_id is not None
    return article_id


async def open_in_view(pilot: Pilot, path: Path) -> int:
    """Move the list's cursor to ``path``, open it with Enter, wait for the layout."""
    app = pilot.app
    assert isinstance(app, ReaderApp)
    article_id = id_of(app, path)
    article_list = main_of(app).article_list
    article_list.focus()
    article_list.move_cursor(article_list.source.ids.index(article_id))
    await pilot.press("enter")
    await settle(pilot)
    view = main_of(app).view
    assert view.has_focus and view.article_id == article_id and view.lines
    return article_id


async def related_screen(pilot: Pilot) -> RelatedScreen:
    """Press R and wait (bounded) for the related screen to have its rows."""
    await pilot.press("R")
    for _ in range(200):
        await settle(pilot)
        screen = pilot.app.screen
        if isinstance(screen, RelatedScreen) and screen.loaded:
            return screen
    raise AssertionError("the related screen did not load")


def option_ids(screen: RelatedScreen) -> list[int]:
    return [int(o.id) for o in screen.query_one(OptionList).options if o.id and not o.disabled]


async def test_group_marker_shows_the_copies(news: Path) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        story_lines = [line for line in lines if "老街" in line]
        assert len(story_lines) == 3
        assert all("×3" in line for line in story_lines)
        # The marker sits between the title and the source.
        assert all(line.index("老街") < line.index("×3") for line in story_lines)
        others = [line for line in lines if "其他新闻" in line]
        assert len(others) == 5 and not any("×" in line for line in others)


async def test_marker_fits_narrow_rows(news: Path) -> None:
    app = make_app(news)
    async with app.run_test(size=(44, 20)) as pilot:
        await settle(pilot)
        story_lines = [line for line in screen_text(app).splitlines() if "×3" in line]
        assert len(story_lines) == 3


async def test_hide_duplicates_toggle(news: Path) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        main = main_of(app)
        article_list = main.query_one(ArticleList)
        everything = list(article_list.source.ids)
        assert len(everything) == 8
        earliest, *copies = (id_of(app, news / p) for p in COPIES)
        await pilot.press("D")
        await settle(pilot)
        shown = article_list.source.ids
        assert len(shown) == 6 and earliest in shown
        assert not set(copies) & set(shown)
        assert [i for i in everything if i in shown] == shown  # same order, copies left out
        text = screen_text(app)
        assert "6 shown" in text and "duplicates hidden" in text
        assert text.count("老街改造完成") == 1 and "岳麓区老街变样" not in text
        # The kept copy still says how many copies the story has.
        assert "×3" in text
        # Choosing a filter keeps the setting.
        main.choose_filter(main.filter.__class__("unread"))
        await settle(pilot)
        assert len(article_list.source.ids) == 6
        await pilot.press("D")
        await settle(pilot)
        assert sorted(article_list.source.ids) == sorted(everything)
        assert "duplicates hidden" not in screen_text(app)


async def test_hide_duplicates_in_search(news: Path) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        earliest = id_of(app, news / COPIES[0])
        await type_query(pilot, "老街")
        article_list = main_of(app).query_one(ArticleList)
        assert len(article_list.source.ids) == 3
        await pilot.press("enter")  # to the results
        assert article_list.has_focus
        await pilot.press("D")
        await settle(pilot)
        assert article_list.source.ids == [earliest]
        text = screen_text(app)
        assert "1 hit" in text
        snippets = article_list.source.snippets
        assert snippets is not None and earliest in snippets
        assert snippets[earliest].highlights
        # Its snippet line is drawn under its row.
        lines = text.splitlines()
        row = next(n for n, line in enumerate(lines) if "老街改造完成" in line)
        assert "老街" in lines[row + 1]
        await pilot.press("D")
        await settle(pilot)
        assert len(article_list.source.ids) == 3


async def test_related_lists_same_topic_first_and_opens_one(topics: Path) -> None:
    app = make_app(topics)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = await open_in_view(pilot, topics / "1.md")
        screen = await related_screen(pilot)
        ids = option_ids(screen)
        assert first not in ids and 0 < len(ids) <= 10
        food = {id_of(app, topics / f"{i}.md") for i in (2, 3)}
        assert set(ids[:2]) == food
        text = screen_text(app)
        # Each related article with its source and date; no "other sources" section.
        assert "来源2" in text and "2021-05-02" in text and "長沙臭豆腐與米粉" in text
        assert "Other sources" not in text
        option_list = screen.query_one(OptionList)
        assert option_list.has_focus
        highlighted = option_list.highlighted
        assert highlighted is not None
        chosen = option_list.options[highlighted].id
        assert chosen is not None and int(chosen) == ids[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        view = app.screen.query_one(ArticleView)
        assert view.article_id == ids[0] and view.has_focus and view.lines
        assert any(
            ARTICLES[2][1] in line.plain or ARTICLES[3][1] in line.plain for line in view.lines
        )


async def test_related_shows_other_sources_and_escape_closes(news: Path) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_in_view(pilot, news / COPIES[0])
        screen = await related_screen(pilot)
        copies = [id_of(app, news / p) for p in COPIES[1:]]
        assert option_ids(screen)[:2] == copies  # other sources first, then related
        text = screen_text(app)
        assert "Other sources of this story (2)" in text
        assert "城市新闻" in text and "转载站" in text and "2021-07-03" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one(ArticleView).has_focus


def test_snippet_window_follows_shown_positions() -> None:
    from reader.tui.session.search import snippet_window
    from reader.tui.widgets.article_list import PAGE_SIZE

    assert snippet_window(None, 2) == (2 * PAGE_SIZE, PAGE_SIZE)
    # Every other hit hidden: page 1 of the shown ids spans hits 256..510.
    positions = list(range(0, 4 * PAGE_SIZE, 2))
    assert snippet_window(positions, 0) == (0, 2 * PAGE_SIZE - 1)
    assert snippet_window(positions, 1) == (2 * PAGE_SIZE, 2 * PAGE_SIZE - 1)
    assert snippet_window(positions, 2) == (2 * PAGE_SIZE, 0)
