"""Plain data records shared by every layer (no behaviour, no UI).

Records are ``NamedTuple`` classes (immutable) or small ``__slots__`` classes (mutable), not
dataclasses: the CLI imports these modules on every call, and ``dataclasses`` costs about
20 ms to import and 1–2 ms per class (a third of ``newsreader search``'s time at 100k).
"""

from __future__ import annotations

import os
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

from reader.library.fsnames import to_db

CategoryPath = tuple[str, ...]
"""One hierarchical category, outermost first: ``("新媒体", "趣头条", "分类")``."""


class Article(NamedTuple):
    """One parsed article: clean metadata plus its body as terminal-friendly Markdown.

    Every string field is already sanitised (no control characters, no escape sequences).
    ``body`` is Markdown as produced by :mod:`reader.library.convert`: link references are
    numbered (``[text][1]``-style markers rendered as ``text[1]``) and listed in ``links``.
    """

    path: Path
    title: str
    body: str = ""
    date: datetime | None = None
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[CategoryPath, ...] = ()
    tags: tuple[str, ...] = ()
    url: str | None = None
    summary: str | None = None
    cover: str | None = None
    language: str | None = None
    links: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def author(self) -> str | None:
        """All authors joined with ", ", or None."""
        return ", ".join(self.authors) or None


class FoundFile(NamedTuple):
    """A regular file found by discovery, with the stat data used for change detection."""

    path: Path
    """Absolute path as reached from the root (symlinks not resolved)."""
    root: Path
    """The collection root it was found under."""
    mtime_ns: int
    size: int

    @property
    def relpath(self) -> str:
        """Path relative to the root's parent, POSIX style: ``news/2021/a.md`` (storable:
        see :mod:`reader.library.fsnames`).

        Including the root's own name keeps keys unique across roots and stable when a
        collection is moved elsewhere on disk (reading state is keyed on it).
        """
        # String slicing, not Path.relative_to: this runs once per file on every rescan.
        base = _prefix(self.root)
        path = os.fspath(self.path)
        rel = path[len(base) :] if path.startswith(base) else path.lstrip(os.sep)
        if os.sep != "/":
            rel = rel.replace(os.sep, "/")
        return to_db(rel)


@lru_cache(maxsize=64)
def _prefix(root: Path) -> str:
    """``root``'s parent as a string ending in a separator (cached: one per collection root)."""
    return os.fspath(root.parent).rstrip(os.sep) + os.sep


class SkippedFile(NamedTuple):
    """A path discovery or parsing refused, with a human-readable reason."""

    path: Path
    reason: str


class SkipFile(Exception):
    """Raised by the parser when a file cannot be an article (binary, too large, unreadable)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


ProgressPhase = Literal["scan", "parse", "write", "done"]


class Record:
    """Base of the mutable records: ``__slots__`` only, compared and shown slot by slot
    (what ``@dataclass(slots=True)`` gave, without importing ``dataclasses``)."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable

    def _slot_names(self) -> list[str]:
        return [n for c in reversed(type(self).__mro__) for n in getattr(c, "__slots__", ())]

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._slot_names())
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._slot_names())


class Progress(Record):
    """Indexing progress, passed to progress callbacks.

    Sent as work is done: during the walk every few thousand files, during the metadata
    pass for every chunk parsed, during the full-text pass for every chunk prepared (a few
    hundred articles) and every batch written, so a display moves at least once a second.

    ``phase``: "scan" (walk), "parse" (metadata pass), "write" (full-text pass) or "done".
    """

    __slots__ = ("done", "message", "phase", "total")

    def __init__(
        self, phase: ProgressPhase, done: int = 0, total: int = 0, message: str = ""
    ) -> None:
        self.phase = phase
        self.done = done
        self.total = total
        self.message = message


class RefreshReport(Record):
    """What one incremental refresh did."""

    __slots__ = ("added", "articles", "collection", "removed", "seconds", "skipped", "updated")

    def __init__(
        self,
        collection: str,
        articles: int = 0,
        added: int = 0,
        updated: int = 0,
        removed: int = 0,
        skipped: list[SkippedFile] | None = None,
        seconds: float = 0.0,
    ) -> None:
        self.collection = collection
        self.articles = articles
        self.added = added
        self.updated = updated
        self.removed = removed
        self.skipped: list[SkippedFile] = [] if skipped is None else skipped
        self.seconds = seconds


class IndexReport(RefreshReport):
    """RefreshReport plus what a benchmark wants to know about the two phases.

    - ``parsed``: files read and parsed in this run (0 on a no-change refresh);
    - ``list_seconds``: seconds until the list was complete and browsable;
    - ``fts_seconds``: seconds until full-text search covered every article;
    - ``fts_indexed``: articles added to the full-text index in this run;
    - ``full``: every directory was listed and every file stat-ed (``refresh(full=True)``);
    - ``dirs_listed``: directories listed (changed or new; all of them in a full walk);
    - ``dup_groups``: groups of near-duplicate stories, when this run computed them again;
    - ``group_seconds``: seconds spent grouping near-duplicates;
    - ``grouped_added``: that grouping only looked at new articles' pairs (nothing else had
      changed since the groups were stored).
    """

    __slots__ = (
        "dirs_listed",
        "dup_groups",
        "fts_indexed",
        "fts_seconds",
        "full",
        "group_seconds",
        "grouped_added",
        "list_seconds",
        "parsed",
    )

    def __init__(self, collection: str, *, full: bool = False) -> None:
        super().__init__(collection)
        self.parsed = 0
        self.list_seconds = 0.0
        self.fts_seconds = 0.0
        self.fts_indexed = 0
        self.full = full
        self.dirs_listed = 0
        self.dup_groups: int | None = None
        self.group_seconds = 0.0
        self.grouped_added = False
