"""The search bar: a one-line Input plus the hit count (or the query's error)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from reader.library.sanitize import clean_text


class SearchInput(Input):
    """The query input; Escape leaves search."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave search", id="search.leave"),
        Binding("down", "to_results", "Results", show=False, id="search.to_results"),
    ]

    class Leave(Message):
        """Escape: clear the query and go back to the list."""

    class ToResults(Message):
        """Down arrow: move to the results without leaving search."""

    def on_mount(self) -> None:
        self.cursor_blink = False  # steady cursor: no needless animation

    def validate_value(self, value: str) -> str:
        """Pasted or programmatic text never brings control characters to the screen."""
        return clean_text(value).replace("\n", " ").replace("\t", " ")

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def action_to_results(self) -> None:
        self.post_message(self.ToResults())


class SearchBar(Horizontal):
    """``/`` focuses the input; results update as you type."""

    DEFAULT_CSS = """
    SearchBar {
        height: 1;
        dock: top;
    }
    SearchBar > #search-prompt {
        width: 3;
        color: $text-muted;
    }
    SearchBar > SearchInput {
        border: none;
        height: 1;
        padding: 0;
        width: 1fr;
        background: $surface;
    }
    SearchBar > SearchInput:focus {
        border: none;
        background: $boost;
    }
    SearchBar > #search-count {
        width: auto;
        max-width: 40%;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(" / ", id="search-prompt")
        yield SearchInput(
            placeholder='search: words, "phrases", title:, tag:, -exclude …',
            id="search-input",
            select_on_focus=False,
        )
        yield Static("", id="search-count")

    @property
    def input(self) -> SearchInput:
        return self.query_one(SearchInput)

    @property
    def value(self) -> str:
        return self.input.value

    def show_count(self, text: Text | str) -> None:
        """Show the hit count or an error (plain text, never markup)."""
        self.query_one("#search-count", Static).update(
            text if isinstance(text, Text) else Text(text)
        )
