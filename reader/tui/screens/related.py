"""Related articles and other sources of one article; Enter opens one, Escape closes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reader.tui import messages as msg
from reader.tui.rows import format_date, one_line, source_of

if TYPE_CHECKING:
    from reader.library.index import ArticleRow
    from reader.tui.backend import Backend

RELATED_LIMIT = 10


def article_option(row: ArticleRow) -> Option:
    """One article: date, source, title (plain text, never markup)."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(format_date(row.date) or " " * 10, style="dim")
    source = source_of(row)
    if source:
        text.append("  ")
        text.append(source, style="italic")
    text.append("  ")
    text.append(one_line(row.title) or "(untitled)")
    return Option(text, id=str(row.id))


class RelatedScreen(ModalScreen[int | None]):
    """Returns the id of the chosen article, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="related.close"),
    ]

    DEFAULT_CSS = """
    RelatedScreen {
        align: center middle;
    }
    RelatedScreen > Vertical {
        width: 96%;
        max-width: 110;
        height: auto;
        max-height: 90%;
        border: round $accent;
        border-title-align: center;
        background: $surface;
        padding: 0 1;
    }
    RelatedScreen #related-title {
        height: auto;
        text-style: bold;
    }
    RelatedScreen OptionList {
        height: auto;
        max-height: 24;
        border: none;
    }
    """

    def __init__(self, article_id: int, title: str) -> None:
        super().__init__()
        self.article_id = article_id
        self.title = title
        self.loaded = False

    @property
    def backend(self) -> Backend:
        return self.app.backend  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text("Related articles")
            yield Static(Text(one_line(self.title) or "(untitled)", end=""), id="related-title")
            yield OptionList(
                Option(Text("Finding related articles…", style="italic"), disabled=True),
                id="related-list",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load(self.article_id)

    @work(thread=True, exclusive=True, group="related", description="related articles")
    def _load(self, article_id: int) -> None:
        worker = get_current_worker()
        try:
            with self.backend.worker_collection() as collection:
                duplicates = collection.duplicates_of(article_id)
                skip = {row.id for row in duplicates}
                related = collection.related(article_id, RELATED_LIMIT + len(skip))
        except Exception as exc:
            message = f"Could not find related articles: {type(exc).__name__}: {exc}"
            self.post_message(msg.RelatedLoaded(article_id, [], [], message))
            return
        related = [row for row in related if row.id not in skip][:RELATED_LIMIT]
        if not worker.is_cancelled:
            self.post_message(msg.RelatedLoaded(article_id, related, duplicates))

    @on(msg.RelatedLoaded)
    def _loaded(self, event: msg.RelatedLoaded) -> None:
        options: list[Option | None] = []
        if event.duplicates:
            count = len(event.duplicates)
            header = f"Other sources of this story ({count})"
            options.append(Option(Text(header, style="bold"), disabled=True))
            options += [article_option(row) for row in event.duplicates]
            options.append(None)
        if event.error:
            options.append(Option(Text(event.error, style="red"), disabled=True))
        elif event.related:
            options.append(Option(Text("Related articles", style="bold"), disabled=True))
            options += [article_option(row) for row in event.related]
        else:
            note = "No related articles (or the search index is still being built)."
            options.append(Option(Text(note, style="italic"), disabled=True))
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        first = next(
            (i for i, o in enumerate(option_list.options) if not o.disabled and o.id), None
        )
        option_list.highlighted = first
        self.loaded = True

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(int(event.option.id))

    def action_close(self) -> None:
        self.dismiss(None)
