"""Live collection: watch the roots with ``watchfiles`` and refresh when articles change.

The watcher runs in a thread worker for as long as the screen is mounted. ``watchfiles``
(inotify/FSEvents, in Rust) groups events until the roots have been quiet for
:data:`QUIET_MS` (at most :data:`BATCH_MS`), so a ``git pull`` of thousands of files is one
batch; the worker posts one typed :class:`~reader.tui.messages.FilesChanged` per batch and
the screen runs the library's quick (directory-stamp) refresh in the existing refresh job,
one at a time: a batch that arrives during a refresh queues one more. The worker stops
when the screen unmounts: ``on_unmount`` sets the ``threading.Event`` that ``watchfiles``
checks every :data:`QUIET_MS`, so the app never waits on it.

When watching is impossible (``watchfiles`` missing or failing, inotify limits reached,
roots on a network file system where inotify sees no remote change) the screen refreshes
every :data:`POLL_SECONDS` instead and says so once in the status line.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.timer import Timer

from reader.library.discover import is_article_name, is_editor_temp
from reader.tui import messages as msg
from reader.tui.session.base import ScreenBase

QUIET_MS = 300
"""A batch ends when the roots have been quiet this long…"""
BATCH_MS = 1200
"""…or when it has been growing this long (a scraper that never stops still shows up)."""
READY_MS = 200
"""``watchfiles`` yields an empty batch after this long without events: the watch is set up."""
POLL_SECONDS = 30.0
"""The periodic quick refresh when the roots cannot be watched."""

NETWORK_FS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.s3fs",
    }
)
"""File systems whose changes made on other machines inotify never reports."""


def network_fs(path: Path, mounts: str | None = None) -> str | None:
    """The network file system type ``path`` lives on (Linux ``/proc/self/mounts``), else None."""
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    real = os.path.realpath(path)
    best, best_type = "", ""
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].replace("\\040", " ")
        inside = real == mount or real.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, best_type = mount, parts[2]
    return best_type if best_type in NETWORK_FS else None


def _relative_parts(path: str, roots: Sequence[str]) -> tuple[str, ...]:
    for root in roots:
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return tuple(p for p in path[len(root) :].split(os.sep) if p)
    return (os.path.basename(path),)


def classify(changes: Iterable[tuple[int, str]], roots: Sequence[str]) -> tuple[int, bool]:
    """``(paths that matter, any article edited in place)`` for one batch of events.

    Hidden paths and editor temporaries are noise. A path that is not an article name still
    counts: it may be a directory moved or deleted as a whole. An article modified without
    being added in the same batch was edited in place, which only a full walk notices.
    """
    from watchfiles import Change

    relevant: set[str] = set()
    added: set[str] = set()
    modified: set[str] = set()
    for change, path in changes:
        parts = _relative_parts(path, roots)
        if not parts or any(p.startswith(".") for p in parts) or is_editor_temp(parts[-1]):
            continue
        relevant.add(path)
        if change == Change.added:
            added.add(path)
        elif change == Change.modified and is_article_name(parts[-1]):
            modified.add(path)
    return len(relevant), bool(modified - added)


class WatchMixin(ScreenBase):
    """Starts after the start-up refresh; falls back to a periodic refresh."""

    _watch_started = False
    _watch_stop: threading.Event | None = None
    _poll_timer: Timer | None = None

    def start_watching(self) -> None:
        """Watch the roots (once per screen); the background full walk follows when ready."""
        if self._watch_started:
            return
        self._watch_started = True
        if not self.reader_app.config.watch:  # turned off: ``r`` refreshes
            self.start_full_walk()
            return
        roots = [root for root in self.backend.roots if root.is_dir()]
        if not roots:
            self.post_message(msg.WatchUnavailable("no folder to watch", announce=False))
            return
        for root in roots:
            fs = network_fs(root)
            if fs is not None:
                self.post_message(msg.WatchUnavailable(f"{root} is on {fs}"))
                return
        self._watch_stop = threading.Event()
        self._watch(roots, self._watch_stop)

    def stop_watching(self) -> None:
        """Stop the watcher thread (it ends within :data:`QUIET_MS`) and the poll timer."""
        if self._watch_stop is not None:
            self._watch_stop.set()
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None

    @work(thread=True, exclusive=True, group="watch", description="watch the collection")
    def _watch(self, roots: list[Path], stop: threading.Event) -> None:
        try:
            from watchfiles import watch

            names = [os.fspath(root.resolve()) for root in roots] + [os.fspath(r) for r in roots]
            ready = False
            for changes in watch(
                *roots,
                stop_event=stop,
                debounce=BATCH_MS,
                step=QUIET_MS,
                rust_timeout=READY_MS,
                yield_on_timeout=True,
                raise_interrupt=False,
            ):
                if stop.is_set():
                    return
                if not ready:
                    ready = True
                    self.post_message(msg.WatchReady())
                if not changes:
                    continue
                count, edited = classify(changes, names)
                if count:
                    self.post_message(msg.FilesChanged(count, edited=edited))
        except Exception as exc:  # inotify limits, a root gone, no watchfiles: poll instead
            if not stop.is_set():
                self.post_message(msg.WatchUnavailable(str(exc) or type(exc).__name__))

    @on(msg.WatchReady)
    def _watch_ready(self) -> None:
        self.start_full_walk()

    @on(msg.WatchUnavailable)
    def _watch_unavailable(self, event: msg.WatchUnavailable) -> None:
        if self._poll_timer is None:
            self._poll_timer = self.set_interval(POLL_SECONDS, self._poll, name="poll-collection")
        if event.announce:  # once: the status line keeps it until something changes
            every = f"checking every {POLL_SECONDS:g} s"
            self.index_status = Text(f"not watching · {every}", style="yellow")
            self._update_status()
            self.notify(f"Not watching the collection ({event.reason}); {every}.", markup=False)
        self.start_full_walk()

    def _poll(self) -> None:
        self.live_refresh()

    @on(msg.FilesChanged)
    def _files_changed(self, event: msg.FilesChanged) -> None:
        self.live_refresh(full=event.edited)
