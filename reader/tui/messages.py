"""Typed messages from background workers to the main screen.

Workers never touch widgets: they ``post_message`` one of these (thread-safe) and the
screen's handlers apply it on the UI thread. None of them bubble past the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.library.index import ArticleRow
    from reader.library.model import RefreshReport
    from reader.tui.backend import ListFilter
    from reader.tui.widgets.article_list import Snippet
    from reader.tui.widgets.category_tree import CountRow, Counts


@dataclass
class WorkerMessage(Message, bubble=False):
    """Base: a result or failure reported by a thread worker."""


@dataclass
class IdsLoaded(WorkerMessage):
    """The ids of a filter, in display order."""

    list_filter: ListFilter
    ids: list[int]
    keep_id: int | None


@dataclass
class CountsLoaded(WorkerMessage):
    """Counts for the tree and the status line."""

    counts: Counts


@dataclass
class FacetLoaded(WorkerMessage):
    """The values of one facet group (source, tag, month)."""

    kind: str
    values: list[CountRow]


@dataclass
class LoadFailed(WorkerMessage):
    """Reading the index failed; ``then`` names what to start next ("counts", "refresh")."""

    message: str
    then: str = ""


@dataclass
class IndexEmpty(WorkerMessage):
    """The refresh found an empty index: this is the collection's first indexing."""


@dataclass
class IndexProgress(WorkerMessage):
    """One step of a refresh (``phase`` is scan, parse, write or done)."""

    phase: str
    done: int
    total: int


@dataclass
class Refreshed(WorkerMessage):
    """A refresh finished."""

    report: RefreshReport


@dataclass
class RefreshFailed(WorkerMessage):
    """A refresh failed."""

    message: str


@dataclass
class SearchDone(WorkerMessage):
    """A search's ids, terms and the first page of snippets."""

    query: str
    sort: str
    ids: list[int]
    terms: tuple[str, ...]
    error: str | None
    snippets: dict[int, Snippet] = field(default_factory=dict)
    keep_id: int | None = None
    incomplete: bool = False
    pending: int = 0
    """Articles not yet in the full-text index (the full-text pass is still running)."""
    articles: int = 0
    positions: list[int] | None = None
    """With duplicates hidden: each shown id's position among all the hits (for snippets)."""
    ranked: int | None = None
    """Relevance order ranked only this many of the newest matches (the rest follow)."""


@dataclass
class SnippetsLoaded(WorkerMessage):
    """Snippets for one more page of search results."""

    query: str
    snippets: dict[int, Snippet]


@dataclass
class MarkedAllRead(WorkerMessage):
    """``mark all read`` finished."""

    count: int


@dataclass
class RelatedLoaded(WorkerMessage):
    """An article's related articles and other sources (posted to the related screen)."""

    article_id: int
    related: list[ArticleRow]
    duplicates: list[ArticleRow]
    error: str | None = None


@dataclass
class WatchReady(WorkerMessage):
    """The collection watcher is set up: changes from now on are reported."""


@dataclass
class WatchUnavailable(WorkerMessage):
    """The roots cannot be watched (or watching is off): refresh periodically instead."""

    reason: str
    announce: bool = True
    """Say so in the status line (not when the user turned watching off)."""


@dataclass
class FilesChanged(WorkerMessage):
    """One batch of changes under the roots (hidden and editor files left out)."""

    count: int
    edited: bool = False
    """An article was rewritten in place: only a full walk notices that."""
