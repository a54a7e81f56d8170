"""Refresh progress for the CLI: a bar on stderr, only on a terminal and only after 0.5 s."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.library.model import Progress


def progress_printer() -> LateProgress | None:
    """Refresh progress on stderr when it is a terminal (after half a second), else None."""
    if not sys.stderr.isatty():
        return None

    def bar() -> Callable[[Progress], None]:
        from reader.cli_output import ProgressBar

        return ProgressBar()

    return LateProgress(bar)


class LateProgress:
    """A refresh progress callback that stays silent for the first ``delay`` seconds.

    A quick refresh draws nothing; a longer one starts the bar made by ``make_bar`` at the
    first callback after the delay, or from a timer when the refresh reports nothing for a
    while (so a long silent step still shows). Rich is imported only then.
    """

    def __init__(
        self,
        make_bar: Callable[[], Callable[[Progress], None]],
        *,
        delay: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        timer: bool = True,
    ) -> None:
        self._make_bar = make_bar
        self._delay = delay
        self._clock = clock
        self._started = clock()
        self._lock = threading.Lock()
        self._bar: Callable[[Progress], None] | None = None
        self._latest: Progress | None = None
        self._closed = False
        self._timer = threading.Timer(delay, self._late) if timer else None
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    @property
    def shown(self) -> bool:
        """True once the bar has been drawn."""
        return self._bar is not None

    def __call__(self, progress: Progress) -> None:
        with self._lock:
            self._latest = progress
            if self._closed:
                return
            if self._bar is None and self._clock() - self._started >= self._delay:
                if progress.phase == "done":
                    return
                self._bar = self._make_bar()
            if self._bar is not None:
                self._bar(progress)
                if progress.phase == "done":
                    self._finish()

    def _late(self) -> None:
        from reader.library.model import Progress

        with self._lock:
            if self._closed or self._bar is not None:
                return
            latest = self._latest or Progress("scan", 0, 0, "refreshing the index")
            if latest.phase == "done":
                return
            self._bar = self._make_bar()
            self._bar(latest)

    def _finish(self) -> None:
        from reader.library.model import Progress

        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        if self._bar is not None and (self._latest is None or self._latest.phase != "done"):
            self._bar(Progress("done", 0, 0))

    def close(self) -> None:
        """Stop the timer and take the bar down (also when the refresh failed)."""
        with self._lock:
            if not self._closed:
                self._finish()
