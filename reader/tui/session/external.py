"""External programs: $EDITOR, $PAGER, the browser (URLs), the clipboard, the link picker."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import SuspendNotSupported

from reader.tui.screens.links import LinkPrompt
from reader.tui.session.base import ScreenBase
from reader.tui.widgets.article_view import ArticleView


class ExternalMixin(ScreenBase):
    """``o``, ``y``, ``e``, ``p`` and the link picker (``L``, digits)."""

    def _url_of(self) -> str | None:
        target = self._target()
        if target is None:
            return None
        url = target[1].url
        if not url and self.view.article is not None and self.view.article_id == target[0]:
            url = self.view.article.url
        if not url:
            self.notify("This article has no source URL.", severity="warning")
        return url or None

    def _open_url(self, url: str) -> None:
        self.app.open_url(url)
        self.notify(Text.assemble("Opening ", url).plain, markup=False, timeout=4)

    def action_open_source(self) -> None:
        url = self._url_of()
        if url:
            self._open_url(url)

    def action_copy_url(self) -> None:
        url = self._url_of()
        if url:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", markup=False, timeout=6)

    @on(ArticleView.LinkRequested)
    def _link_requested(self, event: ArticleView.LinkRequested) -> None:
        article = self.view.article
        if article is None or not article.links:
            self.notify("This article has no links.")
            return
        links = article.links

        def chosen(number: int | None) -> None:
            if number is not None and 1 <= number <= len(links):
                self._open_url(links[number - 1])

        self.app.push_screen(LinkPrompt(links, event.prefix), chosen)

    def _run_suspended(self, action: Callable[[], object]) -> None:
        try:
            with self.app.suspend():
                action()
        except SuspendNotSupported:
            self.notify("Cannot suspend the app here (e.g. in a browser).", severity="warning")
        except OSError as exc:
            self.notify(f"Could not run the program: {exc}", severity="error", markup=False)

    def action_edit(self) -> None:
        target = self._target()
        if target is None:
            return
        path = target[1].path
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        self._run_suspended(lambda: subprocess.call([*shlex.split(editor), str(path)]))
        if not self.indexing:
            self.start_refresh()  # pick up the edit

    def action_pager(self) -> None:
        target = self._target()
        if target is None:
            return
        article_id, _row = target
        view = self.view
        if view.article_id == article_id and view.lines:
            text = "\n".join(line.plain.rstrip() for line in view.lines) + "\n"
        else:
            from reader.render import article_to_plain

            try:
                article = self.backend.collection.article(article_id)
                text = article_to_plain(article, 80)
            except Exception as exc:
                self._show_error(f"Could not read the article: {exc}")
                return
        pager = os.environ.get("PAGER") or "less"
        self._run_suspended(
            lambda: subprocess.run(shlex.split(pager), input=text.encode("utf-8"), check=False)
        )
