"""Refreshing a Collection: the stat walk's diff, the metadata pass and the full-text pass.

Runs on its own write connection (see ``Collection.refresh``). Files are parsed in a process
pool (forkserver) in chunks; each batch is one transaction, so an interrupted run leaves a
usable index and the next run resumes. The first pass writes metadata rows only (the list is
complete after it); the second reads each body again as plain text and feeds FTS5.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

from reader.library.cjk import word_count
from reader.library.fsnames import from_db, to_db
from reader.library.index import (
    _SLOT_BITS,
    CHUNK,
    FTS_BATCH,
    INLINE_LIMIT,
    PARSE_BATCH,
    PATH_SEP,
    WRITE_CACHE_KB,
    IndexReport,
    ProgressFn,
    _chunks,
    _iso,
    _join,
    date_base,
    fts_crc,
    fts_text,
    node_rows,
    pack_plain,
    unpack_plain,
)
from reader.library.model import Article, FoundFile, Progress, SkipFile, SkippedFile

# --------------------------------------------------------------- worker-side functions

_Prepared = tuple  # see _prepare


_META_COLUMNS = (
    "title, date, day, updated, author, categories, tags, url, summary, cover, language, "
    "authors, warnings"
)


def _prepare(article: Article) -> tuple:
    """What the metadata pass stores for an article, computed in a worker: the values of
    ``_META_COLUMNS``, the date slot for its id, and its category nodes, authors and tags."""
    date = article.date
    columns = (
        article.title,
        _iso(date),
        date.date().isoformat() if date else None,
        _iso(article.updated),
        article.author,
        PATH_SEP.join(_join(p) for p in article.categories),
        _join(article.tags),
        article.url,
        article.summary,
        article.cover,
        article.language,
        _join(article.authors),
        _join(article.warnings),
    )
    nodes = tuple(node_rows(article.categories))
    return columns, date_base(date), nodes, tuple(article.authors), tuple(article.tags)


def _parse_chunk(items: list[tuple[str, str]]) -> list[tuple[str, bool, object]]:
    """Parse files in a worker: (key, ok, prepared tuple or skip reason)."""
    from reader.library.parse import parse_file

    out: list[tuple[str, bool, object]] = []
    for key, path in items:
        try:
            out.append((key, True, _prepare(parse_file(Path(path), body="none"))))
        except SkipFile as exc:
            out.append((key, False, exc.reason))
        except Exception as exc:  # a parser bug must not stop indexing
            out.append((key, False, f"could not be parsed ({type(exc).__name__}: {exc})"))
    return out


_FtsRow = tuple  # (id, (title, body, uni) FTS texts, crc, packed plain text, words)


def _fts_chunk(items: list[tuple[int, str, str]]) -> list[_FtsRow]:
    """Read and index the text of articles in a worker (``items``: id, path, title).

    A file that has become unreadable since the metadata pass is indexed by its title; the
    next refresh notices the change and re-reads it.
    """
    from reader.library.parse import read_plain

    out = []
    for id_, path, title in items:
        try:
            plain = read_plain(Path(from_db(path)))
        except Exception:  # SkipFile (deleted, replaced by a FIFO, …) or a parser bug
            plain = ""
        texts = fts_text(title, plain)
        words = word_count(title) + word_count(plain)
        out.append((id_, texts, fts_crc(texts), pack_plain(plain), words))
    return out


def _watch_parent() -> None:
    """Worker initializer: exit as soon as the indexing process dies (even by SIGKILL).

    Otherwise an orphaned worker finishes its current (possibly huge) chunk for nobody.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def wait() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=wait, name="parent-watch", daemon=True).start()


def _make_pool(workers: int) -> Executor:
    # forkserver/spawn, not fork: refresh often runs in a thread of a threaded program.
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    with _real_stderr():
        # The helper processes start now, while sys.stderr has a real descriptor: a TUI
        # replaces it with an object whose fileno() is -1, which they cannot inherit.
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
        if method == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context(method), initializer=_worker_init
    )


@contextlib.contextmanager
def _real_stderr() -> Iterator[None]:
    saved = sys.stderr
    try:
        if sys.__stderr__ is not None and _has_fd(sys.__stderr__) and not _has_fd(saved):
            sys.stderr = sys.__stderr__
        yield
    finally:
        sys.stderr = saved


def _has_fd(stream: object) -> bool:
    try:
        return stream.fileno() >= 0  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False


def _worker_init() -> None:
    """Worker initializer: silence output (a TUI owns the terminal), watch the parent."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    _watch_parent()


def check_not_bootstrapping() -> None:
    """Fail loudly instead of deadlocking when a worker re-runs an unguarded main script."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise RuntimeError(
            "Collection.refresh() was called while a worker process was importing the main "
            "script; call it under `if __name__ == '__main__':`."
        )


# --------------------------------------------------------------------------- refresher


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
        self.skipped_keys: set[str] = set()  # keys in the skipped table when the run began
        self.empty = False  # no articles when the run began: id slots need no lookup

    def run(self, items: Iterable[FoundFile | SkippedFile]) -> None:
        try:
            todo, removed = self._scan(items)
            if todo or removed:  # writing: a bigger page cache speeds FTS merges
                self.conn.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KB}")
            self._remove(removed)
            self._parse(todo)
            self.report.list_seconds = time.perf_counter() - self.started
            self._index_fts()
            self.report.fts_seconds = time.perf_counter() - self.started
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
        self.report.articles = self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def _get_pool(self) -> Executor:
        if self.pool is None:
            self.pool = _make_pool(self.workers)
        return self.pool

    # scan + diff

    def _scan(
        self, items: Iterable[FoundFile | SkippedFile]
    ) -> tuple[list[tuple[FoundFile, int | None]], list[int]]:
        # key → (id, mtime, size, hash of the path): small ints only, as this holds every
        # article while the walk runs (the TUI's peak memory is this re-scan).
        known: dict[str, tuple[int, int, int, int]] = {
            key: (id_, m, s, hash(path))
            for key, id_, path, m, s in self.conn.execute(
                "SELECT key, id, path, mtime_ns, size FROM articles"
            )
        }
        skipped_known: dict[str, tuple[str, int, int, str]] = {
            key: (path, m, s, reason)
            for key, path, m, s, reason in self.conn.execute(
                "SELECT key, path, mtime_ns, size, reason FROM skipped"
            )
        }
        self.skipped_keys = set(skipped_known)
        self.empty = not known
        seen: set[str] = set()
        todo: list[tuple[FoundFile, int | None]] = []
        n = 0
        for item in items:
            n += 1
            if n % 2000 == 0:
                self.notify(Progress("scan", n, 0, "looking for changed files"))
            if isinstance(item, SkippedFile):
                self.report.skipped.append(item)
                continue
            key = item.relpath
            if key in seen:
                self.report.skipped.append(
                    SkippedFile(item.path, f"same relative path {key!r} as another file")
                )
                continue
            seen.add(key)
            path = to_db(os.fspath(item.path))
            old = known.get(key)
            if old is not None and old[1:] == (item.mtime_ns, item.size, hash(path)):
                continue
            old_skip = skipped_known.get(key)
            if old_skip is not None and old_skip[:3] == (path, item.mtime_ns, item.size):
                self.report.skipped.append(SkippedFile(item.path, old_skip[3]))
                continue
            todo.append((item, old[0] if old else None))
        self.notify(Progress("scan", n, n, f"{len(todo)} new or changed files"))
        removed = [v[0] for k, v in known.items() if k not in seen]
        gone_skips = [k for k in skipped_known if k not in seen]
        if gone_skips:
            self._write(
                lambda: self.conn.executemany(
                    "DELETE FROM skipped WHERE key = ?", [(k,) for k in gone_skips]
                )
            )
        return todo, removed

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
        for chunk in _chunks(removed, FTS_BATCH):
            self._write(lambda chunk=chunk: self._delete_ids(list(chunk)))
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
                (docno, *texts[:2]),
            )
            self.conn.execute(
                "INSERT INTO uni(uni, rowid, chars) VALUES ('delete', ?, ?)", (docno, texts[2])
            )
        self.conn.execute(f"UPDATE articles SET indexed = 0 WHERE id IN ({marks})", ids)

    def _reset_fts(self) -> None:
        """The stored text no longer reproduces what was indexed: rebuild FTS from bodies."""
        self.conn.execute("INSERT INTO fts(fts) VALUES ('delete-all')")
        self.conn.execute("INSERT INTO uni(uni) VALUES ('delete-all')")
        self.conn.execute("UPDATE articles SET indexed = 0, docno = NULL")
        self.conn.execute("UPDATE meta SET value = '1' WHERE key = 'fts_ordered'")

    # parse + metadata

    def _parse(self, todo: list[tuple[FoundFile, int | None]]) -> None:
        total = len(todo)
        if not total:
            return
        by_key = {f.relpath: (f, old) for f, old in todo}
        items = [(f.relpath, os.fspath(f.path)) for f, _ in todo]
        self.notify(Progress("parse", 0, total, "reading new and changed files"))
        if total < INLINE_LIMIT or self.workers == 1:
            results: Iterable[list] = map(_parse_chunk, _chunks(items, CHUNK))
        else:
            results = self._get_pool().map(_parse_chunk, list(_chunks(items, CHUNK)))
        batch: list[tuple[str, bool, object]] = []
        done = 0
        for chunk in results:
            batch.extend(chunk)
            done += len(chunk)
            if len(batch) >= PARSE_BATCH:
                self._write(lambda b=batch: self._store(b, by_key))
                batch = []
                self.notify(Progress("parse", done, total, "reading new and changed files"))
        if batch:
            self._write(lambda: self._store(batch, by_key))
        self.report.parsed = total
        self.notify(Progress("parse", total, total, "list ready"))

    def _store(
        self,
        batch: list[tuple[str, bool, object]],
        by_key: dict[str, tuple[FoundFile, int | None]],
    ) -> None:
        """Write one batch of parse results inside the caller's transaction (bulk inserts:
        per-statement overhead dominated the metadata pass)."""
        conn = self.conn
        articles: list[tuple] = []
        nodes: list[tuple[str, int, int, str]] = []
        facets: list[tuple[str, str, int]] = []
        skipped: list[tuple[str, str, int, int, str]] = []
        for key, ok, value in batch:
            found, old_id = by_key[key]
            docno = None
            if old_id is not None:
                self._unindex([old_id])
                docno = conn.execute(
                    "SELECT docno FROM articles WHERE id = ?", (old_id,)
                ).fetchone()[0]
                self._delete_ids([old_id])
            path = to_db(os.fspath(found.path))
            if key in self.skipped_keys:
                conn.execute("DELETE FROM skipped WHERE key = ?", (key,))
            if not ok:
                skipped.append((key, path, found.mtime_ns, found.size, str(value)))
                self.report.skipped.append(SkippedFile(found.path, str(value)))
                if old_id is not None:
                    self.report.removed += 1
                continue
            columns, base, node_list, author_list, tag_list = value  # type: ignore[misc]
            if old_id is not None and old_id >> _SLOT_BITS == base >> _SLOT_BITS:
                id_ = old_id  # same date: same place in lists and in docno order
            else:
                id_, docno = self._allocate(base), None
            articles.append((id_, key, path, found.mtime_ns, found.size, *columns, docno))
            nodes.extend((node, id_, depth, name) for node, depth, name in node_list)
            facets.extend(("author", a, id_) for a in author_list)
            facets.extend(("tag", t, id_) for t in tag_list)
            if old_id is None:
                self.report.added += 1
            else:
                self.report.updated += 1
        conn.executemany(
            f"INSERT INTO articles(id, key, path, mtime_ns, size, {_META_COLUMNS}, indexed, "
            "docno) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,?)",
            articles,
        )
        conn.executemany("INSERT OR IGNORE INTO article_nodes VALUES (?, ?, ?, ?)", nodes)
        conn.executemany("INSERT OR IGNORE INTO article_facets VALUES (?, ?, ?)", facets)
        conn.executemany("INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?, ?)", skipped)

    def _allocate(self, base: int) -> int:
        """Next free id in the date slot ``base`` (ids sort by date, then arrival)."""
        nxt = self.slots.get(base)
        if nxt is None and self.empty:
            nxt = base
        elif nxt is None:
            top = self.conn.execute(
                "SELECT max(id) FROM articles WHERE id >= ? AND id < ?",
                (base, base + (1 << _SLOT_BITS)),
            ).fetchone()[0]
            nxt = base if top is None else top + 1
        if nxt >= base + (1 << _SLOT_BITS):  # pragma: no cover - a million in one second
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
        chunks = list(_chunks(pending, FTS_BATCH))

        def load(ids: Sequence[int]) -> list[tuple[int, str, str]]:
            marks = ",".join("?" * len(ids))
            return self.conn.execute(
                f"SELECT id, path, title FROM articles WHERE id IN ({marks}) AND indexed = 0",
                list(ids),
            ).fetchall()

        if total < INLINE_LIMIT * 4 or self.workers == 1:
            results: Iterator[list] = (_fts_chunk(load(c)) for c in chunks)
        else:
            pool = self._get_pool()
            results = _prefetch(
                (pool.submit(_fts_chunk, sub) for c in chunks for sub in _split_list(load(c), 4)),
                depth=self.workers * 3,
            )
        done = 0
        batch: list[_FtsRow] = []
        for rows in results:
            batch.extend(rows)
            if len(batch) >= FTS_BATCH:
                self._write(lambda b=batch: self._insert_fts(b))
                done += len(batch)
                batch = []
                self.notify(Progress("write", done, total, "building the full-text index"))
        if batch:
            self._write(lambda: self._insert_fts(batch))
            done += len(batch)
        self.report.fts_indexed = done
        self.notify(Progress("write", done, total, "full-text index ready"))

    def _insert_fts(self, rows: list[_FtsRow]) -> None:
        """Add rows to FTS under their reserved docno, or the next one in date order, and
        store their plain text (bodies get ascending row numbers, so pages fill up)."""
        conn = self.conn
        rows = sorted(rows, key=lambda r: r[0])
        marks = ",".join("?" * len(rows))
        ids = [r[0] for r in rows]
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
        fts_rows, uni_rows, updates = [], [], []
        for id_, (title, body, chars), crc, text_z, words in rows:
            docno = reserved.get(id_)
            if docno is None:
                if last_id is not None and id_ < last_id:
                    ordered = False  # an older article after newer ones: docno ≠ date order
                docno, nxt, last_id = nxt, nxt + 1, id_
            fts_rows.append((docno, title, body))
            uni_rows.append((docno, chars))
            no = conn.execute("INSERT INTO bodies(text) VALUES (?)", (text_z,)).lastrowid
            updates.append((crc, docno, no, words, id_))
        if not ordered:
            conn.execute("UPDATE meta SET value = '0' WHERE key = 'fts_ordered'")
        conn.executemany("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", fts_rows)
        conn.executemany("INSERT INTO uni(rowid, chars) VALUES (?, ?)", uni_rows)
        conn.executemany(
            "UPDATE articles SET indexed = ?, docno = ?, body = ?, words = ? WHERE id = ?", updates
        )


def _split_list(items: list, parts: int) -> list[list]:
    size = max(1, -(-len(items) // parts))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _prefetch(futures: Iterator, depth: int) -> Iterator[list]:
    """Yield results in order while keeping up to ``depth`` tasks in flight."""
    window: list = []
    for fut in futures:
        window.append(fut)
        if len(window) >= depth:
            yield window.pop(0).result()
    for fut in window:
        yield fut.result()
