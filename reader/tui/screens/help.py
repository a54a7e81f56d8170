"""The help screen: every binding with its keys and id (rows built by the app)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.tui.keymap import KeyRow


class HelpScreen(ModalScreen[None]):
    """Lists the key rows it is given (every binding, the user's keymap applied)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("down,j", "scroll_down", "Down", show=False, id="help.down"),
        Binding("up,k", "scroll_up", "Up", show=False, id="help.up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="help.page_down"),
        Binding("pageup,b", "page_up", "Page up", show=False, id="help.page_up"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > Vertical {
        width: 96%;
        max-width: 100;
        height: 90%;
        border: round $accent;
        border-title-align: center;
        background: $surface;
    }
    HelpScreen VerticalScroll {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    HelpScreen #help-hint {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, rows: Sequence[KeyRow]) -> None:
        super().__init__()
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text("Keys")
            with VerticalScroll(id="help-scroll"):
                yield Static(self._table(), id="help-table")
            yield Static(
                Text("Esc/q/? close · ctrl+p commands · remap keys by id in config.toml [keymap]"),
                id="help-hint",
            )

    def _table(self) -> Table:
        table = Table(box=None, expand=True, show_header=True, padding=(0, 1), header_style="bold")
        table.add_column("Keys", no_wrap=True)
        table.add_column("Action", ratio=1)
        table.add_column("Id", style="dim", no_wrap=True)
        section = None
        for row in self.rows:
            if row.section != section:
                if section is not None:
                    table.add_row("", "", "")
                section = row.section
                table.add_row(Text(section, style="bold underline"), "", "")
            table.add_row(Text(row.keys), Text(row.description), Text(row.id))
        return table

    def _scroll(self) -> VerticalScroll:
        return self.query_one("#help-scroll", VerticalScroll)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self._scroll().scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self._scroll().scroll_up(animate=False)

    def action_page_down(self) -> None:
        self._scroll().scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self._scroll().scroll_page_up(animate=False)
