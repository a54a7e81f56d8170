"""Stories: hiding duplicate copies of a story (``D``) and related articles (``R``)."""

from __future__ import annotations

from dataclasses import replace

from reader.tui.screens.related import RelatedScreen
from reader.tui.session.base import ScreenBase


class StoriesMixin(ScreenBase):
    """``D`` shows each story once (its earliest copy); ``R`` lists related articles."""

    def action_hide_duplicates(self) -> None:
        self.hide_duplicates = not self.hide_duplicates
        self.filter = replace(self.filter, hide_duplicates=self.hide_duplicates)
        self.load_list(keep=True)
        self._update_titles()
        self.notify(
            "Duplicates hidden: each story once."
            if self.hide_duplicates
            else "Showing duplicates.",
            timeout=2,
        )

    def action_related(self) -> None:
        target = self._target()
        if target is None:
            return
        article_id, row = target

        def chosen(choice: int | None) -> None:
            if choice is not None:
                self.open_article(choice)

        self.app.push_screen(RelatedScreen(article_id, row.title), chosen)
