"""Plain data records shared by every layer (no behaviour, no UI)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from reader.library.fsnames import to_db

CategoryPath = tuple[str, ...]
"""One hierarchical category, outermost first: ``("新媒体", "趣头条", "分类")``."""


@dataclass(frozen=True, slots=True)
class Article:
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


@dataclass(frozen=True, slots=True)
class FoundFile:
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


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A path discovery or parsing refused, with a human-readable reason."""

    path: Path
    reason: str


class SkipFile(Exception):
    """Raised by the parser when a file cannot be an article (binary, too large, unreadable)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


ProgressPhase = Literal["scan", "parse", "write", "done"]


@dataclass(slots=True)
class Progress:
    """Indexing progress, passed to progress callbacks.

    Sent as work is done: during the walk every few thousand files, during the metadata
    pass for every chunk parsed, during the full-text pass for every chunk prepared (a few
    hundred articles) and every batch written, so a display moves at least once a second.
    """

    phase: ProgressPhase
    """"scan" (walk), "parse" (metadata pass), "write" (full-text pass) or "done"."""
    done: int = 0
    total: int = 0
    message: str = ""


@dataclass(slots=True)
class RefreshReport:
    """What one incremental refresh did."""

    collection: str
    articles: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(slots=True)
class IndexReport(RefreshReport):
    """RefreshReport plus what a benchmark wants to know about the two phases."""

    parsed: int = 0
    """Files read and parsed in this run (0 on a no-change refresh)."""
    list_seconds: float = 0.0
    """Seconds until the list was complete and browsable."""
    fts_seconds: float = 0.0
    """Seconds until full-text search covered every article."""
    fts_indexed: int = 0
    """Articles added to the full-text index in this run."""
    full: bool = False
    """Every directory was listed and every file stat-ed (``refresh(full=True)``)."""
    dirs_listed: int = 0
    """Directories listed (changed or new; all of them in a full walk)."""
    dup_groups: int | None = None
    """Groups of near-duplicate stories, when this run computed them again (else None)."""
    group_seconds: float = 0.0
    """Seconds spent grouping near-duplicates."""
