"""Shared state and widget accessors of the main screen (the mixins build on this)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.screen import Screen
from textual.timer import Timer

from reader.tui.backend import Backend, ListFilter
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.category_tree import CategoryTree, Counts
from reader.tui.widgets.search_bar import SearchBar
from reader.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from reader.library.index import ArticleRow
    from reader.tui.app import ReaderApp

WIDE = 120
SORTS = ("date", "title")
SEARCH_SORTS = ("relevance", "date")


@dataclass(slots=True)
class SearchState:
    """The active search (None when the list shows a filter)."""

    query: str
    terms: tuple[str, ...] = ()
    total: int = 0
    error: str | None = None
    pending: int = 0
    """Articles the search could not look at yet (index still building)."""


class ScreenBase(Screen[None]):
    """State shared by the jobs; the methods below are provided by the job mixins."""

    def __init__(self) -> None:
        super().__init__()
        self.filter = ListFilter("all")
        self.hide_duplicates = False
        self.sort = "date"
        self.search_sort = "relevance"
        self.search: SearchState | None = None
        self.counts = Counts()
        self.tree_visible: bool | None = None
        self.indexing = False
        self.index_status = Text("")
        self._search_timer: Timer | None = None
        self._reading = False

    @property
    def reader_app(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    @property
    def backend(self) -> Backend:
        return self.reader_app.backend

    @property
    def category_tree(self) -> CategoryTree:
        return self.query_one(CategoryTree)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def wide(self) -> bool:
        return self.size.width >= WIDE

    def _fetch_rows(self, ids: Sequence[int]) -> list[ArticleRow]:
        return self.backend.collection.rows(list(ids))

    # Provided by the job mixins (declared here so each job can call the others).

    def load_list(self, *, keep: bool = True) -> None:
        raise NotImplementedError

    def load_counts(self) -> None:
        raise NotImplementedError

    def load_ids(self, list_filter: ListFilter, sort: str, keep_id: int | None) -> None:
        raise NotImplementedError

    def start_refresh(self) -> None:
        raise NotImplementedError

    def live_refresh(self, *, full: bool = False) -> None:
        raise NotImplementedError

    def start_full_walk(self) -> None:
        raise NotImplementedError

    def start_watching(self) -> None:
        raise NotImplementedError

    def run_search(self, query: str, *, keep: bool = False) -> None:
        raise NotImplementedError

    def warm_search(self) -> None:
        raise NotImplementedError

    def leave_search(self) -> None:
        raise NotImplementedError

    def _clear_search_input(self) -> None:
        raise NotImplementedError

    def _show_error(self, message: str) -> None:
        raise NotImplementedError

    def _update_status(self) -> None:
        raise NotImplementedError

    def _update_titles(self) -> None:
        raise NotImplementedError

    def _apply_layout(self) -> None:
        raise NotImplementedError

    def _set_reading(self, reading: bool) -> None:
        raise NotImplementedError

    def open_article(self, article_id: int) -> None:
        raise NotImplementedError

    def fit_tree(self) -> None:
        raise NotImplementedError

    def _target(self) -> tuple[int, ArticleRow] | None:
        raise NotImplementedError

    def _adjust_counts(self, row: ArticleRow, *, unread: int = 0, starred: int = 0) -> None:
        raise NotImplementedError

    def _open_url(self, url: str) -> None:
        raise NotImplementedError
