"""Directory change detection, the way ``notmuch new`` does it.

Adding, deleting or renaming a file changes its directory's mtime, so a refresh stats every
known directory and lists only those whose stamp changed; files in the others are taken as
they were. The stamp is the directory's mtime **and ctime**: tools that restore an mtime
(``cp -p``, ``rsync -t``, ``touch -d``, an archive extractor) cannot set the ctime, which
the kernel moves to "now" on every change, including the restoring ``utime`` itself.

Two limits, both covered by a full walk (``refresh(full=True)``, ``newsreader index
--full``, ``--full-refresh``, the TUI's background walk after start):

- an in-place edit (the file rewritten without a rename) changes the file, not its
  directory;
- a directory changed within :data:`RACY_NS` of being listed is listed again next time:
  timestamps are coarse (a kernel tick, a second on some file systems), so a file added in
  the same tick as the listing would leave the stamp unchanged.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from reader.library.fsnames import from_db, to_db

RACY_NS = 2_000_000_000
"""A directory stamp this close to the time it was read is not trusted (see above)."""
UNTRUSTED = -1
"""Stored instead of an mtime that must not be trusted: the directory is listed next time."""
now_ns = time.time_ns  # the clock stamps are compared with (replaced in tests)


class DirTable:
    """The ``dirs`` table during one refresh: a :class:`~.discover.DirCache` for the walk,
    then the record of what the walk listed and what has gone."""

    def __init__(self, conn: sqlite3.Connection, *, full: bool) -> None:
        self.full = full
        self.known: dict[str, tuple[int, int, int]] = {}  # path → (id, mtime, ctime)
        self.children: dict[int, list[str]] = {}
        for id_, path, parent, mtime, ctime in conn.execute(
            "SELECT id, path, parent, mtime_ns, ctime_ns FROM dirs"
        ):
            self.known[path] = (id_, mtime, ctime)
            if parent is not None:
                self.children.setdefault(parent, []).append(path)
        self.visited: set[str] = set()
        self.listed: dict[str, tuple[int, int]] = {}  # path → stamp to store once stored
        self.ids: dict[str, int] = {}  # listed directory → its id (after assign_ids)

    # -- DirCache

    def unchanged(self, path: Path, st: os.stat_result) -> Sequence[Path] | None:
        key = to_db(os.fspath(path))
        old = self.known.get(key)
        if self.full or old is None or old[1:] != (st.st_mtime_ns, st.st_ctime_ns):
            return None
        self.visited.add(key)
        return [Path(from_db(p)) for p in self.children.get(old[0], ())]

    def listing(self, path: Path, st: os.stat_result) -> None:
        key = to_db(os.fspath(path))
        self.visited.add(key)
        mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
        if now_ns() - max(mtime, ctime) < RACY_NS:
            mtime = UNTRUSTED
        self.listed[key] = (mtime, ctime)

    # -- after the walk

    def removed_ids(self) -> list[int]:
        """Known directories the walk did not reach (deleted, renamed, now hidden …)."""
        return [v[0] for p, v in self.known.items() if p not in self.visited]

    def listed_known_ids(self) -> list[int]:
        """Known directories that were listed (their files are compared one by one)."""
        return [self.known[p][0] for p in self.listed if p in self.known]

    def assign_ids(self, conn: sqlite3.Connection) -> None:
        """Give new directories a row (untrusted stamp until :meth:`finish`); inside the
        caller's transaction."""
        for path in self.listed:  # parents come before their children (walk order)
            old = self.known.get(path)
            if old is not None:
                self.ids[path] = old[0]
                continue
            parent = self._id_of(os.path.dirname(path))
            cur = conn.execute(
                "INSERT INTO dirs(path, parent, mtime_ns, ctime_ns) VALUES (?, ?, ?, 0)",
                (path, parent, UNTRUSTED),
            )
            assert cur.lastrowid is not None
            self.ids[path] = cur.lastrowid

    def _id_of(self, path: str) -> int | None:
        if path in self.ids:
            return self.ids[path]
        old = self.known.get(path)
        return old[0] if old is not None else None

    def dir_of(self, file_path: str) -> int | None:
        """The directory row of a file found by the walk (None for a file given as a root)."""
        return self.ids.get(os.path.dirname(file_path))

    def finish(self, conn: sqlite3.Connection) -> None:
        """Drop removed directories and record the listed ones' stamps: only once their
        files are stored or removed, so an interrupted refresh does the same work again."""
        conn.executemany("DELETE FROM dirs WHERE id = ?", [(i,) for i in self.removed_ids()])
        conn.executemany(
            "UPDATE dirs SET mtime_ns = ?, ctime_ns = ? WHERE id = ?",
            [(m, c, self.ids[p]) for p, (m, c) in self.listed.items()],
        )
