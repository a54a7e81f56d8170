"""A virtual article list: a line-API ScrollView that reads rows from the index in pages.

No widget per row. The list holds only the ids of the current filter (from
``Collection.ids`` / ``search_ids``); rows are fetched with ``Collection.rows`` one page at a
time and kept in a small LRU cache, and rendered lines are cached per width and cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.tui.rows import row_text, snippet_text

if TYPE_CHECKING:
    from reader.library.index import ArticleRow

PAGE_SIZE = 128

RowFetcher = Callable[[Sequence[int]], list["ArticleRow"]]


@dataclass(slots=True)
class Snippet:
    """A search snippet and the character spans of its matches."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(slots=True)
class ListSource:
    """The ids shown by the list and how to fetch their rows (and, for search, snippets)."""

    ids: list[int]
    fetch: RowFetcher
    snippets: dict[int, Snippet] | None = None
    """Search mode when not None: each row gets a second line with its snippet."""
    request_snippets: Callable[[int], None] | None = None
    """Called with a page number when rows of that page have no snippet yet."""
    requested_pages: set[int] = field(default_factory=set)

    @property
    def is_search(self) -> bool:
        return self.snippets is not None


class ArticleList(ScrollView, can_focus=True):
    """The article list of the current filter or search."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "First", show=False, id="list.first"),
        Binding("G,end", "last", "Last", show=False, id="list.last"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,b", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("ctrl+d", "half_down", "Half page down", show=False, id="list.half_down"),
        Binding("ctrl+u", "half_up", "Half page up", show=False, id="list.half_up"),
        Binding("enter,l,right", "open", "Open", id="list.open"),
        Binding("h,left", "to_tree", "Categories", show=False, id="list.to_tree"),
        Binding("escape", "back", "Back", show=False, id="list.back"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--star",
        "article-list--date",
        "article-list--source",
        "article-list--dups",
        "article-list--title-unread",
        "article-list--snippet",
        "article-list--match",
        "article-list--empty",
    }

    DEFAULT_CSS = """
    ArticleList {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)
    """Painted by :meth:`watch_cursor`: the two rows whose mark changed, or all after a scroll."""

    class OpenRequested(Message):
        """The user chose an article (enter or click)."""

        def __init__(self, article_id: int, index: int) -> None:
            super().__init__()
            self.article_id = article_id
            self.index = index

    class CursorMoved(Message):
        """The cursor moved to another row."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Back(Message):
        """Escape in the list: leave search, or quit from the top."""

    class ToTree(Message):
        """h/left: move focus to the category tree."""

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._source = ListSource([], lambda ids: [])
        self._pages: LRUCache[int, dict[int, ArticleRow]] = LRUCache(64)
        self._strips: LRUCache[tuple[int, int, int, bool, bool], Strip] = LRUCache(1024)
        self._styles: dict[str, Style] | None = None
        self.empty_message = "No articles."

    # ----------------------------------------------------------------- data

    @property
    def source(self) -> ListSource:
        return self._source

    @property
    def row_height(self) -> int:
        return 2 if self._source.is_search else 1

    @property
    def count(self) -> int:
        return len(self._source.ids)

    def set_source(self, source: ListSource, *, keep_id: int | None = None) -> None:
        """Show new ids; keep the cursor on ``keep_id`` when it is still listed."""
        old_index = self.cursor
        self._source = source
        self.clear_cache()
        index = 0
        if keep_id is not None:
            try:
                index = source.ids.index(keep_id)
            except ValueError:
                index = min(old_index, max(0, len(source.ids) - 1))
        self._update_virtual_size()
        self.set_reactive(ArticleList.cursor, index)
        self._scroll_cursor_visible(center=keep_id is not None)
        self.refresh()
        self.post_message(self.CursorMoved(index))

    def clear_cache(self) -> None:
        """Forget fetched rows and rendered lines (reading marks or titles changed)."""
        self._pages.clear()
        self._strips.clear()
        self.refresh()

    def invalidate_id(self, article_id: int) -> None:
        """Re-fetch the page holding ``article_id`` on next paint."""
        for page in list(self._pages.keys()):
            rows = self._pages.get(page)
            if rows is not None and article_id in rows:
                self._pages.discard(page)
        self._strips.clear()
        self.refresh()

    def add_snippets(self, snippets: dict[int, Snippet]) -> None:
        """Merge snippets fetched in the background."""
        if self._source.snippets is not None:
            self._source.snippets.update(snippets)
            self._strips.clear()
            self.refresh()

    def id_at(self, index: int) -> int | None:
        ids = self._source.ids
        return ids[index] if 0 <= index < len(ids) else None

    @property
    def cursor_id(self) -> int | None:
        return self.id_at(self.cursor)

    def row_at(self, index: int) -> ArticleRow | None:
        """The row at ``index``, fetching its page from the index when needed."""
        ids = self._source.ids
        if not 0 <= index < len(ids):
            return None
        page = index // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None:
            chunk = ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            try:
                fetched = self._source.fetch(chunk)
            except Exception as exc:  # a broken index must not crash painting
                self.log.error(f"row fetch failed: {exc!r}")
                fetched = []
            rows = {row.id: row for row in fetched}
            self._pages[page] = rows
        return rows.get(ids[index])

    @property
    def cursor_row(self) -> ArticleRow | None:
        return self.row_at(self.cursor)

    # ----------------------------------------------------------------- rendering

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.size.width, self.count * self.row_height)

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._update_virtual_size()
        self._scroll_cursor_visible()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    def _get_styles(self) -> dict[str, Style]:
        if self._styles is None:
            get = self.get_component_rich_style
            self._styles = {
                "unread": get("article-list--unread", partial=True),
                "star": get("article-list--star", partial=True),
                "date": get("article-list--date", partial=True),
                "source": get("article-list--source", partial=True),
                "dups": get("article-list--dups", partial=True),
                "title_unread": get("article-list--title-unread", partial=True),
                "title": Style(),
                "snippet": get("article-list--snippet", partial=True),
                "match": get("article-list--match", partial=True),
                "cursor": get("article-list--cursor"),
                "empty": get("article-list--empty", partial=True),
            }
        return self._styles

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        line = y + int(self.scroll_offset.y)
        height = self.row_height
        index, part = divmod(line, height)
        if self.count == 0:
            if y == 0:
                styles = self._get_styles()
                text = Text(self.empty_message, style=styles["empty"], end="")
                text.truncate(width, pad=True)
                return Strip(list(text.render(self.app.console)), width).apply_style(base)
            return Strip.blank(width, base)
        if index >= self.count:
            return Strip.blank(width, base)
        is_cursor = index == self.cursor
        key = (index, part, width, is_cursor, self.has_focus)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        strip = self._render_row_line(index, part, width, is_cursor, base)
        self._strips[key] = strip
        return strip

    def _render_row_line(
        self, index: int, part: int, width: int, is_cursor: bool, base: Style
    ) -> Strip:
        styles = self._get_styles()
        row = self.row_at(index)
        if part == 0:
            if row is None:
                text = Text("   …", end="")
                text.truncate(width, pad=True)
            else:
                text = row_text(row, width, styles)
        else:
            text = self._snippet_line(index, width, styles)
        style = base + styles["cursor"] if is_cursor else base
        segments = list(text.render(self.app.console))
        return Strip(segments, width).apply_style(style).simplify()

    def _snippet_line(self, index: int, width: int, styles: dict[str, Style]) -> Text:
        source = self._source
        article_id = source.ids[index]
        snippet = (source.snippets or {}).get(article_id)
        if snippet is None:
            page = index // PAGE_SIZE
            if source.request_snippets and page not in source.requested_pages:
                source.requested_pages.add(page)
                self.call_later(source.request_snippets, page)  # not while painting
            text = Text("", end="")
            text.truncate(width, pad=True)
            return text
        return snippet_text(snippet.text, snippet.highlights, width, styles)

    # ----------------------------------------------------------------- cursor

    def watch_cursor(self, old: int, new: int) -> None:
        scrolled_from = self.scroll_offset.y
        self._scroll_cursor_visible()
        if old != new and self.scroll_offset.y == scrolled_from:
            # Only the two rows whose cursor mark changed need painting again.
            height = self.row_height
            self.refresh_lines(old * height, height)
            self.refresh_lines(new * height, height)
        else:
            self.refresh()
        if old != new:
            self.post_message(self.CursorMoved(new))

    def move_cursor(self, index: int) -> None:
        """Move the cursor, clamped to the list."""
        if self.count == 0:
            return
        self.cursor = max(0, min(index, self.count - 1))

    def _scroll_cursor_visible(self, *, center: bool = False) -> None:
        height = self.scrollable_content_region.height
        if height <= 0 or self.count == 0:
            return
        top = self.cursor * self.row_height
        bottom = top + self.row_height
        scroll_y = int(self.scroll_offset.y)
        if center and not (scroll_y <= top and bottom <= scroll_y + height):
            target = max(0, top - height // 2)
        elif top < scroll_y:
            target = top
        elif bottom > scroll_y + height:
            target = bottom - height
        else:
            return
        self.scroll_to(y=target, animate=False, force=True, immediate=True)

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // self.row_height)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.count - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self._page_rows)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self._page_rows)

    def action_half_down(self) -> None:
        self.move_cursor(self.cursor + max(1, self._page_rows // 2))

    def action_half_up(self) -> None:
        self.move_cursor(self.cursor - max(1, self._page_rows // 2))

    def action_open(self) -> None:
        article_id = self.cursor_id
        if article_id is not None:
            self.post_message(self.OpenRequested(article_id, self.cursor))

    def action_back(self) -> None:
        self.post_message(self.Back())

    def action_to_tree(self) -> None:
        self.post_message(self.ToTree())

    # ----------------------------------------------------------------- mouse

    def on_click(self, event: events.Click) -> None:
        """A click selects the row under the pointer and opens it."""
        offset = event.get_content_offset(self)
        if offset is None or self.count == 0:
            return
        index = (offset.y + int(self.scroll_offset.y)) // self.row_height
        if 0 <= index < self.count:
            event.stop()
            self.focus()
            self.cursor = index
            self.action_open()
