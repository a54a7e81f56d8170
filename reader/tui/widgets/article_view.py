"""The article view: a line-API ScrollView over pre-laid-out rich Text lines.

The article is fetched from the index and laid out (``reader.render.layout_article``) at the
pane width in a thread worker, so a 1 MB article never blocks input; a resize lays it out
again in the background and keeps the reading position proportionally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from reader.tui.widgets.article_palette import Palette, recolour, theme_palette

if TYPE_CHECKING:
    from reader.library.index import ArticleRow
    from reader.library.model import Article
    from reader.tui.backend import Backend


class ArticleView(ScrollView, can_focus=True):
    """Shows one article: header, body and numbered link list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "line_down", "Down", show=False, id="view.down"),
        Binding("up,k", "line_up", "Up", show=False, id="view.up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="view.page_down"),
        Binding("pageup,b", "page_up", "Page up", show=False, id="view.page_up"),
        Binding("ctrl+d", "half_down", "Half page down", show=False, id="view.half_down"),
        Binding("ctrl+u", "half_up", "Half page up", show=False, id="view.half_up"),
        Binding("g,home", "top", "Top", show=False, id="view.top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="view.bottom"),
        Binding("n", "next_match", "Next match", id="view.next_match"),
        Binding("N", "previous_match", "Prev match", id="view.previous_match"),
        Binding("L", "links", "Links", id="view.links"),
        Binding(
            "1,2,3,4,5,6,7,8,9",
            "link_digit",
            "Open link N",
            show=False,
            id="view.link_number",
        ),
        Binding("q,escape,h,left", "back", "Back", key_display="q", id="view.back"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"article-view--message", "article-view--error"}

    DEFAULT_CSS = """
    ArticleView {
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    class Back(Message):
        """Leave the article (back to the list)."""

    class LinkRequested(Message):
        """Open the link picker, optionally pre-filled with a number."""

        def __init__(self, prefix: str = "") -> None:
            super().__init__()
            self.prefix = prefix

    class Loaded(Message):
        """An article finished laying out (first time only, not on resize)."""

        def __init__(self, article_id: int) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.article_id: int | None = None
        self.row: ArticleRow | None = None
        self.article: Article | None = None
        self.terms: tuple[str, ...] = ()
        self.lines: list[Text] = []
        self.matches: list[int] = []
        self.match_index = -1
        self.laying_out = False
        self._laid_width = 0
        self._generation = 0
        self._restore_line = 0
        self._first_layout = True
        self._message: Text | None = Text("Choose an article to read.", end="")
        self._strips: LRUCache[tuple[int, int], Strip] = LRUCache(512)
        self._palette: Palette = {}
        self._palette_for: str | None = None  # the theme ``_palette`` was built for
        self._digit = ""

    @property
    def backend(self) -> Backend:
        return self.app.backend  # type: ignore[attr-defined]

    # ----------------------------------------------------------------- opening

    def show_article(
        self,
        article_id: int,
        row: ArticleRow | None,
        *,
        terms: tuple[str, ...] = (),
        position: int = 0,
    ) -> None:
        """Fetch and lay out ``article_id`` in the background; restore ``position``."""
        self.article_id = article_id
        self.row = row
        self.article = None
        self.terms = terms
        self.lines = []
        self.matches = []
        self.match_index = -1
        self._restore_line = max(0, position)
        self.refresh_bindings()
        self._first_layout = True
        self._laid_width = 0
        title = Text("Loading ", end="")
        title.append(row.title if row else f"article {article_id}")
        title.append(" …")
        self._message = title
        self.border_subtitle = None
        self._after_change()
        self.scroll_to(y=0, animate=False, force=True)
        if self.region.width > 0 and self.content_width > 0:
            self._start_layout()  # already on screen: its width is known
        else:
            self.call_after_refresh(self._start_layout)  # shown by this change: measure first

    def clear(self, message: str = "Choose an article to read.") -> None:
        """Show no article."""
        self._generation += 1
        self.article_id = None
        self.row = None
        self.article = None
        self.lines = []
        self.matches = []
        self._message = Text(message, end="")
        self.border_subtitle = None
        self._after_change()

    @property
    def position(self) -> int:
        """The first visible line (saved as the reading position)."""
        return int(self.scroll_offset.y)

    @property
    def content_width(self) -> int:
        return self.scrollable_content_region.width

    def _start_layout(self) -> None:
        width = self.content_width
        if self.article_id is None or width <= 0:
            return
        self._generation += 1
        self._laid_width = width
        self.laying_out = True
        generation = self._generation
        article_id = self.article_id
        article = self.article
        terms = self.terms
        self.run_worker(
            lambda: self._layout_job(generation, article_id, article, width, terms),
            thread=True,
            exclusive=True,
            group="article-layout",
            description="lay out article",
        )

    def _layout_job(
        self,
        generation: int,
        article_id: int,
        article: Article | None,
        width: int,
        terms: tuple[str, ...],
    ) -> None:
        """Thread worker: fetch (first time) and lay out the article."""
        from reader.render import find_matches, layout_article

        worker = get_current_worker()
        error: str | None = None
        lines: list[Text] = []
        try:
            if article is None:
                with self.backend.worker_collection() as collection:
                    article = collection.article(article_id)
            lines = layout_article(article, width, highlight=terms)
        except Exception as exc:
            error = f"Could not show this article: {type(exc).__name__}: {exc}"
        if worker.is_cancelled:
            return
        matches = find_matches(lines, terms) if lines and terms else []
        self.app.call_from_thread(self._set_lines, generation, article, lines, matches, error)

    def _set_lines(
        self,
        generation: int,
        article: Article | None,
        lines: list[Text],
        matches: list[int],
        error: str | None,
    ) -> None:
        if generation != self._generation:
            return
        self.laying_out = False
        old_len = max(1, len(self.lines))
        old_y = self.position
        self.article = article
        if error is not None:
            self.lines = []
            self._message = Text(error, end="")
            self._message.stylize(self.get_component_rich_style("article-view--error"))
        else:
            self.lines = lines
            self._message = None if lines else Text("(empty article)", end="")
        self.matches = matches
        self._after_change()
        if self._first_layout:
            self._first_layout = False
            target = min(self._restore_line, max(0, len(self.lines) - 1))
            self.scroll_to(y=target, animate=False, force=True)
            if self.article_id is not None:
                self.post_message(self.Loaded(self.article_id))
        else:
            target = round(old_y * len(self.lines) / old_len)
            self.scroll_to(y=target, animate=False, force=True)
        self._update_subtitle()

    def _after_change(self) -> None:
        self._strips.clear()
        height = len(self.lines) if self.lines else 1
        self.virtual_size = Size(self.content_width, height)
        self.refresh()

    # ----------------------------------------------------------------- rendering

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        if self.article_id is not None and self.content_width != self._laid_width:
            self._start_layout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def _theme_palette(self) -> Palette:
        """The current theme's colours for the renderer's styles (rebuilt on a theme switch)."""
        theme = self.app.theme
        if self._palette_for != theme:
            ansi = self.app.current_theme.ansi or theme.startswith("ansi")
            self._palette = theme_palette(self.app.get_css_variables(), ansi=ansi)
            self._palette_for = theme
            self._strips.clear()
        return self._palette

    def render_line(self, y: int) -> Strip:
        width = self.content_width
        base = self.rich_style
        index = y + int(self.scroll_offset.y)
        if not self.lines:
            message_lines = self._message_lines(width)
            if y < len(message_lines):
                text = message_lines[y]
                text.truncate(width, pad=True)
                return Strip(list(text.render(self.app.console)), width).apply_style(base)
            return Strip.blank(width, base)
        if index >= len(self.lines):
            return Strip.blank(width, base)
        palette = self._theme_palette()  # first: a theme switch drops the cached strips
        key = (index, width)
        strip = self._strips.get(key)
        if strip is None:
            from reader.render.styles import line_segments  # loaded with the article already

            line = self.lines[index].copy()
            line.end = ""
            line.no_wrap = True
            segments = line_segments(recolour(line, palette), self.app.console)
            strip = (
                Strip(segments).adjust_cell_length(width).apply_style(base or Style()).simplify()
            )
            self._strips[key] = strip
        return strip

    def _message_lines(self, width: int) -> list[Text]:
        """The placeholder or error message, wrapped to ``width``."""
        if self._message is None or width <= 0:
            return []
        text = self._message.copy()
        text.stylize(self.get_component_rich_style("article-view--message", partial=True), 0)
        text.end = ""
        return list(text.wrap(self.app.console, width))

    # ----------------------------------------------------------------- actions

    def _scroll(self, delta: int) -> None:
        self.scroll_to(y=self.position + delta, animate=False)

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_line_down(self) -> None:
        self._scroll(1)

    def action_line_up(self) -> None:
        self._scroll(-1)

    def action_page_down(self) -> None:
        self._scroll(self._page)

    def action_page_up(self) -> None:
        self._scroll(-self._page)

    def action_half_down(self) -> None:
        self._scroll(max(1, self._page // 2))

    def action_half_up(self) -> None:
        self._scroll(-max(1, self._page // 2))

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_bottom(self) -> None:
        self.scroll_to(y=max(0, len(self.lines) - 1), animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show n/N in the footer only when there are search terms."""
        if action in ("next_match", "previous_match"):
            return bool(self.terms)
        return True

    def action_next_match(self) -> None:
        self._goto_match(forward=True)

    def action_previous_match(self) -> None:
        self._goto_match(forward=False)

    def _goto_match(self, *, forward: bool) -> None:
        if not self.matches:
            self.notify("No matches in this article." if self.terms else "No search terms.")
            return
        if self.match_index < 0:
            top = self.position
            following = [i for i, m in enumerate(self.matches) if m >= top]
            index = following[0] if forward and following else (0 if forward else -1)
            if not forward:
                before = [i for i, m in enumerate(self.matches) if m < top]
                index = before[-1] if before else len(self.matches) - 1
        else:
            step = 1 if forward else -1
            index = (self.match_index + step) % len(self.matches)
        self.match_index = index
        self.scroll_to(y=max(0, self.matches[index] - 2), animate=False, force=True)
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        if self.terms and self.lines:
            if self.matches:
                current = self.match_index + 1 if self.match_index >= 0 else 0
                self.border_subtitle = Text(f"match {current}/{len(self.matches)} · n/N")
            else:
                self.border_subtitle = Text("no matches")
        else:
            self.border_subtitle = None

    def action_links(self) -> None:
        self.post_message(self.LinkRequested())

    def action_link_digit(self) -> None:
        """Digits open the link picker pre-filled with the digit typed."""
        # on_key runs before bindings are checked, so it has recorded the digit typed.
        self.post_message(self.LinkRequested(self._digit))
        self._digit = ""

    def on_key(self, event: events.Key) -> None:
        character = event.character or ""
        self._digit = character if character.isdigit() else ""

    def action_back(self) -> None:
        self.post_message(self.Back())
