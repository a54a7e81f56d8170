"""Refreshing the index: the walk's diff, the metadata pass and the full-text pass.

Runs on its own write connection (see :func:`refresh`). The walk lists only directories
whose stamp changed (see :mod:`.dirs`; every directory with ``full=True``), and only files
found there are compared with the index. Files are parsed in a process pool
(:mod:`.pool`) in chunks; each batch is one transaction, so an interrupted run leaves a
usable index and the next run resumes. The first pass writes metadata rows only (the list
is complete after it); the second reads each body again as plain text and feeds FTS5.

(About 470 lines: one class whose passes share the write connection, the id-slot allocator
and the FTS delete rule; the worker side lives in :mod:`.pool`, directories in :mod:`.dirs`.)
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reader.library import discover as _discover
from reader.library import stories
from reader.library.dirs import DirTable
from reader.library.fsnames import from_db, to_db
from reader.library.model import FoundFile, IndexReport, Progress, SkippedFile
from reader.library.pool import (
    META_COLUMNS,
    FtsRow,
    Parsed,
    check_not_bootstrapping,
    fts_chunk,
    make_pool,
    parse_chunk,
    prefetch,
    split_list,
)
from reader.library.records import SLOT_BITS, chunks, fts_crc, fts_text, unpack_plain
from reader.library.store import CACHE_KB, WRITE_CACHE_KB, Store

if TYPE_CHECKING:
    from concurrent.futures import Executor

ProgressFn = Callable[[Progress], None]

PARSE_BATCH = 1000  # articles per metadata transaction
FTS_BATCH = 1000  # articles per FTS transaction
CHUNK = 64  # files per process-pool task
INLINE_LIMIT = 64  # parse fewer files than this without a process pool
SCAN_CACHE_KB = 2048  # SQLite page cache while walking (WRITE_CACHE_KB once writing)


def refresh(
    store: Store,
    roots: Sequence[Path],
    progress: ProgressFn | None = None,
    *,
    workers: int | None = None,
    full: bool = False,
) -> IndexReport:
    """Bring the index up to date with the files (see the module docstring)."""
    check_not_bootstrapping()
    started = time.perf_counter()
    report = IndexReport(collection=store.key, full=full)
    notify = progress or (lambda _p: None)
    workers = max(1, workers or os.cpu_count() or 1)
    with store.refresh_lock():
        writer = store.writer()
        try:
            Refresher(writer, report, notify, workers, started).run(roots, full=full)
        finally:
            writer.close()
    store.forget_caches()
    report.seconds = time.perf_counter() - started
    notify(
        Progress(
            "done",
            report.articles,
            report.articles,
            f"list ready after {report.list_seconds:.1f} s, "
            f"search ready after {report.fts_seconds:.1f} s",
        )
    )
    return report


_Todo = tuple[FoundFile, "int | None"]  # a file to parse, and the id of its old row


def _stamp(mtime_ns: int, size: int, path: str) -> int:
    """What a row is compared on: its file's mtime, size and path, hashed into one int
    (a file whose stat changed keeps its stamp with odds of 2⁻⁶⁴)."""
    return hash((mtime_ns, size, path))


class Refresher:
    """One refresh run on its own write connection."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        report: IndexReport,
        notify: ProgressFn,
        workers: int,
        started: float,
    ) -> None:
        self.conn = conn
        self.report = report
        self.notify = notify
        self.workers = workers
        self.started = started
        self.pool: Executor | None = None
        self.slots: dict[int, int] = {}
        self.walked = 0
        self.skipped_keys: set[str] = set()  # keys in the skipped table when the run began
        self.empty = False  # no articles when the run began: id slots need no lookup

    def run(self, roots: Sequence[Path], *, full: bool) -> None:
        try:
            self.dirs = DirTable(self.conn, full=full)
            # The walk reads each compared row once: a small page cache (a full walk in a
            # TUI's background would otherwise fill 16 MB with rows it never reads again).
            self.conn.execute(f"PRAGMA cache_size = -{SCAN_CACHE_KB}")
            todo, removed = self._scan(_discover.discover(roots, self.dirs))
            self.report.dirs_listed = len(self.dirs.listed)
            # Writing, a bigger page cache speeds FTS merges.
            cache_kb = WRITE_CACHE_KB if todo or removed else CACHE_KB
            self.conn.execute(f"PRAGMA cache_size = -{cache_kb}")
            if self.dirs.listed:
                self._write(lambda: self.dirs.assign_ids(self.conn))
            if stories.text_outdated(self.conn):  # folding or signatures changed
                self._write(self._redo_text)
            elif removed or any(old is not None for _found, old in todo):
                self._write(lambda: stories.mark_ungrouped(self.conn))
            elif todo:  # only new files: grouping can look at their pairs only
                self._write(lambda: stories.mark_added(self.conn))
            self._remove(removed)
            self._parse(todo)
            if self.dirs.listed or self.dirs.removed_ids():
                self._write(lambda: self.dirs.finish(self.conn))
            self.report.list_seconds = time.perf_counter() - self.started
            self._index_fts()
            self.report.fts_seconds = time.perf_counter() - self.started
            if stories.needs_grouping(self.conn):
                self._group()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
        self.report.articles = self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def _redo_text(self) -> None:
        """The index was built with another folding or signature version: its full-text
        pass is redone (with the usual progress) by this refresh."""
        self._reset_fts()
        stories.set_text_version(self.conn)
        stories.mark_ungrouped(self.conn)

    def _group(self) -> None:
        start = time.perf_counter()
        n = self.report.fts_indexed  # the full-text pass is done: its count, not a restart
        self.notify(Progress("write", n, n, "grouping duplicate stories"))

        def regroup() -> None:
            self.report.dup_groups, self.report.grouped_added = stories.regroup(self.conn)

        self._write(regroup)
        self.report.group_seconds = time.perf_counter() - start

    def _get_pool(self) -> Executor:
        if self.pool is None:
            self.pool = make_pool(self.workers)
        return self.pool

    # scan + diff

    def _scan(self, items: Iterable[FoundFile | SkippedFile]) -> tuple[list[_Todo], list[int]]:
        """Walk, and compare the files of listed directories with their rows.

        Only rows of listed directories (and of files given as roots) are loaded: one
        stamp each, as this holds them while the walk runs (a full walk holds every row);
        the ids of the rows that changed or went are looked up afterwards.
        """
        walked: Iterable[FoundFile | SkippedFile]
        if self.dirs.full:  # every row is compared: load them first, stream the walk
            known, skipped_known = self._known(""), self._skipped_known(None)
            walked = self._walk(items)
        else:  # the walk decides which rows to load
            walked = list(self._walk(items))
            listed = self.dirs.listed_known_ids()
            known = self._known(self._in_dirs(listed), listed)
            skipped_known = self._skipped_known({*listed, *self.dirs.removed_ids()})
        self.skipped_keys = set(skipped_known)
        self.empty = self.conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None
        seen: set[str] = set()
        found: list[tuple[FoundFile, str | None]] = []  # with its key when it has a row
        for item in walked:
            if isinstance(item, SkippedFile):
                self.report.skipped.append(item)
                continue
            key = item.relpath
            path = to_db(os.fspath(item.path))
            if key in seen or (key not in known and not self.empty and self._elsewhere(key)):
                self.report.skipped.append(
                    SkippedFile(item.path, f"same relative path {key!r} as another file")
                )
                continue
            seen.add(key)
            old = known.get(key)
            if old is not None and old == _stamp(item.mtime_ns, item.size, path):
                continue
            old_skip = skipped_known.get(key)
            if old_skip is not None and old_skip[:3] == (path, item.mtime_ns, item.size):
                self.report.skipped.append(SkippedFile(item.path, old_skip[3]))
                continue
            found.append((item, None if old is None else key))
        self.notify(
            Progress("scan", self.walked, self.walked, f"{len(found)} new or changed files")
        )
        gone = [k for k in known if k not in seen]
        ids = self._ids_of([k for _, k in found if k is not None] + gone)
        todo: list[_Todo] = [(item, None if k is None else ids[k]) for item, k in found]
        removed = [ids[k] for k in gone]
        gone_dirs = [] if self.dirs.full else self.dirs.removed_ids()
        if gone_dirs:  # their rows were not loaded
            marks = ",".join("?" * len(gone_dirs))
            removed += [
                r[0]
                for r in self.conn.execute(
                    f"SELECT id FROM articles WHERE dir IN ({marks})", gone_dirs
                )
            ]
        gone_skips = [k for k in skipped_known if k not in seen]
        if gone_skips:
            self._write(
                lambda: self.conn.executemany(
                    "DELETE FROM skipped WHERE key = ?", [(k,) for k in gone_skips]
                )
            )
        return todo, removed

    def _walk(self, items: Iterable[FoundFile | SkippedFile]) -> Iterator[FoundFile | SkippedFile]:
        for n, item in enumerate(items, 1):
            self.walked = n
            if n % 2000 == 0:
                self.notify(Progress("scan", n, 0, "looking for changed files"))
            yield item

    def _known(self, where: str, args: Sequence[int] = ()) -> dict[str, int]:
        """key → :func:`_stamp` of the rows to compare: one int per row, as a full walk holds
        every article while it runs (a TUI's peak memory: 38 → 19 MB at 100k)."""
        sql = f"SELECT key, path, mtime_ns, size FROM articles{where}"
        return {key: _stamp(m, s, path) for key, path, m, s in self.conn.execute(sql, args)}

    def _ids_of(self, keys: list[str]) -> dict[str, int]:
        """key → id of these rows (those that changed or went: usually few)."""
        out: dict[str, int] = {}
        for part in chunks(keys, 500):
            marks = ",".join("?" * len(part))
            sql = f"SELECT key, id FROM articles WHERE key IN ({marks})"
            out.update(self.conn.execute(sql, list(part)).fetchall())
        return out

    def _skipped_known(self, dirs: set[int] | None) -> dict[str, tuple[str, int, int, str]]:
        """Stored skips of the walked directories (all when ``dirs`` is None); the others
        are reported again without reading their files."""
        out: dict[str, tuple[str, int, int, str]] = {}
        for key, path, m, s, reason, dir_ in self.conn.execute(
            "SELECT key, path, mtime_ns, size, reason, dir FROM skipped"
        ):
            if dirs is None or dir_ is None or dir_ in dirs:
                out[key] = (path, m, s, reason)
            else:
                self.report.skipped.append(SkippedFile(Path(from_db(path)), reason))
        return out

    @staticmethod
    def _in_dirs(ids: list[int]) -> str:
        return " WHERE dir IS NULL" + (f" OR dir IN ({','.join('?' * len(ids))})" if ids else "")

    def _elsewhere(self, key: str) -> bool:
        """A new key already held by a row outside the listed directories (two roots with
        the same name give the same relative path)."""
        if self.dirs.full:
            return False
        return (
            self.conn.execute("SELECT 1 FROM articles WHERE key = ?", (key,)).fetchone() is not None
        )

    def _write(self, fn: Callable[[], object]) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            fn()
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # removal

    def _remove(self, removed: list[int]) -> None:
        for chunk in chunks(removed, FTS_BATCH):
            self._write(partial(self._delete_ids, list(chunk)))
        self.report.removed = len(removed)

    def _delete_ids(self, ids: list[int]) -> None:
        """Delete articles (and their FTS entries) inside the caller's transaction."""
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        self._unindex(ids)
        self.conn.execute(
            f"DELETE FROM bodies WHERE no IN (SELECT body FROM articles WHERE id IN ({marks}))", ids
        )
        for table in ("articles", "article_nodes", "article_facets"):
            self.conn.execute(f"DELETE FROM {table} WHERE id IN ({marks})", ids)

    def _unindex(self, ids: list[int]) -> None:
        """Remove articles from FTS (their docno stays reserved) inside the transaction."""
        marks = ",".join("?" * len(ids))
        indexed = self.conn.execute(
            f"SELECT a.docno, a.title, b.text, a.indexed FROM articles a "
            f"JOIN bodies b ON b.no = a.body WHERE a.id IN ({marks}) AND a.indexed != 0",
            ids,
        ).fetchall()
        for docno, title, text_z, crc in indexed:
            texts = fts_text(title, unpack_plain(text_z))
            if fts_crc(texts) != crc:
                self._reset_fts()
                return
            self.conn.execute(
                "INSERT INTO fts(fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                (docno, texts.title, texts.body),
            )
            self.conn.execute(
                "INSERT INTO uni(uni, rowid, chars) VALUES ('delete', ?, ?)", (docno, texts.chars)
            )
        self.conn.execute(f"UPDATE articles SET indexed = 0 WHERE id IN ({marks})", ids)

    def _reset_fts(self) -> None:
        """The stored text no longer reproduces what was indexed: rebuild FTS from bodies."""
        self.conn.execute("INSERT INTO fts(fts) VALUES ('delete-all')")
        self.conn.execute("INSERT INTO uni(uni) VALUES ('delete-all')")
        self.conn.execute("UPDATE articles SET indexed = 0, docno = NULL, minhash = NULL")
        self.conn.execute("UPDATE article_nodes SET docno = NULL")
        self.conn.execute("UPDATE meta SET value = '1' WHERE key = 'fts_ordered'")

    # parse + metadata

    def _parse(self, todo: list[_Todo]) -> None:
        total = len(todo)
        if not total:
            return
        by_key = {f.relpath: (f, old) for f, old in todo}  # relpath is a computed property
        items = [(key, os.fspath(f.path)) for key, (f, _) in by_key.items()]
        self.notify(Progress("parse", 0, total, "reading new and changed files"))
        parts = [list(c) for c in chunks(items, CHUNK)]
        if total < INLINE_LIMIT or self.workers == 1:
            results: Iterable[list[Parsed]] = map(parse_chunk, parts)
        else:
            results = self._get_pool().map(parse_chunk, parts)
        batch: list[Parsed] = []
        done = 0
        for chunk in results:
            batch.extend(chunk)
            done += len(chunk)
            if len(batch) >= PARSE_BATCH:
                self._write(partial(self._store, batch, by_key))
                batch = []
            self.notify(Progress("parse", done, total, "reading new and changed files"))
        if batch:
            self._write(lambda: self._store(batch, by_key))
        self.report.parsed = total
        self.notify(Progress("parse", total, total, "list ready"))

    def _store(
        self,
        batch: list[Parsed],
        by_key: dict[str, _Todo],
    ) -> None:
        """Write one batch of parse results inside the caller's transaction (bulk inserts:
        per-statement overhead dominated the metadata pass)."""
        conn = self.conn
        articles: list[tuple[object, ...]] = []
        nodes: list[tuple[str, int, int, str, int | None]] = []
        facets: list[tuple[str, str, int]] = []
        skipped: list[tuple[str, str, int, int, str, int | None]] = []
        for key, prepared, reason in batch:
            found, old_id = by_key[key]
            docno = None
            if old_id is not None:
                self._unindex([old_id])
                docno = conn.execute(
                    "SELECT docno FROM articles WHERE id = ?", (old_id,)
                ).fetchone()[0]
                self._delete_ids([old_id])
            path = to_db(os.fspath(found.path))
            dir_ = self.dirs.dir_of(path)
            if key in self.skipped_keys:
                conn.execute("DELETE FROM skipped WHERE key = ?", (key,))
            if prepared is None:
                skipped.append((key, path, found.mtime_ns, found.size, reason, dir_))
                self.report.skipped.append(SkippedFile(found.path, reason))
                if old_id is not None:
                    self.report.removed += 1
                continue
            base = prepared.base
            if old_id is not None and old_id >> SLOT_BITS == base >> SLOT_BITS:
                id_ = old_id  # same date: same place in lists and in docno order
            else:
                id_, docno = self._allocate(base), None
            row = (id_, key, path, found.mtime_ns, found.size, *prepared.columns, docno, dir_)
            articles.append(row)
            nodes.extend((node, id_, depth, name, docno) for node, depth, name in prepared.nodes)
            facets.extend(("author", a, id_) for a in prepared.authors)
            facets.extend(("tag", t, id_) for t in prepared.tags)
            if old_id is None:
                self.report.added += 1
            else:
                self.report.updated += 1
        conn.executemany(
            f"INSERT INTO articles(id, key, path, mtime_ns, size, {META_COLUMNS}, indexed, "
            "docno, dir) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,?,?)",
            articles,
        )
        conn.executemany("INSERT OR IGNORE INTO article_nodes VALUES (?, ?, ?, ?, ?)", nodes)
        conn.executemany("INSERT OR IGNORE INTO article_facets VALUES (?, ?, ?)", facets)
        conn.executemany("INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?, ?, ?)", skipped)

    def _allocate(self, base: int) -> int:
        """Next free id in the date slot ``base`` (ids sort by date, then arrival)."""
        nxt = self.slots.get(base)
        if nxt is None and self.empty:
            nxt = base
        elif nxt is None:
            top = self.conn.execute(
                "SELECT max(id) FROM articles WHERE id >= ? AND id < ?",
                (base, base + (1 << SLOT_BITS)),
            ).fetchone()[0]
            nxt = base if top is None else top + 1
        if nxt >= base + (1 << SLOT_BITS):  # pragma: no cover - a million in one second
            nxt = self.conn.execute("SELECT max(id) + 1 FROM articles").fetchone()[0]
        self.slots[base] = nxt + 1
        return nxt

    # full-text phase

    def _index_fts(self) -> None:
        pending = [
            r[0] for r in self.conn.execute("SELECT id FROM articles WHERE indexed = 0 ORDER BY id")
        ]
        total = len(pending)
        if not total:
            return
        self.notify(Progress("write", 0, total, "building the full-text index"))
        batches = list(chunks(pending, FTS_BATCH))

        def load(ids: Sequence[int]) -> list[tuple[int, str, str]]:
            marks = ",".join("?" * len(ids))
            return self.conn.execute(
                f"SELECT id, path, title FROM articles WHERE id IN ({marks}) AND indexed = 0",
                list(ids),
            ).fetchall()

        if total < INLINE_LIMIT * 4 or self.workers == 1:
            results: Iterator[list[FtsRow]] = (
                fts_chunk(sub) for c in batches for sub in split_list(load(c), 4)
            )
        else:
            pool = self._get_pool()
            results = prefetch(
                (pool.submit(fts_chunk, sub) for c in batches for sub in split_list(load(c), 4)),
                depth=self.workers * 3,
            )
        done = 0
        batch: list[FtsRow] = []
        for rows in results:
            batch.extend(rows)
            if len(batch) >= FTS_BATCH:
                self._write(partial(self._insert_fts, batch))
                done += len(batch)
                batch = []
            # Every prepared chunk (a quarter batch) moves the display, not only each write.
            self.notify(Progress("write", done + len(batch), total, "building the full-text index"))
        if batch:
            self._write(lambda: self._insert_fts(batch))
            done += len(batch)
        self.report.fts_indexed = done
        self.notify(Progress("write", done, total, "full-text index ready"))

    def _insert_fts(self, rows: list[FtsRow]) -> None:
        """Add rows to FTS under their reserved docno, or the next one in date order, and
        store their plain text (bodies get ascending row numbers, so pages fill up)."""
        conn = self.conn
        rows = sorted(rows, key=lambda r: r.id)
        marks = ",".join("?" * len(rows))
        ids = [r.id for r in rows]
        reserved = dict(
            conn.execute(
                f"SELECT id, docno FROM articles WHERE id IN ({marks}) AND docno IS NOT NULL", ids
            ).fetchall()
        )
        conn.execute(
            f"DELETE FROM bodies WHERE no IN (SELECT body FROM articles WHERE id IN ({marks}))",
            ids,
        )
        top = conn.execute(
            "SELECT docno, id FROM articles WHERE docno = (SELECT max(docno) FROM articles)"
        ).fetchone()
        nxt, last_id = (top[0] + 1, top[1]) if top else (1, None)
        ordered = True
        fts_rows: list[tuple[int, str, str]] = []
        uni_rows: list[tuple[int, str]] = []
        updates: list[tuple[int, int, int | None, int, bytes, int]] = []
        for id_, (title, body, chars), crc, text_z, words, minhash in rows:
            docno = reserved.get(id_)
            if docno is None:
                if last_id is not None and id_ < last_id:
                    ordered = False  # an older article after newer ones: docno ≠ date order
                docno, nxt, last_id = nxt, nxt + 1, id_
            fts_rows.append((docno, title, body))
            uni_rows.append((docno, chars))
            no = conn.execute("INSERT INTO bodies(text) VALUES (?)", (text_z,)).lastrowid
            updates.append((crc, docno, no, words, minhash, id_))
        if not ordered:
            conn.execute("UPDATE meta SET value = '0' WHERE key = 'fts_ordered'")
        conn.executemany("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", fts_rows)
        conn.executemany("INSERT INTO uni(rowid, chars) VALUES (?, ?)", uni_rows)
        conn.executemany(
            "UPDATE articles SET indexed = ?, docno = ?, body = ?, words = ?, minhash = ? "
            "WHERE id = ?",
            updates,
        )
        conn.executemany(
            "UPDATE article_nodes SET docno = ? WHERE id = ?", [(u[1], u[5]) for u in updates]
        )
