"""Status: the list's border titles, the status line and error notices."""

from __future__ import annotations

from rich.text import Text

from reader.tui.session.base import ScreenBase


class StatusMixin(ScreenBase):
    """What the list shows and how many; index progress on the right."""

    def _show_error(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.status.set_right(Text(message, style="red"))

    def _update_titles(self) -> None:
        article_list = self.article_list
        if self.search is not None:
            title = Text("Search: ")
            title.append(self.search.query)
        else:
            title = Text(self.filter.label)
        title.append(f" · {article_list.count:,}")
        article_list.border_title = title
        sort = self.search_sort if self.search is not None else self.sort
        article_list.border_subtitle = Text(f"sort: {sort}")
        self._update_status()

    def _update_status(self) -> None:
        counts = self.counts
        left = Text(f"{self.article_list.count:,} shown · {counts.total:,} articles · ")
        left.append(f"{counts.unread:,} unread", style="bold" if counts.unread else "")
        left.append(f" · {counts.starred:,} starred")
        if self.hide_duplicates:
            left.append(" · duplicates hidden", style="italic")
        self.status.set_left(left)
        self.status.set_right(self.index_status)
