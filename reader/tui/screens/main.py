"""The main screen: category tree | article list | article view, search bar and status line.

Wide terminals (≥ 120 columns) show the three panes side by side. Narrower ones hide the
tree (``t`` shows it) and show either the list or the article, one at a time.
All index access that may take long runs in thread workers, which report back with the
typed messages of :mod:`reader.tui.messages`; the UI thread only reads pages of rows for
what is on screen. Each job lives in its own module under :mod:`reader.tui.session`.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer

from reader.tui.backend import ListFilter
from reader.tui.session.base import WIDE, SearchState
from reader.tui.session.external import ExternalMixin
from reader.tui.session.loading import LoadingMixin
from reader.tui.session.panes import PanesMixin
from reader.tui.session.reading import ReadingMixin
from reader.tui.session.refresh import RefreshMixin
from reader.tui.session.search import SearchMixin
from reader.tui.session.status import StatusMixin
from reader.tui.session.stories import StoriesMixin
from reader.tui.session.watch import WatchMixin
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.category_tree import CategoryTree
from reader.tui.widgets.search_bar import SearchBar
from reader.tui.widgets.status_line import StatusLine

__all__ = ["WIDE", "MainScreen", "SearchState"]


class MainScreen(
    LoadingMixin,
    RefreshMixin,
    StatusMixin,
    SearchMixin,
    ReadingMixin,
    ExternalMixin,
    StoriesMixin,
    PanesMixin,
    WatchMixin,
):
    """The reading screen: lays out the panes and routes their messages to the jobs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="main.search"),
        Binding("tab", "focus_next_pane", "Next pane", show=False, id="main.next_pane"),
        Binding(
            "shift+tab", "focus_previous_pane", "Prev pane", show=False, id="main.previous_pane"
        ),
        Binding("m", "toggle_read", "Read/unread", id="article.toggle_read"),
        Binding("s", "toggle_star", "Star", id="article.toggle_star"),
        Binding("o", "open_source", "Open URL", show=False, id="article.open_source"),
        Binding("y", "copy_url", "Copy URL", show=False, id="article.copy_url"),
        Binding("e", "edit", "Edit file", show=False, id="article.edit"),
        Binding("p", "pager", "Pager", show=False, id="article.pager"),
        Binding("t", "toggle_tree", "Tree", id="main.toggle_tree"),
        Binding("S", "cycle_sort", "Sort", show=False, id="main.sort"),
        Binding("u", "show_unread", "Unread/all", show=False, id="main.unread"),
        Binding("D", "hide_duplicates", "Hide duplicates", show=False, id="main.hide_duplicates"),
        Binding("R", "related", "Related articles", show=False, id="article.related"),
        Binding(
            "less_than_sign", "tree_narrower", "Narrower tree", show=False, id="main.tree_narrower"
        ),
        Binding("greater_than_sign", "tree_wider", "Wider tree", show=False, id="main.tree_wider"),
        Binding(
            "J,right_square_bracket", "next_article", "Next article", show=False, id="article.next"
        ),
        Binding(
            "K,left_square_bracket",
            "previous_article",
            "Prev article",
            show=False,
            id="article.previous",
        ),
    ]

    DEFAULT_CSS = """
    MainScreen #panes { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search")
        with Horizontal(id="panes"):
            yield CategoryTree(id="tree")
            yield ArticleList(id="list")
            yield ArticleView(id="view")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.category_tree.border_title = Text("Categories")
        self.view.border_title = Text("Article")
        self._apply_layout()
        self.set_focus(self.article_list)
        self.search_bar.input.results = self.article_list
        self.article_list.empty_message = "Loading…"
        self.watch_reading_position()
        self.reader_app.keys_ready()  # keys typed before now go to the list, in order
        # First the list, then the counts, then the refresh (see LoadingMixin).
        self.load_list()

    def on_unmount(self) -> None:
        self.stop_watching()  # the watcher thread ends now: the app never waits on it

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout()

    @on(ArticleList.Back)
    def _list_back(self) -> None:
        """Escape goes back (leaves search, then a filter); it never quits."""
        if self.search is not None:
            self.leave_search()
        elif self.filter.kind != "all":
            self.choose_filter(ListFilter("all"))
            self.category_tree.select_filter(ListFilter("all"))
