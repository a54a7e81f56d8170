"""Command palette (ctrl+p) commands of the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from reader.tui.app import ReaderApp


def app_commands(app: ReaderApp) -> list[tuple[str, Callable[[], object], str]]:
    """(name, callback, help) of every palette command."""
    return [
        (
            "Re-index the collection",
            app.action_reindex,
            "Scan the folders for new or changed files",
        ),
        ("Mark all read", app.action_mark_all_read, "Mark every article of the current list read"),
        ("Toggle theme", app.action_cycle_theme, "Cycle dark, light and terminal (ANSI) themes"),
        ("Sort by date", lambda: app.action_sort("date"), "Newest first"),
        ("Sort by title", lambda: app.action_sort("title"), "A → Z"),
        ("Sort by relevance", lambda: app.action_sort("relevance"), "Search results only"),
        ("Toggle category tree", app.action_toggle_tree, "Show or hide the category pane"),
        ("Show unread articles", app.action_show_unread, "Filter the list to unread articles"),
        ("Search", app.action_search, "Focus the search bar"),
        ("Keys (help)", app.action_help, "Every key binding and its id"),
        ("Quit", app.action_quit, "Leave newsreader"),
    ]


class ReaderCommands(Provider):
    """newsreader's own commands."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        return app_commands(self.app)  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
