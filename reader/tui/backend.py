"""The TUI's access to the library: one index and reading-state store, plus list filters.

The UI thread uses :attr:`Backend.collection`. Thread workers open their own short-lived
:class:`Collection` with :meth:`Backend.worker_collection`, because SQLite connections
belong to the thread that created them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from reader.library.records import Filter

if TYPE_CHECKING:
    from reader.library.index import Collection
    from reader.library.state import StateStore

FilterKind = Literal["all", "unread", "starred", "category", "author", "tag", "month"]


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What the article list shows: everything, a reading mark, a category or a facet value."""

    kind: FilterKind = "all"
    value: tuple[str, ...] = ()
    hide_duplicates: bool = False
    """Each duplicate story once (its earliest copy), whatever the filter."""

    @property
    def label(self) -> str:
        """Short human-readable description (plain text, never markup)."""
        if self.kind == "all":
            return "All articles"
        if self.kind == "unread":
            return "Unread"
        if self.kind == "starred":
            return "Starred"
        joined = " › ".join(self.value)
        if self.kind == "category":
            return joined
        return f"{self.kind}: {joined}"

    def to_filter(self) -> Filter:
        """The library's filter for ``Collection.ids`` and ``Collection.count``."""
        return self._base_filter()._replace(hide_duplicates=self.hide_duplicates)

    def _base_filter(self) -> Filter:
        value = self.value[0] if self.value else ""
        if self.kind == "unread":
            return Filter(unread=True)
        if self.kind == "starred":
            return Filter(starred=True)
        if self.kind == "category":
            return Filter(category=self.value)
        if self.kind == "author":
            return Filter(author=value)
        if self.kind == "tag":
            return Filter(tag=value)
        if self.kind == "month":
            return Filter(month=value)
        return Filter()

    def ids_kwargs(self) -> dict[str, Filter]:
        """``Collection.ids(**ids_kwargs())``: kept for callers not yet using :meth:`to_filter`."""
        return {"filter": self.to_filter()}


class Backend:
    """Owns the :class:`Collection` and :class:`StateStore` the app reads and writes."""

    def __init__(
        self,
        roots: Sequence[Path],
        *,
        cache_dir: Path | None = None,
        state_path: Path | None = None,
    ) -> None:
        self.roots = list(roots)
        self.cache_dir = cache_dir
        self.state_path = state_path
        self._collection: Collection | None = None
        self._state: StateStore | None = None

    def open(self) -> None:
        """Open the index and the state store (cheap: no scanning happens here)."""
        from reader.library.index import Collection
        from reader.library.state import StateStore

        if self._collection is None:
            self._state = StateStore(self.state_path)
            self._collection = Collection(self.roots, cache_dir=self.cache_dir, state=self._state)

    @property
    def collection(self) -> Collection:
        """The UI thread's collection."""
        if self._collection is None:
            self.open()
        assert self._collection is not None
        return self._collection

    @property
    def state(self) -> StateStore:
        """The UI thread's reading-state store."""
        if self._state is None:
            self.open()
        assert self._state is not None
        return self._state

    @contextmanager
    def worker_collection(self) -> Iterator[Collection]:
        """A collection (and state store) private to the calling worker thread."""
        from reader.library.index import Collection
        from reader.library.state import StateStore

        state = StateStore(self.state_path)
        collection = Collection(self.roots, cache_dir=self.cache_dir, state=state)
        try:
            yield collection
        finally:
            collection.close()
            state.close()

    @contextmanager
    def worker_state(self) -> Iterator[StateStore]:
        """A reading-state store private to the calling worker thread."""
        from reader.library.state import StateStore

        state = StateStore(self.state_path)
        try:
            yield state
        finally:
            state.close()

    def close(self) -> None:
        """Close the UI thread's connections."""
        if self._collection is not None:
            self._collection.close()
            self._collection = None
        if self._state is not None:
            self._state.close()
            self._state = None
