"""The search bar: a one-line Input plus the hit count (or the query's error)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
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

    results: Widget | None = None
    """Where Enter, Escape and Down move focus at once (set by the screen), so that the
    next keys of a burst already go there."""

    def _focus_results(self) -> None:
        if self.results is not None:
            self.screen.set_focus(self.results)

    async def action_submit(self) -> None:
        await super().action_submit()
        self._focus_results()

    async def _on_key(self, event: events.Key) -> None:
        """Edit keys (backspace, ctrl+u …) apply here, in order with the typed characters.

        Textual inserts characters as the input reads them but runs the input's bindings
        only once the key has bubbled up to the app, so a burst such as ``ab⌫⌫xyz`` gave
        ``abx``. A key that arrives after focus moved on (Enter, then more keys) goes to
        the focused widget instead of into the box.
        """
        focused = self.screen.focused  # has_focus changes only when Blur is handled
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused._forward_event(events.Key(event.key, event.character))
            return
        for namespace, bindings in self.screen._modal_binding_chain:
            if namespace is not self:
                continue
            for binding in bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return

    def on_mount(self) -> None:
        self.cursor_blink = False  # steady cursor: no needless animation

    def validate_value(self, value: str) -> str:
        """Pasted or programmatic text never brings control characters to the screen."""
        return clean_text(value).replace("\n", " ").replace("\t", " ")

    def action_leave(self) -> None:
        self.post_message(self.Leave())
        self._focus_results()

    def action_to_results(self) -> None:
        self.post_message(self.ToResults())
        self._focus_results()


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
