"""Reading state (read, starred, last position) kept apart from the index cache.

The index is a disposable cache; this file is user data. It lives in ``paths.data_dir()``,
is keyed by the article key (``FoundFile.relpath``) so it survives index rebuilds and file
edits, and is never silently replaced: an unreadable file is renamed aside with a warning.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from reader import paths

STATE_VERSION = 1
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS state(
    key TEXT PRIMARY KEY,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    changed REAL NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS state_read ON state(key) WHERE read;
CREATE INDEX IF NOT EXISTS state_starred ON state(key) WHERE starred;
"""


class ArticleState(NamedTuple):
    """Reading state of one article; the default for an article never touched."""

    read: bool = False
    starred: bool = False
    position: int = 0


def default_state_path() -> Path:
    """Where reading state lives unless a path is given."""
    return paths.data_dir() / "state.sqlite3"


class StateStore:
    """Read / starred / position per article key in a small WAL-mode SQLite file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_state_path()
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError as exc:
            aside = self._move_aside()
            self.warnings.append(
                f"Reading state file {self.path} could not be read ({exc}); it was moved to "
                f"{aside} and a new empty one was started."
            )
            self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > STATE_VERSION:
                raise sqlite3.DatabaseError(f"written by a newer version ({version})")
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {STATE_VERSION}")
            conn.execute("SELECT count(*) FROM state").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _move_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        self.path.replace(aside)
        for suffix in ("-wal", "-shm"):
            extra = self.path.with_name(self.path.name + suffix)
            if extra.exists():
                extra.replace(aside.with_name(aside.name + suffix))
        return aside

    def get(self, key: str) -> ArticleState:
        """State of ``key`` (defaults when never recorded)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT read, starred, position FROM state WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return ArticleState()
        return ArticleState(bool(row[0]), bool(row[1]), int(row[2]))

    def _upsert(self, column: str, rows: Iterable[tuple[str, int]]) -> None:
        sql = (
            f"INSERT INTO state(key, {column}, changed) VALUES (?, ?, ?) "
            f"ON CONFLICT(key) DO UPDATE SET {column} = excluded.{column}, changed = excluded.changed"
        )
        now = time.time()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(sql, ((k, v, now) for k, v in rows))
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def set_read(self, keys: Iterable[str], read: bool) -> None:
        """Mark many articles read or unread in one transaction."""
        self._upsert("read", ((k, int(read)) for k in keys))

    def set_starred(self, keys: Iterable[str], starred: bool) -> None:
        """Star or unstar many articles in one transaction."""
        self._upsert("starred", ((k, int(starred)) for k in keys))

    def _toggle(self, column: str, key: str) -> bool:
        sql = (
            f"INSERT INTO state(key, {column}, changed) VALUES (?, 1, ?) "
            f"ON CONFLICT(key) DO UPDATE SET {column} = NOT {column}, changed = excluded.changed "
            f"RETURNING {column}"
        )
        with self._lock:
            row = self._conn.execute(sql, (key, time.time())).fetchone()
        return bool(row[0])

    def toggle_read(self, key: str) -> bool:
        """Flip the read flag atomically; returns the new value."""
        return self._toggle("read", key)

    def toggle_starred(self, key: str) -> bool:
        """Flip the starred flag atomically; returns the new value."""
        return self._toggle("starred", key)

    def set_position(self, key: str, line: int) -> None:
        """Remember the last line shown of an article."""
        self._upsert("position", [(key, max(0, int(line)))])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
