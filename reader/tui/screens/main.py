"""The main screen: category tree | article list | article view, search bar and status line.

Wide terminals (≥ 120 columns) show the three panes side by side. Narrower ones hide the
tree (``t`` shows it) and show either the list or the article, one at a time.
All index access that may take long runs in thread workers; the UI thread only reads pages
of rows for what is on screen.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import get_current_worker

from reader.tui.backend import ListFilter
from reader.tui.screens.links import LinkPrompt
from reader.tui.widgets.article_list import PAGE_SIZE, ArticleList, ListSource, Snippet
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.category_tree import CategoryTree, Counts
from reader.tui.widgets.search_bar import SearchBar, SearchInput
from reader.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from reader.library.index import ArticleRow
    from reader.library.model import Progress, RefreshReport
    from reader.tui.app import ReaderApp

WIDE = 120
SEARCH_DEBOUNCE = 0.15
SORTS = ("date", "title")
SEARCH_SORTS = ("relevance", "date")


class RefreshCancelled(Exception):
    """Raised from the progress callback to abandon a refresh when the app closes."""


@dataclass(slots=True)
class SearchState:
    """The active search (None when the list shows a filter)."""

    query: str
    terms: tuple[str, ...] = ()
    total: int = 0
    error: str | None = None


class MainScreen(Screen[None]):
    """The reading screen."""

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
        Binding("u", "show_unread", "Unread only", show=False, id="main.unread"),
    ]

    DEFAULT_CSS = """
    MainScreen #panes { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter = ListFilter("all")
        self.sort = "date"
        self.search_sort = "relevance"
        self.search: SearchState | None = None
        self.counts = Counts()
        self.tree_visible: bool | None = None
        self.indexing = False
        self.index_status = Text("")
        self._search_timer: Timer | None = None
        self._last_partial_load = 0.0
        self._list_ready_loaded = False
        self._first_index = False
        self._refresh_started = False
        self._counts_started = False
        self._reading = False

    @property
    def reader_app(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search")
        with Horizontal(id="panes"):
            yield CategoryTree(id="tree")
            yield ArticleList(id="list")
            yield ArticleView(id="view")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def tree(self) -> CategoryTree:
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

    def on_mount(self) -> None:
        self.tree.border_title = Text("Categories")
        self.view.border_title = Text("Article")
        self._apply_layout()
        self.article_list.focus()
        self.article_list.empty_message = "Loading…"
        # First the list, then the counts, then the refresh (see _apply_ids, _apply_counts):
        # running them together would make them compete for the GIL and delay the first rows.
        self.load_list()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        wide = self.wide
        tree_visible = self.tree_visible if self.tree_visible is not None else wide
        self.set_class(not wide, "-narrow")
        self.set_class(not tree_visible, "-no-tree")
        self.set_class(self._reading, "-reading")

    def _set_reading(self, reading: bool) -> None:
        self._reading = reading
        self._apply_layout()

    # ----------------------------------------------------------------- loading

    def load_list(self, *, keep: bool = True) -> None:
        """Reload the ids of the current filter (or search) in the background."""
        if self.search is not None:
            self.run_search(self.search.query, keep=keep)
            return
        keep_id = self.article_list.cursor_id if keep else None
        self._load_ids(self.filter, self.sort, keep_id)

    @work(thread=True, exclusive=True, group="list", description="load article ids")
    def _load_ids(self, list_filter: ListFilter, sort: str, keep_id: int | None) -> None:
        worker = get_current_worker()
        try:
            with self.reader_app.backend.worker_collection() as collection:
                ids = collection.ids(**list_filter.ids_kwargs(), sort=sort)
        except Exception as exc:
            self.app.call_from_thread(self._show_error, f"Could not read the index: {exc}")
            self.app.call_from_thread(self.load_counts)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._apply_ids, list_filter, ids, keep_id)

    def _ensure_refresh(self) -> None:
        """Start the start-up refresh once (after the first list, or a failed read)."""
        if not self._refresh_started:
            self._refresh_started = True
            self.start_refresh()

    def _apply_ids(self, list_filter: ListFilter, ids: list[int], keep_id: int | None) -> None:
        if not self._counts_started:
            self._counts_started = True
            self.call_after_refresh(self.load_counts)
        if self.search is not None or list_filter != self.filter:
            return
        article_list = self.article_list
        article_list.empty_message = "Indexing…" if self.indexing else "No articles here."
        article_list.set_source(ListSource(ids, self._fetch_rows), keep_id=keep_id)
        self._update_titles()

    def _fetch_rows(self, ids: list[int] | tuple[int, ...]) -> list[ArticleRow]:
        return self.reader_app.backend.collection.rows(list(ids))

    def load_counts(self) -> None:
        self._load_counts(self.tree.expanded_facets)

    @work(thread=True, exclusive=True, group="counts", description="count articles")
    def _load_counts(self, facets: list[str]) -> None:
        worker = get_current_worker()
        try:
            with self.reader_app.backend.worker_collection() as collection:
                counts = Counts(
                    total=collection.count(),
                    unread=collection.count(unread=True),
                    starred=collection.count(starred=True),
                    categories=collection.category_counts(),
                    facets={kind: collection.facet_counts(kind) for kind in facets},
                )
        except Exception as exc:
            self.app.call_from_thread(self._show_error, f"Could not count articles: {exc}")
            self.app.call_from_thread(self._ensure_refresh)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._apply_counts, counts)

    def _apply_counts(self, counts: Counts) -> None:
        self.call_after_refresh(self._ensure_refresh)
        self.counts = counts
        self.tree.apply_counts(counts)
        self._update_status()

    @on(CategoryTree.FacetWanted)
    def _facet_wanted(self, event: CategoryTree.FacetWanted) -> None:
        self._load_facet(event.kind)

    @work(thread=True, group="facets", description="facet counts")
    def _load_facet(self, kind: str) -> None:
        try:
            with self.reader_app.backend.worker_collection() as collection:
                values = collection.facet_counts(kind)  # type: ignore[arg-type]
        except Exception as exc:
            self.app.call_from_thread(self._show_error, f"Could not read facets: {exc}")
            return
        self.app.call_from_thread(self.tree.set_facet, kind, values)

    def _show_error(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.status.set_right(Text(message, style="red"))

    # ----------------------------------------------------------------- refresh

    def start_refresh(self) -> None:
        """Incremental re-index in the background (start-up and ``r``)."""
        if self.indexing:
            self.notify("Already indexing.")
            return
        self.indexing = True
        self._first_index = False
        self._list_ready_loaded = False
        self._last_partial_load = 0.0
        self.index_status = Text("checking for changes…")
        self._update_status()
        self._refresh_worker()

    @work(thread=True, exclusive=True, group="refresh", description="refresh index")
    def _refresh_worker(self) -> None:
        app = self.app
        worker = get_current_worker()
        last = {"phase": "", "time": 0.0}

        def progress(p: Progress) -> None:
            if worker.is_cancelled:  # the app is closing: stop indexing now
                raise RefreshCancelled
            # Throttled, but never drop a phase change or the end of a phase.
            now = time.monotonic()
            if p.phase == last["phase"] and p.done < p.total and now - last["time"] < 0.1:
                return
            last.update(phase=p.phase, time=now)
            app.call_from_thread(self._on_progress, p.phase, p.done, p.total)

        try:
            with self.reader_app.backend.worker_collection() as collection:
                if collection.count() == 0:
                    app.call_from_thread(setattr, self, "_first_index", True)
                report = collection.refresh(progress)
        except RefreshCancelled:
            return
        except Exception as exc:
            if not worker.is_cancelled:
                app.call_from_thread(self._on_refresh_failed, f"{type(exc).__name__}: {exc}")
            return
        if not worker.is_cancelled:
            app.call_from_thread(self._on_refreshed, report)

    def _on_progress(self, phase: str, done: int, total: int) -> None:
        if phase == "done":
            return
        label = {
            "scan": "scanning",
            "parse": "indexing",
            "write": "building search index",
        }.get(phase, phase)
        self.index_status = Text(f"{label} {done:,}/{total:,}" if total else f"{label}…")
        list_ready = phase == "write" or (phase == "parse" and total and done >= total)
        if self._first_index and phase in ("parse", "write"):
            self.status.set_progress(done, total)
        if list_ready and not self._list_ready_loaded:
            # The list is complete (search may still be building): show it now.
            self._list_ready_loaded = True
            self.load_list()
            self.load_counts()
        elif self._first_index and phase == "parse" and done:
            now = time.monotonic()
            if now - self._last_partial_load > 1.0:
                # First open of a big collection: usable as soon as rows exist.
                self._last_partial_load = now
                self.load_list()
                self.load_counts()
        self._update_status()

    def _on_refreshed(self, report: RefreshReport) -> None:
        self.indexing = False
        self.status.hide_progress()
        changes = []
        if report.added:
            changes.append(f"+{report.added:,}")
        if report.updated:
            changes.append(f"~{report.updated:,}")
        if report.removed:
            changes.append(f"−{report.removed:,}")
        text = f"{report.articles:,} indexed"
        if changes:
            text += " (" + " ".join(changes) + ")"
        if report.skipped:
            text += f", {len(report.skipped):,} skipped"
        self.index_status = Text(text)
        self._update_status()
        if report.added or report.updated or report.removed or self._first_index:
            self.load_list()
            self.load_counts()

    def _on_refresh_failed(self, message: str) -> None:
        self.indexing = False
        self.status.hide_progress()
        self.index_status = Text(f"indexing failed: {message}", style="red")
        self._update_status()
        self.notify(f"Indexing failed: {message}", severity="error", markup=False)

    # ----------------------------------------------------------------- status

    def _update_titles(self) -> None:
        article_list = self.article_list
        if self.search is not None:
            title = Text("Search: ")
            title.append(self.search.query)
        else:
            title = Text(self.filter.label)
        title.append(f" · {article_list.count:,}")
        article_list.border_title = title
        sort = self.search_sort if self.search is not None else self.sort
        article_list.border_subtitle = Text(f"sort: {sort}")
        self._update_status()

    def _update_status(self) -> None:
        counts = self.counts
        left = Text(f"{self.article_list.count:,} shown · {counts.total:,} articles · ")
        left.append(f"{counts.unread:,} unread", style="bold" if counts.unread else "")
        left.append(f" · {counts.starred:,} starred")
        self.status.set_left(left)
        self.status.set_right(self.index_status)

    # ----------------------------------------------------------------- tree → list → view

    @on(CategoryTree.NodeSelected)
    def _node_selected(self, event: CategoryTree.NodeSelected) -> None:
        data = event.node.data
        if not isinstance(data, ListFilter):
            event.node.toggle()
            return
        self.choose_filter(data)
        self.article_list.focus()

    def choose_filter(self, list_filter: ListFilter) -> None:
        """Show ``list_filter`` in the list (leaving any search)."""
        if self.search is not None:
            self._clear_search_input()
        self.search = None
        self.filter = list_filter
        self._update_titles()
        self._load_ids(list_filter, self.sort, None)

    @on(CategoryTree.ToList)
    def _tree_to_list(self) -> None:
        self.article_list.focus()

    @on(ArticleList.ToTree)
    def _list_to_tree(self) -> None:
        if not self.has_class("-no-tree"):
            self.tree.focus()

    @on(ArticleList.OpenRequested)
    def _open_requested(self, event: ArticleList.OpenRequested) -> None:
        self.open_article(event.article_id)

    def open_article(self, article_id: int) -> None:
        """Show an article, restore its reading position and mark it read."""
        view = self.view
        self.save_position()
        backend = self.reader_app.backend
        row = self.article_list.row_at(self.article_list.cursor)
        if row is None or row.id != article_id:
            rows = backend.collection.rows([article_id])
            row = rows[0] if rows else None
        position = 0
        if row is not None:
            marked = False
            try:
                position = backend.state.get(row.key).position
                if not row.read:
                    backend.state.set_read([row.key], True)
                    marked = True
            except sqlite3.Error as exc:
                self._show_error(f"Could not update reading state: {exc}")
            if marked:
                self.article_list.invalidate_id(article_id)
                self._adjust_counts(row, unread=-1)
        terms = self.search.terms if self.search is not None else ()
        self._set_reading(True)
        view.show_article(article_id, row, terms=terms, position=position)
        view.focus()

    def save_position(self) -> None:
        """Remember where the open article was scrolled to."""
        view = self.view
        if view.row is not None and view.lines:
            try:
                self.reader_app.backend.state.set_position(view.row.key, view.position)
            except Exception as exc:
                self.log.error(f"could not save position: {exc!r}")

    @on(ArticleView.Back)
    def _view_back(self) -> None:
        self.save_position()
        self._set_reading(False)
        self.article_list.focus()

    @on(ArticleList.Back)
    def _list_back(self) -> None:
        if self.search is not None:
            self.leave_search()
        else:
            self.reader_app.action_quit()

    @on(ArticleView.LinkRequested)
    def _link_requested(self, event: ArticleView.LinkRequested) -> None:
        article = self.view.article
        if article is None or not article.links:
            self.notify("This article has no links.")
            return
        links = article.links

        def chosen(number: int | None) -> None:
            if number is not None and 1 <= number <= len(links):
                self._open_url(links[number - 1])

        self.app.push_screen(LinkPrompt(links, event.prefix), chosen)

    # ----------------------------------------------------------------- search

    def action_search(self) -> None:
        self.search_bar.input.focus()

    @on(Input.Changed, "#search-input")
    def _query_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        query = event.value
        self._search_timer = self.set_timer(
            SEARCH_DEBOUNCE, lambda: self.run_search(query), name="search-debounce"
        )

    def run_search(self, query: str, *, keep: bool = False) -> None:
        """Search in the background; an empty query shows the filter again."""
        if not query.strip():
            if self.search is not None:
                self.search = None
                self.search_bar.show_count("")
                self._update_titles()
                self._load_ids(self.filter, self.sort, None)
            return
        keep_id = self.article_list.cursor_id if keep and self.search is not None else None
        self.search_bar.show_count("searching…")
        self._search_worker(query, self.search_sort, keep_id)

    @work(thread=True, exclusive=True, group="search", description="search")
    def _search_worker(self, query: str, sort: str, keep_id: int | None) -> None:
        worker = get_current_worker()
        try:
            with self.reader_app.backend.worker_collection() as collection:
                ids, terms, error = collection.search_ids(query, sort=sort)
                snippets = {}
                incomplete = False
                if ids and not worker.is_cancelled:
                    result = collection.search(query, sort=sort, limit=PAGE_SIZE)
                    incomplete = bool(getattr(result, "incomplete", False))
                    snippets = {
                        h.row.id: Snippet(h.snippet, tuple(h.highlights)) for h in result.hits
                    }
        except Exception as exc:
            ids, terms, error, snippets = [], (), f"{type(exc).__name__}: {exc}", {}
            incomplete = False
        if not worker.is_cancelled:
            self.app.call_from_thread(
                self._apply_search,
                query,
                sort,
                ids,
                tuple(terms),
                error,
                snippets,
                keep_id,
                incomplete,
            )

    def _apply_search(
        self,
        query: str,
        sort: str,
        ids: list[int],
        terms: tuple[str, ...],
        error: str | None,
        snippets: dict[int, Snippet],
        keep_id: int | None,
        incomplete: bool = False,
    ) -> None:
        if self.search_bar.value != query:
            return  # typed on; a newer search is coming
        self.search = SearchState(query, terms, len(ids), error)
        source = ListSource(
            ids,
            self._fetch_rows,
            snippets=snippets,
            request_snippets=lambda page: self._load_snippets(query, sort, page),
            requested_pages={0},
        )
        article_list = self.article_list
        article_list.empty_message = "No matches." if not error else "The query has an error."
        article_list.set_source(source, keep_id=keep_id)
        if error:
            self.search_bar.show_count(Text(error, style="red"))
        else:
            hits = len(ids)
            count = Text("no matches" if hits == 0 else f"{hits:,} hit{'s' if hits != 1 else ''}")
            if incomplete:
                count.append(" (index still building)", style="italic")
            self.search_bar.show_count(count)
        self._update_titles()

    @work(thread=True, group="snippets", description="snippets")
    def _load_snippets(self, query: str, sort: str, page: int) -> None:
        try:
            with self.reader_app.backend.worker_collection() as collection:
                result = collection.search(
                    query, sort=sort, limit=PAGE_SIZE, offset=page * PAGE_SIZE
                )
        except Exception as exc:
            self.log.error(f"snippets failed: {exc!r}")
            return
        snippets = {h.row.id: Snippet(h.snippet, tuple(h.highlights)) for h in result.hits}
        self.app.call_from_thread(self._add_snippets, query, snippets)

    def _add_snippets(self, query: str, snippets: dict[int, Snippet]) -> None:
        if self.search is not None and self.search.query == query:
            self.article_list.add_snippets(snippets)

    @on(Input.Submitted, "#search-input")
    def _query_submitted(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        query = self.search_bar.value
        if self.search is None or self.search.query != query:
            self.run_search(query)
        self.article_list.focus()

    @on(SearchInput.ToResults)
    def _to_results(self) -> None:
        self.article_list.focus()

    @on(SearchInput.Leave)
    def leave_search(self) -> None:
        """Clear the query and show the current filter again."""
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        self._clear_search_input()
        was_searching = self.search is not None
        self.search = None
        self.search_bar.show_count("")
        if was_searching:
            self._update_titles()
            self._load_ids(self.filter, self.sort, None)
        self.article_list.focus()

    def _clear_search_input(self) -> None:
        search_input = self.search_bar.input
        with search_input.prevent(Input.Changed):
            search_input.value = ""

    # ----------------------------------------------------------------- article actions

    def _target(self) -> tuple[int, ArticleRow] | None:
        """The article an action applies to: the open one when the view has focus."""
        view = self.view
        if view.has_focus and view.row is not None and view.article_id is not None:
            return view.article_id, view.row
        article_list = self.article_list
        row = article_list.cursor_row
        if row is None:
            return None
        return row.id, row

    def _adjust_counts(self, row: ArticleRow, *, unread: int = 0, starred: int = 0) -> None:
        """Update tree and status counts for one article's change (no index query)."""
        self.counts.adjust(row, unread=unread, starred=starred)
        self.tree.apply_counts(self.counts)
        self._update_status()

    def action_toggle_read(self) -> None:
        target = self._target()
        if target is None:
            return
        article_id, row = target
        state = self.reader_app.backend.state
        was_read = state.get(row.key).read
        read = state.toggle_read(row.key)
        self.article_list.invalidate_id(article_id)
        if read != was_read:
            self._adjust_counts(row, unread=-1 if read else 1)
        self.notify("Marked read." if read else "Marked unread.", timeout=2)

    def action_toggle_star(self) -> None:
        target = self._target()
        if target is None:
            return
        article_id, row = target
        state = self.reader_app.backend.state
        was_starred = state.get(row.key).starred
        starred = state.toggle_starred(row.key)
        self.article_list.invalidate_id(article_id)
        if starred != was_starred:
            self._adjust_counts(row, starred=1 if starred else -1)
        self.notify("Starred." if starred else "Unstarred.", timeout=2)

    def _url_of(self) -> str | None:
        target = self._target()
        if target is None:
            return None
        url = target[1].url
        if not url and self.view.article is not None and self.view.article_id == target[0]:
            url = self.view.article.url
        if not url:
            self.notify("This article has no source URL.", severity="warning")
        return url or None

    def _open_url(self, url: str) -> None:
        self.app.open_url(url)
        self.notify(Text.assemble("Opening ", url).plain, markup=False, timeout=4)

    def action_open_source(self) -> None:
        url = self._url_of()
        if url:
            self._open_url(url)

    def action_copy_url(self) -> None:
        url = self._url_of()
        if url:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", markup=False, timeout=6)

    def _run_suspended(self, action: Callable[[], object]) -> None:
        try:
            with self.app.suspend():
                action()
        except SuspendNotSupported:
            self.notify("Cannot suspend the app here (e.g. in a browser).", severity="warning")
        except OSError as exc:
            self.notify(f"Could not run the program: {exc}", severity="error", markup=False)

    def action_edit(self) -> None:
        target = self._target()
        if target is None:
            return
        path = target[1].path
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        self._run_suspended(lambda: subprocess.call([*shlex.split(editor), str(path)]))
        if not self.indexing:
            self.start_refresh()  # pick up the edit

    def action_pager(self) -> None:
        target = self._target()
        if target is None:
            return
        article_id, _row = target
        view = self.view
        if view.article_id == article_id and view.lines:
            text = "\n".join(line.plain.rstrip() for line in view.lines) + "\n"
        else:
            from reader.render import article_to_plain

            try:
                article = self.reader_app.backend.collection.article(article_id)
                text = article_to_plain(article, 80)
            except Exception as exc:
                self._show_error(f"Could not read the article: {exc}")
                return
        pager = os.environ.get("PAGER") or "less"
        self._run_suspended(
            lambda: subprocess.run(shlex.split(pager), input=text.encode("utf-8"), check=False)
        )

    # ----------------------------------------------------------------- panes, sort

    def _panes(self) -> list[CategoryTree | ArticleList | ArticleView | SearchInput]:
        panes: list[CategoryTree | ArticleList | ArticleView | SearchInput] = []
        panes.append(self.search_bar.input)
        for pane in (self.tree, self.article_list, self.view):
            if pane.display and pane.styles.display != "none" and pane.region.width > 0:
                panes.append(pane)
        return panes

    def _cycle_focus(self, step: int) -> None:
        panes = [p for p in self._panes() if not isinstance(p, SearchInput)]
        if not panes:
            return
        focused = self.focused
        index = panes.index(focused) if focused in panes else -1  # type: ignore[arg-type]
        panes[(index + step) % len(panes)].focus()

    def action_focus_next_pane(self) -> None:
        self._cycle_focus(1)

    def action_focus_previous_pane(self) -> None:
        self._cycle_focus(-1)

    def action_toggle_tree(self) -> None:
        visible = not self.has_class("-no-tree")
        self.tree_visible = not visible
        self._apply_layout()
        if self.tree_visible:
            self.tree.focus()
        elif self.tree.has_focus:
            self.article_list.focus()

    def set_sort(self, sort: str) -> None:
        if self.search is not None:
            if sort not in SEARCH_SORTS:
                sort = "date"
            self.search_sort = sort
            self.run_search(self.search.query, keep=True)
        else:
            self.sort = sort
            self._load_ids(self.filter, self.sort, self.article_list.cursor_id)
        self._update_titles()
        self.notify(f"Sorted by {sort}.", timeout=2)

    def action_cycle_sort(self) -> None:
        if self.search is not None:
            options, current = SEARCH_SORTS, self.search_sort
        else:
            options, current = SORTS, self.sort
        self.set_sort(options[(options.index(current) + 1) % len(options)])

    def action_show_unread(self) -> None:
        self.choose_filter(ListFilter("unread"))
        self.tree.select_filter(ListFilter("unread"))

    @work(thread=True, exclusive=True, group="mark-all", description="mark all read")
    def mark_all_read(self) -> None:
        """Mark every article of the current list read."""
        ids = list(self.article_list.source.ids)
        try:
            backend = self.reader_app.backend
            with backend.worker_collection() as collection, backend.worker_state() as state:
                keys = []
                for start in range(0, len(ids), 500):
                    keys += [r.key for r in collection.rows(ids[start : start + 500])]
                state.set_read(keys, True)
        except Exception as exc:
            self.app.call_from_thread(self._show_error, f"Could not mark read: {exc}")
            return
        self.app.call_from_thread(self._marked_all, len(keys))

    def _marked_all(self, count: int) -> None:
        self.article_list.clear_cache()
        self.load_counts()
        self.notify(f"Marked {count:,} articles read.", timeout=3)
