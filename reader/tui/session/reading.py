"""Reading: opening an article, its reading position, read and star marks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.timer import Timer

from reader.tui import messages as msg
from reader.tui.session.base import ScreenBase
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView

if TYPE_CHECKING:
    from reader.library.index import ArticleRow


POSITION_SAVE_DELAY = 1.5
"""Seconds after scrolling stops before the reading position is saved (a SIGKILL loses
at most this much reading)."""


class ReadingMixin(ScreenBase):
    """Marks apply to the open article when the view has focus, else to the list's cursor."""

    _position_timer: Timer | None = None

    def watch_reading_position(self) -> None:
        """Save the position a moment after the article view stops scrolling."""
        self.watch(self.view, "scroll_y", self._view_scrolled, init=False)

    def _view_scrolled(self) -> None:
        if self.view.row is None or not self.view.lines:
            return
        if self._position_timer is not None:
            self._position_timer.stop()
        self._position_timer = self.set_timer(
            POSITION_SAVE_DELAY, self.save_position, name="save-position"
        )

    def _target(self) -> tuple[int, ArticleRow] | None:
        """The article an action applies to: the open one when the view has focus."""
        view = self.view
        if view.has_focus and view.row is not None and view.article_id is not None:
            return view.article_id, view.row
        row = self.article_list.cursor_row
        if row is None:
            return None
        return row.id, row

    def _adjust_counts(self, row: ArticleRow, *, unread: int = 0, starred: int = 0) -> None:
        """Update tree and status counts for one article's change (no index query)."""
        self.counts.adjust(row, unread=unread, starred=starred)
        self.category_tree.apply_counts(self.counts)
        self._update_status()

    @on(ArticleList.OpenRequested)
    def _open_requested(self, event: ArticleList.OpenRequested) -> None:
        self.open_article(event.article_id)

    def open_article(self, article_id: int) -> None:
        """Show an article, restore its reading position and mark it read."""
        view = self.view
        self.save_position()
        backend = self.backend
        row = self.article_list.row_at(self.article_list.cursor)
        if row is None or row.id != article_id:
            rows = backend.collection.rows([article_id])
            row = rows[0] if rows else None
        position = 0
        if row is not None:
            marked = False
            try:
                position = backend.state.get(row.key).position
                if not row.read:
                    backend.state.set_read([row.key], True)
                    marked = True
            except Exception as exc:  # the state store's own failure (disk, lock): say so
                self._show_error(f"Could not update reading state: {exc}")
            if marked:
                self.article_list.invalidate_id(article_id)
                self._adjust_counts(row, unread=-1)
        terms = self.search.terms if self.search is not None else ()
        self._set_reading(True)
        view.show_article(article_id, row, terms=terms, position=position)
        self.set_focus(view)

    def save_position(self) -> None:
        """Remember where the open article was scrolled to."""
        view = self.view
        if view.row is not None and view.lines:
            try:
                self.backend.state.set_position(view.row.key, view.position)
            except Exception as exc:
                self.log.error(f"could not save position: {exc!r}")

    def action_next_article(self) -> None:
        self._step_article(1)

    def action_previous_article(self) -> None:
        self._step_article(-1)

    def _step_article(self, step: int) -> None:
        """Open the list's next/previous article (marked read, as opening does)."""
        article_list = self.article_list
        index = article_list.cursor + step
        article_id = article_list.id_at(index) if 0 <= index < article_list.count else None
        if article_id is None:
            self.notify("No more articles." if step > 0 else "This is the first article.")
            return
        article_list.move_cursor(index)
        self.open_article(article_id)

    @on(ArticleView.Back)
    def _view_back(self) -> None:
        self.save_position()
        self._set_reading(False)
        self.set_focus(self.article_list)

    def action_toggle_read(self) -> None:
        target = self._target()
        if target is None:
            return
        article_id, row = target
        state = self.backend.state
        was_read = state.get(row.key).read
        read = state.toggle_read(row.key)
        self.article_list.invalidate_id(article_id)
        if read != was_read:
            self._adjust_counts(row, unread=-1 if read else 1)
        self.notify("Marked read." if read else "Marked unread.", timeout=2)

    def action_toggle_star(self) -> None:
        target = self._target()
        if target is None:
            return
        article_id, row = target
        state = self.backend.state
        was_starred = state.get(row.key).starred
        starred = state.toggle_starred(row.key)
        self.article_list.invalidate_id(article_id)
        if starred != was_starred:
            self._adjust_counts(row, starred=1 if starred else -1)
        self.notify("Starred." if starred else "Unstarred.", timeout=2)

    def mark_all_read(self) -> None:
        """Mark every article of the current list read (in the background)."""
        self._mark_all_read(list(self.article_list.source.ids))

    @work(thread=True, exclusive=True, group="mark-all", description="mark all read")
    def _mark_all_read(self, ids: list[int]) -> None:
        try:
            backend = self.backend
            with backend.worker_collection() as collection, backend.worker_state() as state:
                keys = []
                for start in range(0, len(ids), 500):
                    keys += [r.key for r in collection.rows(ids[start : start + 500])]
                state.set_read(keys, True)
        except Exception as exc:
            self.post_message(msg.LoadFailed(f"Could not mark read: {exc}"))
            return
        self.post_message(msg.MarkedAllRead(len(keys)))

    @on(msg.MarkedAllRead)
    def _marked_all(self, event: msg.MarkedAllRead) -> None:
        self.article_list.clear_cache()
        self.load_counts()
        self.notify(f"Marked {event.count:,} articles read.", timeout=3)
