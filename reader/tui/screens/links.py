"""The link picker: type a link number (or pick one) to open it in the browser."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


class LinkPrompt(ModalScreen[int | None]):
    """Returns the 1-based number of the chosen link, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="links.cancel"),
    ]

    DEFAULT_CSS = """
    LinkPrompt {
        align: center middle;
    }
    LinkPrompt > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 80%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    LinkPrompt Input {
        height: 3;
    }
    LinkPrompt OptionList {
        height: auto;
        max-height: 16;
    }
    """

    def __init__(self, links: tuple[str, ...], prefix: str = "") -> None:
        super().__init__()
        self.links = links
        self.prefix = prefix

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Open link (1–{len(self.links)}), Enter to open, Esc to cancel"))
            yield Input(value=self.prefix, restrict=r"[0-9]*", id="link-number")
            yield OptionList(
                *(
                    Option(Text(f"{n:>3}  {url}", no_wrap=True, overflow="ellipsis"))
                    for n, url in enumerate(self.links, 1)
                ),
                id="link-list",
            )

    def on_mount(self) -> None:
        number = self.query_one(Input)
        number.focus()
        number.cursor_position = len(number.value)
        self._highlight(number.value)

    def _highlight(self, value: str) -> None:
        if value.isdigit() and 1 <= int(value) <= len(self.links):
            self.query_one(OptionList).highlighted = int(value) - 1

    def on_input_changed(self, event: Input.Changed) -> None:
        self._highlight(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value
        if value.isdigit() and 1 <= int(value) <= len(self.links):
            self.dismiss(int(value))
        else:
            self.notify(
                f"No link {value or '?'}: choose 1–{len(self.links)}.",
                markup=False,
                severity="warning",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index + 1)

    def action_cancel(self) -> None:
        self.dismiss(None)
