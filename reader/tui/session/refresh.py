"""Refresh: the incremental re-index in a child process run from a thread worker, its
progress and its report."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.worker import get_current_worker

from reader.tui import messages as msg
from reader.tui.session.base import ScreenBase

if TYPE_CHECKING:
    from reader.library.model import Progress, RefreshReport

PHASE_LABELS = {"scan": "scanning", "parse": "indexing", "write": "building search index"}


def rate_text(done: int, total: int, elapsed: float) -> str:
    """`` · 120/s · 1:05 left`` on runs longer than two seconds, else ``""``."""
    if elapsed < 2 or done <= 0 or total <= done:
        return ""
    rate = done / elapsed
    left = int((total - done) / rate)
    return f" · {rate:,.0f}/s · {left // 60}:{left % 60:02d} left"


class ProgressThrottle:
    """Which progress reports to pass on to the UI: at most one per ``interval`` seconds
    within a phase, but every phase change and every end of a phase (``done == total``).

    The walk reports with no total (every 2,000 files); before these counted as throttled,
    a 1M-article start-up walk woke the UI thread ~35 times a second."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self._phase = ""
        self._last = float("-inf")

    def due(self, p: Progress, now: float) -> bool:
        ongoing = p.done < p.total or not p.total
        if p.phase == self._phase and ongoing and now - self._last < self.interval:
            return False
        self._phase, self._last = p.phase, now
        return True


class RefreshCancelled(Exception):
    """Raised from the progress callback to abandon a refresh when the app closes."""


class RefreshMixin(ScreenBase):
    """Start-up refresh and ``r``; the list fills as soon as the metadata pass has rows."""

    _first_index = False
    _list_ready_loaded = False
    _last_partial_load = 0.0
    _phase = ""
    _phase_started = 0.0
    _refresh_kind = ""
    """What the running refresh is: "start" (start-up or ``r``), "live" or "walk"."""
    _live_pending = False
    _live_full = False
    _walk_wanted = False
    _walk_started = False

    def start_refresh(self) -> None:
        """Incremental re-index in the background (start-up and ``r``)."""
        if self.indexing:
            if self._refresh_kind == "start":
                self.notify("Already indexing.")
            else:  # a live refresh or the background walk: ``r`` runs next
                self._live_pending = True
            return
        self._begin_refresh("start")

    def live_refresh(self, *, full: bool = False) -> None:
        """Files changed (or the periodic check): one quick refresh, coalesced with the
        running one (a batch during a refresh queues one more; never two at once)."""
        if self.indexing:
            self._live_pending = True
            self._live_full = self._live_full or full
            if self._refresh_kind == "walk" and not full:
                # The background walk can take seconds at 100k: the change first.
                self._walk_wanted = True
                self._live_pending = self._live_full = False
                self._begin_refresh("live")
            return
        self._begin_refresh("live", full=full)

    def start_full_walk(self) -> None:
        """Stat every file once, in the background, after start (in-place edits)."""
        if self._walk_started:
            return
        self._walk_started = True
        if self.indexing:
            self._walk_wanted = True
        else:
            self._begin_refresh("walk", full=True)

    def _begin_refresh(self, kind: str, *, full: bool = False) -> None:
        self.indexing = True
        self._refresh_kind = kind
        self._first_index = False
        self._list_ready_loaded = False
        self._last_partial_load = 0.0
        if kind == "start":
            self.index_status = Text("checking for changes…")
            self._update_status()
        self._refresh_worker(full)

    def _next_refresh(self) -> None:
        """After a refresh: start watching (once), then what was queued meanwhile."""
        self.start_watching()
        if self.indexing:
            return
        if self._live_pending:
            full = self._live_full
            self._live_pending = self._live_full = False
            self._begin_refresh("live", full=full)
        elif self._walk_wanted:
            self._walk_wanted = False
            self._begin_refresh("walk", full=True)

    @work(thread=True, exclusive=True, group="refresh", description="refresh index")
    def _refresh_worker(self, full: bool = False) -> None:
        """Refresh in a child process, whose memory and CPU stay out of the app (see
        :mod:`reader.library.refresh_child`): at 100k a deletion regroups every article,
        which took the app from 69 to 296 MB when it ran in this thread, and a first index
        peaks at ~380 MB. An in-memory index (unusable cache folder) is refreshed here: a
        child process could not see it."""
        worker = get_current_worker()
        throttle = ProgressThrottle()

        def progress(p: Progress) -> None:
            if worker.is_cancelled:  # the app is closing: stop indexing now
                raise RefreshCancelled
            if not throttle.due(p, time.monotonic()):
                return
            self.post_message(msg.IndexProgress(p.phase, p.done, p.total))

        try:
            report = None
            with self.backend.worker_collection() as collection:
                if collection.count() == 0:
                    self.post_message(msg.IndexEmpty())
                in_memory = collection.store.in_memory
                if in_memory:
                    report = collection.refresh(progress, full=full)
            if not in_memory:
                from reader.library.refresh_child import refresh_in_child

                backend = self.backend
                report = refresh_in_child(
                    backend.roots,
                    cache_dir=backend.cache_dir,
                    state_path=backend.state_path,
                    full=full,
                    progress=progress,
                    cancelled=lambda: worker.is_cancelled,
                )
            if report is None:
                return
        except RefreshCancelled:
            return
        except Exception as exc:
            if not worker.is_cancelled:
                self.post_message(msg.RefreshFailed(f"{type(exc).__name__}: {exc}"))
            return
        if not worker.is_cancelled:
            self.post_message(msg.Refreshed(report))

    @on(msg.IndexEmpty)
    def _index_empty(self) -> None:
        self._first_index = True

    @on(msg.IndexProgress)
    def _on_progress(self, event: msg.IndexProgress) -> None:
        phase, done, total = event.phase, event.done, event.total
        if phase == "done" or (phase == "scan" and self._refresh_kind != "start"):
            return  # live refreshes and the background walk are quiet until there is work
        label = PHASE_LABELS.get(phase, phase)
        now = time.monotonic()
        if phase != self._phase:
            self._phase, self._phase_started = phase, now
        rate = rate_text(done, total, now - self._phase_started)
        self.index_status = Text(f"{label} {done:,}/{total:,}{rate}" if total else f"{label}…")
        list_ready = phase == "write" or (phase == "parse" and total and done >= total)
        if self._first_index and phase in ("parse", "write"):
            self.status.set_progress(done, total)
        if list_ready and not self._list_ready_loaded:
            # The list is complete (search may still be building): show it now.
            self._list_ready_loaded = True
            self.load_list()
            self.load_counts()
        elif self._first_index and phase == "parse" and done:
            now = time.monotonic()
            if now - self._last_partial_load > 1.0:
                # First open of a big collection: usable as soon as rows exist.
                self._last_partial_load = now
                self.load_list()
                self.load_counts()
        self._update_status()

    @on(msg.Refreshed)
    def _on_refreshed(self, event: msg.Refreshed) -> None:
        report = event.report
        self.indexing = False
        self.status.hide_progress()
        if self._refresh_kind == "start" or report.skipped:
            self.index_status = Text(refreshed_text(report))
        elif report.added or report.updated or report.removed:
            self.index_status = Text(live_text(report))
        elif self.index_status.plain.startswith(tuple(PHASE_LABELS.values())):
            self.index_status = Text(refreshed_text(report))  # no leftover progress
        self._update_status()
        if report.added or report.updated or report.removed or self._first_index:
            self.load_list()
            self.load_counts()
        elif self.search is not None and self.search.pending:
            self.load_list()  # the search ran on a partial index: run it on the whole
        self._next_refresh()

    @on(msg.RefreshFailed)
    def _on_refresh_failed(self, event: msg.RefreshFailed) -> None:
        self.indexing = False
        self.status.hide_progress()
        self.index_status = Text(f"indexing failed: {event.message}", style="red")
        self._update_status()
        if self._refresh_kind == "start":
            self.notify(f"Indexing failed: {event.message}", severity="error", markup=False)
        self._next_refresh()


def _changes(report: RefreshReport, new: str, changed: str, removed: str) -> list[str]:
    """The non-zero counts of a refresh, each with its sign and ``new``/… word appended."""
    counts = (
        ("+", report.added, new),
        ("~", report.updated, changed),
        ("−", report.removed, removed),
    )
    return [f"{sign}{n:,}{word}" for sign, n, word in counts if n]


def refreshed_text(report: RefreshReport) -> str:
    """``1,204 indexed (+3 ~1 −2), 4 skipped`` after the start-up refresh or ``r``."""
    changes = _changes(report, "", "", "")
    text = f"{report.articles:,} indexed"
    if changes:
        text += " (" + " ".join(changes) + ")"
    if report.skipped:
        text += f", {len(report.skipped):,} skipped"
    return text


def live_text(report: RefreshReport) -> str:
    """``+3 new · ~1 changed · −1 removed`` after a change seen while the app runs."""
    return " · ".join(_changes(report, " new", " changed", " removed"))
