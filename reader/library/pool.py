"""The refresh's worker side: parsing and full-text preparation in a process pool.

Functions here run in worker processes (forkserver, or spawn): they read files and return
plain tuples; the parent (:mod:`.refresh`) does every database write.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from reader.library.cjk import word_count
from reader.library.fsnames import from_db
from reader.library.model import Article, CategoryPath, SkipFile
from reader.library.records import (
    FtsText,
    date_base,
    fts_crc,
    fts_text_folded,
    iso,
    join,
    join_categories,
    node_rows,
    pack_plain,
)

if TYPE_CHECKING:  # multiprocessing and concurrent.futures cost ~15 ms to import: only
    from concurrent.futures import Executor, Future  # a refresh with files to parse needs them
    from multiprocessing.context import ForkServerContext, SpawnContext

T = TypeVar("T")

META_COLUMNS = (
    "title, date, day, updated, author, categories, tags, url, summary, cover, language, "
    "authors, warnings"
)


class Prepared(NamedTuple):
    """What the metadata pass stores for an article, computed in a worker."""

    columns: tuple[object, ...]
    """The values of :data:`META_COLUMNS`."""
    base: int
    """The date slot of its id."""
    nodes: tuple[tuple[str, int, str], ...]
    authors: tuple[str, ...]
    tags: tuple[str, ...]


class Parsed(NamedTuple):
    """One file of a parse chunk: prepared metadata, or the reason it is skipped."""

    key: str
    prepared: Prepared | None
    reason: str


class FtsRow(NamedTuple):
    """One article of a full-text chunk."""

    id: int
    texts: FtsText
    crc: int
    packed: bytes
    words: int
    minhash: bytes
    """Near-duplicate signature (:func:`reader.library.duplicates.signature`; ``b""``: too
    short to compare)."""


def prepare(article: Article) -> Prepared:
    date = article.date
    columns = (
        article.title,
        iso(date),
        date.date().isoformat() if date else None,
        iso(article.updated),
        article.author,
        join_categories(article.categories),
        join(article.tags),
        article.url,
        article.summary,
        article.cover,
        article.language,
        join(article.authors),
        join(article.warnings),
    )
    cats: tuple[CategoryPath, ...] = article.categories
    return Prepared(
        columns, date_base(date), tuple(node_rows(cats)), tuple(article.authors), article.tags
    )


def parse_chunk(items: list[tuple[str, str]]) -> list[Parsed]:
    """Parse files in a worker (``items``: key, path)."""
    from reader.library.parse import parse_file

    out: list[Parsed] = []
    for key, path in items:
        try:
            out.append(Parsed(key, prepare(parse_file(Path(path), body="none")), ""))
        except SkipFile as exc:
            out.append(Parsed(key, None, exc.reason))
        except Exception as exc:  # a parser bug must not stop indexing
            out.append(Parsed(key, None, f"could not be parsed ({type(exc).__name__}: {exc})"))
    return out


def fts_chunk(items: list[tuple[int, str, str]]) -> list[FtsRow]:
    """Read and index the text of articles in a worker (``items``: id, path, title).

    A file that has become unreadable since the metadata pass is indexed by its title; the
    next refresh notices the change and re-reads it.
    """
    from reader.library.duplicates import signature
    from reader.library.fold import fold
    from reader.library.parse import read_plain

    out = []
    for id_, path, title in items:
        try:
            plain = read_plain(Path(from_db(path)))
        except Exception:  # SkipFile (deleted, replaced by a FIFO, …) or a parser bug
            plain = ""
        # Folded once for both uses (fold is idempotent, so the signature is the same).
        folded_title, folded = fold(title), fold(plain)
        texts = fts_text_folded(folded_title, folded)
        words = word_count(title) + word_count(plain)
        sig = signature(folded, folded_title, folded=True)
        out.append(FtsRow(id_, texts, fts_crc(texts), pack_plain(plain), words, sig))
    return out


def watch_parent() -> None:
    """Exit as soon as the parent process dies (even by SIGKILL).

    Otherwise an orphaned worker finishes its current (possibly huge) chunk for nobody.
    """
    import multiprocessing.connection
    import threading

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def wait() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=wait, name="parent-watch", daemon=True).start()


def mp_context() -> ForkServerContext | SpawnContext:
    """The multiprocessing context for child processes: forkserver (or spawn), not fork, as
    refresh often runs in a thread of a threaded program; its helpers are started here."""
    import multiprocessing

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
    return multiprocessing.get_context(method)  # type: ignore[return-value]


def make_pool(workers: int) -> Executor:
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, mp_context=mp_context(), initializer=init_child)


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


def init_child() -> None:
    """First thing in a child process (pool worker, :mod:`.refresh_child`): silence its
    output (a TUI owns the terminal) and exit when the parent dies."""
    silence_output()
    watch_parent()


def silence_output() -> None:
    """Send this process's stdout and stderr to /dev/null (a TUI owns the terminal)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def check_not_bootstrapping() -> None:
    """Fail loudly instead of deadlocking when a worker re-runs an unguarded main script."""
    # A worker has multiprocessing loaded; a process that has not cannot be one.
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing and getattr(multiprocessing.current_process(), "_inheriting", False):
        raise RuntimeError(
            "Collection.refresh() was called while a worker process was importing the main "
            "script; call it under `if __name__ == '__main__':`."
        )


def split_list(items: list[T], parts: int) -> list[list[T]]:
    size = max(1, -(-len(items) // parts))
    return [items[i : i + size] for i in range(0, len(items), size)]


def prefetch(futures: Iterable[Future[T]], depth: int) -> Iterator[T]:
    """Yield results in order while keeping up to ``depth`` tasks in flight."""
    window: list[Future[T]] = []
    for fut in futures:
        window.append(fut)
        if len(window) >= depth:
            yield window.pop(0).result()
    for fut in window:
        yield fut.result()
