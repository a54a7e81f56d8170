"""Pilot tests of search: typing (Chinese too), counts, snippets, no hits, Enter/Esc, n/N."""

from __future__ import annotations

import threading
from pathlib import Path

from test_tui_support import SAMPLE, make_app, screen_text, settle, small_collection, type_query

from reader.library.index import Collection
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.search_bar import SearchInput


def search_ids(root: Path, query: str) -> list[int]:
    with Collection([root]) as collection:
        return collection.search_ids(query)[0]


async def test_search_chinese_typed_with_keys() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, SearchInput)
        await pilot.press("长", "沙")
        assert app.focused.value == "长沙"
        await pilot.pause(0.25)
        await settle(pilot)
        main = app.screen
        wanted = search_ids(SAMPLE, "长沙")
        assert wanted
        article_list = main.query_one(ArticleList)
        assert article_list.source.is_search
        assert article_list.source.ids == wanted
        text = screen_text(app)
        assert f"{len(wanted)} hit" in text
        assert "Search: 长沙" in text
        # Every visible hit has a snippet line; the term shows in the snippets.
        assert text.count("长沙") > len(wanted[:5])
        snippet = article_list.source.snippets[wanted[0]]  # type: ignore[index]
        assert snippet.highlights
        start, end = snippet.highlights[0]
        assert snippet.text[start:end] == "长沙"


async def test_search_phrase_by_value_and_enter_focuses_list() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_query(pilot, "诚信长沙")
        article_list = app.screen.query_one(ArticleList)
        wanted = search_ids(SAMPLE, "诚信长沙")
        assert wanted and article_list.source.ids == wanted
        assert len(wanted) <= len(search_ids(SAMPLE, "长沙"))
        await pilot.press("enter")
        assert article_list.has_focus
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert view.article_id == wanted[0]
        assert view.terms == ("诚信长沙",)


async def test_search_without_hits() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_query(pilot, "qqxyzzy 不存在的词")
        article_list = app.screen.query_one(ArticleList)
        assert article_list.count == 0
        text = screen_text(app)
        assert "no matches" in text
        assert "No matches." in text
        await pilot.press("enter")  # nothing to open: no crash
        await pilot.press("enter")
        assert app.is_running
        assert "No matches." in screen_text(app)


async def test_escape_leaves_search_and_restores_list() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        everything = list(article_list.source.ids)
        await type_query(pilot, "长沙")
        assert article_list.count < len(everything)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.search_bar.value == ""
        assert article_list.has_focus and not article_list.source.is_search
        assert article_list.source.ids == everything
        # Escape in the list leaves search too (and does not quit).
        await type_query(pilot, "长沙")
        await pilot.press("enter")
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and article_list.source.ids == everything


async def test_clearing_the_query_shows_the_filter_again() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        total = article_list.count
        await type_query(pilot, "长沙")
        await type_query(pilot, "")
        assert article_list.count == total and not article_list.source.is_search


async def test_hit_opens_with_highlights_and_match_keys(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 5)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_query(pilot, "长沙")
        await pilot.press("enter", "enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        assert view.terms == ("长沙",)
        assert len(view.matches) >= 40  # one per paragraph of the generated post
        assert all("长沙" in view.lines[i].plain for i in view.matches)
        # The matched term is styled in the laid-out line.
        line = view.lines[view.matches[0]]
        start = line.plain.index("长沙")
        assert any(span.start <= start < span.end for span in line.spans)
        await pilot.press("n")
        assert view.match_index == 0
        first = view.position
        await pilot.press("n")
        assert view.match_index == 1 and view.position >= first
        await pilot.press("N")
        assert view.match_index == 0
        await pilot.press("N")
        assert view.match_index == len(view.matches) - 1  # wraps around
        assert f"match {len(view.matches)}/{len(view.matches)}" in screen_text(app)


async def test_typing_does_not_wait_for_search(tmp_path: Path, monkeypatch) -> None:
    """Keys typed while a search runs are handled at once: the search is held at a gate
    until they have been, so slowness cannot fail this and speed cannot pass it."""
    root = small_collection(tmp_path / "c", 5)
    app = make_app(root)
    slow_calls: list[str] = []
    started, release = threading.Event(), threading.Event()
    original = Collection.search_ids

    def gated_search_ids(self, query, **kwargs):
        slow_calls.append(query)
        started.set()
        release.wait(timeout=600)  # a hang guard only
        return original(self, query, **kwargs)

    monkeypatch.setattr(Collection, "search_ids", gated_search_ids)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            await pilot.press("长")
            for _ in range(10_000):  # a poll count, not a time budget
                if started.is_set():
                    break
                await pilot.pause(0.01)
            assert started.is_set(), "the debounced search never started"
            await pilot.press("沙", "p", "a")
            # Handled while the first search is still held.
            assert app.focused.value == "长沙pa"  # type: ignore[union-attr]
            assert slow_calls[0] == "长" and not release.is_set()
            release.set()
            await pilot.pause(0.3)
            await settle(pilot)
            assert app.screen.search_bar.value == "长沙pa"
            assert slow_calls[0] == "长"
            assert slow_calls[-1] == "长沙pa"
    finally:
        release.set()


async def test_capped_relevance_order_is_shown_and_said(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With more matches than RANK_CANDIDATES the list holds every hit in the library's
    capped order and the count says how many were ranked."""
    from reader.library import search as search_module

    monkeypatch.setattr(search_module, "RANK_CANDIDATES", 2)
    app = make_app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        wanted = search_ids(SAMPLE, "长沙")
        assert len(wanted) > 2
        await type_query(pilot, "长沙")
        article_list = app.screen.query_one(ArticleList)
        assert article_list.source.ids == wanted
        text = screen_text(app)
        assert f"{len(wanted)} hits · newest 2 ranked" in text
