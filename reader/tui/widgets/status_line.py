"""The status line: list counts and filter on the left, index progress on the right."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static


class StatusLine(Horizontal):
    """One line under the panes."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        background: $panel;
    }
    StatusLine > #status-left {
        width: 1fr;
        height: 1;
        padding: 0 1;
    }
    StatusLine > #status-right {
        width: auto;
        max-width: 50%;
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    StatusLine > ProgressBar {
        width: 16;
        height: 1;
        display: none;
    }
    StatusLine.-indexing > ProgressBar {
        display: block;
    }
    StatusLine ProgressBar Bar {
        width: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="status-left")
        yield ProgressBar(show_eta=False, show_percentage=True, id="index-progress")
        yield Static("", id="status-right")

    def set_left(self, text: Text) -> None:
        self.query_one("#status-left", Static).update(text)

    def set_right(self, text: Text | str) -> None:
        self.query_one("#status-right", Static).update(
            text if isinstance(text, Text) else Text(text)
        )

    def set_progress(self, done: int, total: int | None) -> None:
        """Show the progress bar (first indexing of a collection)."""
        self.add_class("-indexing")
        bar = self.query_one(ProgressBar)
        bar.update(total=total or None, progress=done)

    def hide_progress(self) -> None:
        self.remove_class("-indexing")
