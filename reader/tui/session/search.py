"""The search session: debounced queries, results with snippets, leaving search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.widgets import Input
from textual.worker import get_current_worker

from reader.tui import messages as msg
from reader.tui.session.base import ScreenBase, SearchState
from reader.tui.widgets.article_list import PAGE_SIZE, ListSource, Snippet
from reader.tui.widgets.search_bar import SearchInput

if TYPE_CHECKING:
    from reader.library.records import SearchSort

SEARCH_DEBOUNCE = 0.15


def snippet_window(positions: list[int] | None, page: int) -> tuple[int, int]:
    """``(offset, limit)`` among all hits that covers ``page`` of the shown ids.

    ``positions`` (duplicates hidden) gives each shown id's place among all the hits;
    without it the shown ids are all the hits.
    """
    if positions is None:
        return page * PAGE_SIZE, PAGE_SIZE
    chunk = positions[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if not chunk:
        return page * PAGE_SIZE, 0
    return chunk[0], chunk[-1] - chunk[0] + 1


class SearchMixin(ScreenBase):
    """``/`` opens the search bar; results replace the list until Escape."""

    def action_search(self) -> None:
        self.set_focus(self.search_bar.input)

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
                self.load_ids(self.filter, self.sort, None)
            return
        keep_id = self.article_list.cursor_id if keep and self.search is not None else None
        self.search_bar.show_count("searching…")
        self._search_worker(query, self.search_sort, keep_id, self.hide_duplicates)

    def warm_search(self) -> None:
        """Load the folding tables in the background, so the first search does not wait."""
        self._warm_folding()

    @work(thread=True, exclusive=True, group="warm", description="load folding tables")
    def _warm_folding(self) -> None:
        from reader.library import fold

        try:
            fold.warm()
        except Exception as exc:  # the first search builds them (and reports any failure)
            self.log.error(f"folding tables: {exc!r}")

    @work(thread=True, exclusive=True, group="search", description="search")
    def _search_worker(self, query: str, sort: str, keep_id: int | None, hide: bool) -> None:
        worker = get_current_worker()
        snippets: dict[int, Snippet] = {}
        incomplete = False
        ranked: int | None = None
        pending = articles = 0
        positions: list[int] | None = None
        try:
            with self.backend.worker_collection() as collection:
                pending = collection.fts_pending()
                articles = collection.count() if pending else 0
                ids, terms, error = collection.search_ids(query, sort=_sort(sort))
                hidden = collection.hidden_duplicates() if hide and ids else set()
                if hidden:
                    positions = [n for n, i in enumerate(ids) if i not in hidden]
                    ids = [ids[n] for n in positions]
                if ids and not worker.is_cancelled:
                    offset, limit = snippet_window(positions, 0)
                    result = collection.search(query, sort=_sort(sort), limit=offset + limit)
                    incomplete = bool(getattr(result, "incomplete", False))
                    ranked = result.ranked
                    snippets = {
                        h.row.id: Snippet(h.snippet, tuple(h.highlights)) for h in result.hits
                    }
        except Exception as exc:
            ids, terms, error = [], (), f"{type(exc).__name__}: {exc}"
        if not worker.is_cancelled:
            self.post_message(
                msg.SearchDone(
                    query,
                    sort,
                    ids,
                    tuple(terms),
                    error,
                    snippets,
                    keep_id,
                    incomplete or pending > 0,
                    pending,
                    articles,
                    positions,
                    ranked,
                )
            )

    @on(msg.SearchDone)
    def _apply_search(self, event: msg.SearchDone) -> None:
        query, sort, ids, error = event.query, event.sort, event.ids, event.error
        if self.search_bar.value != query:
            return  # typed on; a newer search is coming
        self.search = SearchState(query, event.terms, len(ids), error, event.pending)

        positions = event.positions

        def request_snippets(page: int) -> None:
            self._load_snippets(query, sort, *snippet_window(positions, page))

        source = ListSource(
            ids,
            self._fetch_rows,
            snippets=event.snippets,
            request_snippets=request_snippets,
            requested_pages={0},
        )
        article_list = self.article_list
        building = ""
        if event.pending and event.articles:
            searched = max(0, event.articles - event.pending)
            building = f"searching {searched:,} of {event.articles:,} articles…"
        if error:
            article_list.empty_message = "The query has an error."
        elif building:
            article_list.empty_message = f"No matches yet: the index is still building ({building})"
        else:
            article_list.empty_message = "No matches."
        article_list.set_source(source, keep_id=event.keep_id)
        if error:
            self.search_bar.show_count(Text(error, style="red"))
        else:
            hits = len(ids)
            count = Text("no matches" if hits == 0 else f"{hits:,} hit{'s' if hits != 1 else ''}")
            if building:
                count = Text(f"{hits:,} so far · {building}")
            elif event.incomplete:
                count.append(" (index still building)", style="italic")
            if event.ranked is not None and not building:
                count.append(f" · newest {event.ranked:,} ranked", style="italic")
            self.search_bar.show_count(count)
        self._update_titles()

    @work(thread=True, group="snippets", description="snippets")
    def _load_snippets(self, query: str, sort: str, offset: int, limit: int) -> None:
        if limit <= 0:
            return
        try:
            with self.backend.worker_collection() as collection:
                result = collection.search(query, sort=_sort(sort), limit=limit, offset=offset)
        except Exception as exc:
            self.log.error(f"snippets failed: {exc!r}")
            return
        snippets = {h.row.id: Snippet(h.snippet, tuple(h.highlights)) for h in result.hits}
        self.post_message(msg.SnippetsLoaded(query, snippets))

    @on(msg.SnippetsLoaded)
    def _add_snippets(self, event: msg.SnippetsLoaded) -> None:
        if self.search is not None and self.search.query == event.query:
            self.article_list.add_snippets(event.snippets)

    @on(Input.Submitted, "#search-input")
    def _query_submitted(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        query = self.search_bar.value
        if self.search is None or self.search.query != query:
            self.run_search(query)
        self.set_focus(self.article_list)

    @on(SearchInput.ToResults)
    def _to_results(self) -> None:
        self.set_focus(self.article_list)

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
            self.load_ids(self.filter, self.sort, None)
        self.set_focus(self.article_list)

    def _clear_search_input(self) -> None:
        search_input = self.search_bar.input
        with search_input.prevent(Input.Changed):
            search_input.value = ""


def _sort(sort: str) -> SearchSort:
    """The search order the library takes ("relevance" unless "date")."""
    return "date" if sort == "date" else "relevance"
