"""Loading: the list's ids, the tree's counts and facet values, read in thread workers."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.worker import get_current_worker

from reader.tui import messages as msg
from reader.tui.backend import ListFilter
from reader.tui.session.base import ScreenBase
from reader.tui.widgets.article_list import ListSource
from reader.tui.widgets.category_tree import CategoryTree, Counts

if TYPE_CHECKING:
    from reader.library.records import FacetKind


class LoadingMixin(ScreenBase):
    """First the list, then the counts, then the start-up refresh (one after the other:
    running them together would make them compete for the GIL and delay the first rows)."""

    _refresh_started = False
    _counts_started = False

    def load_list(self, *, keep: bool = True) -> None:
        """Reload the ids of the current filter (or search) in the background."""
        if self.search is not None:
            self.run_search(self.search.query, keep=keep)
            return
        keep_id = self.article_list.cursor_id if keep else None
        self.load_ids(self.filter, self.sort, keep_id)

    def load_ids(self, list_filter: ListFilter, sort: str, keep_id: int | None) -> None:
        """Read the ids of ``list_filter`` in a worker (the newest request wins)."""
        self._load_ids(list_filter, sort, keep_id)

    @work(thread=True, exclusive=True, group="list", description="load article ids")
    def _load_ids(self, list_filter: ListFilter, sort: str, keep_id: int | None) -> None:
        worker = get_current_worker()
        try:
            with self.backend.worker_collection() as collection:
                ids = collection.ids(
                    **list_filter.ids_kwargs(), sort="title" if sort == "title" else "date"
                )
        except Exception as exc:
            self.post_message(msg.LoadFailed(f"Could not read the index: {exc}", then="counts"))
            return
        if not worker.is_cancelled:
            self.post_message(msg.IdsLoaded(list_filter, ids, keep_id))

    @on(msg.LoadFailed)
    def _load_failed(self, event: msg.LoadFailed) -> None:
        self._show_error(event.message)
        if event.then == "counts":
            self.load_counts()
        elif event.then == "refresh":
            self._ensure_refresh()

    def _ensure_refresh(self) -> None:
        """Start the start-up refresh once (after the first list, or a failed read)."""
        if not self._refresh_started:
            self._refresh_started = True
            self.start_refresh()

    @on(msg.IdsLoaded)
    def _apply_ids(self, event: msg.IdsLoaded) -> None:
        if not self._counts_started:
            self._counts_started = True
            self.call_after_refresh(self.load_counts)
            self.call_after_refresh(self.warm_search)
        if self.search is not None or event.list_filter != self.filter:
            return
        article_list = self.article_list
        article_list.empty_message = "Indexing…" if self.indexing else "No articles here."
        article_list.set_source(ListSource(event.ids, self._fetch_rows), keep_id=event.keep_id)
        self._update_titles()

    def load_counts(self) -> None:
        self._load_counts(self.category_tree.expanded_facets)

    @work(thread=True, exclusive=True, group="counts", description="count articles")
    def _load_counts(self, facets: list[str]) -> None:
        worker = get_current_worker()
        try:
            with self.backend.worker_collection() as collection:
                counts = Counts(
                    total=collection.count(),
                    unread=collection.count(unread=True),
                    starred=collection.count(starred=True),
                    categories=collection.category_counts(),
                    facets={kind: collection.facet_counts(_facet(kind)) for kind in facets},
                )
        except Exception as exc:
            self.post_message(msg.LoadFailed(f"Could not count articles: {exc}", then="refresh"))
            return
        if not worker.is_cancelled:
            self.post_message(msg.CountsLoaded(counts))

    @on(msg.CountsLoaded)
    def _apply_counts(self, event: msg.CountsLoaded) -> None:
        self.call_after_refresh(self._ensure_refresh)
        self.counts = event.counts
        self.category_tree.apply_counts(event.counts)
        self.call_after_refresh(self.fit_tree)
        self._update_status()

    @on(CategoryTree.FacetWanted)
    def _facet_wanted(self, event: CategoryTree.FacetWanted) -> None:
        self._load_facet(event.kind)

    @work(thread=True, group="facets", description="facet counts")
    def _load_facet(self, kind: str) -> None:
        try:
            with self.backend.worker_collection() as collection:
                values = collection.facet_counts(kind)  # type: ignore[arg-type]
        except Exception as exc:
            self.post_message(msg.LoadFailed(f"Could not read facets: {exc}"))
            return
        self.post_message(msg.FacetLoaded(kind, values))

    @on(msg.FacetLoaded)
    def _apply_facet(self, event: msg.FacetLoaded) -> None:
        self.category_tree.set_facet(event.kind, event.values)
        self.call_after_refresh(self.fit_tree)


def _facet(kind: str) -> FacetKind:
    """A facet name from the tree, checked (the tree only offers these three)."""
    if kind not in ("author", "tag", "month"):
        raise ValueError(f"unknown facet {kind!r}")
    return cast("FacetKind", kind)
