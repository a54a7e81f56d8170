"""The newsreader Textual app and :func:`run_app`, the CLI's entry point to the TUI."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType

from reader.config import Config
from reader.tui.backend import Backend
from reader.tui.commands import ReaderCommands
from reader.tui.keymap import KeyRow, Section, key_rows, known_ids, section_of
from reader.tui.keymap import validate_keymap as _validate_keymap
from reader.tui.keyrouting import KeyRouter
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.links import LinkPrompt
from reader.tui.screens.main import MainScreen
from reader.tui.screens.related import RelatedScreen
from reader.tui.uistate import load_ui_state, save_ui_state
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.category_tree import CategoryTree
from reader.tui.widgets.search_bar import SearchInput

HANG_UP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
THEMES = ("textual-dark", "textual-light", "ansi-dark")
"""Cycled by ctrl+t; ``ansi-dark`` draws with the terminal's own 16-colour palette."""
THEME_ALIASES = {
    "ansi": "ansi-dark",
    "textual-ansi": "ansi-dark",
    "dark": "textual-dark",
    "light": "textual-light",
}


class ReaderApp(App[int]):
    """Browse, search and read an offline article collection."""

    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    COMMANDS = App.COMMANDS | {ReaderCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q,ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit_now"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,
            priority=True,
            id="app.command_palette",
        ),
        Binding("r", "reindex", "Re-index", show=False, id="app.reindex"),
        Binding("ctrl+t", "cycle_theme", "Theme", show=False, id="app.theme"),
    ]

    def __init__(
        self,
        roots: Sequence[Path],
        *,
        config: Config | None = None,
        backend: Backend | None = None,
    ) -> None:
        """Validate the theme and keymap first: a bad config raises ``ValueError``."""
        super().__init__()
        self.config = config or Config()
        self.keymap = validate_keymap(self.config.keymap)
        self.ui_state = load_ui_state()
        if self.config.tree_width is not None:  # the config file wins at start; keys resize
            self.ui_state.tree_width = self.config.tree_width
        self.initial_theme = self._resolve_theme(self.config.theme)
        saved = self.ui_state.theme
        if not self.config.theme and saved in THEMES:
            self.initial_theme = saved  # chosen with ctrl+t last time; config/--theme win
        self.backend = backend or Backend(roots)
        self.animation_level = "none"
        self.key_router = KeyRouter()
        self._signals: list[int] = []

    def _resolve_theme(self, name: str | None) -> str:
        if not name:
            return "textual-dark"
        theme = THEME_ALIASES.get(name, name)
        if theme not in self.available_themes:
            names = ", ".join(sorted(["ansi", *self.available_themes]))
            raise ValueError(f"unknown theme {name!r}; choose one of: {names}")
        return theme

    def on_mount(self) -> None:
        self.theme = self.initial_theme
        if self.keymap:
            self.set_keymap(self.keymap)
        self.backend.open()
        self.push_screen(MainScreen())
        self._install_signal_handlers()

    def _install_signal_handlers(self) -> None:
        """SIGHUP (the terminal closed) and SIGTERM save the reading state, then exit."""
        loop = asyncio.get_running_loop()
        for signum in HANG_UP_SIGNALS:
            try:
                loop.add_signal_handler(signum, self.hang_up, signum)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                continue
            self._signals.append(signum)

    def hang_up(self, signum: int) -> None:
        """Save the open article's position (the marks are saved as made) and exit cleanly."""
        main = self.main
        if main is not None:
            main.save_position()
            main.stop_watching()
        self.exit(128 + signum)

    async def on_event(self, event: events.Event) -> None:
        """Hold keys until the main screen is ready; note where each key is sent."""
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self.key_router.hold(event):
                return
            if isinstance(event, events.Key):
                self.key_router.note(event, self.focused or self.screen)
        await super().on_event(event)

    def keys_ready(self) -> None:
        """The main screen has focus where keys go: replay the keys typed so far, in order."""
        if self.key_router.holding:
            self.call_later(self._release_keys)

    async def _release_keys(self) -> None:
        for event in self.key_router.release():
            await self.on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        # A key that bubbled back after an earlier key of its burst moved focus goes on to
        # the focused widget, instead of running the bindings of where focus is now.
        if self.key_router.reroute(event, self.focused):
            event.prevent_default()

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in self._signals:
            loop.remove_signal_handler(signum)
        self._signals.clear()
        self.backend.close()

    def key_rows(self) -> list[KeyRow]:
        """The key reference with the user's keymap applied (for the help screen)."""
        return key_rows(binding_sections(), self.keymap)

    @property
    def main(self) -> MainScreen | None:
        """The main screen (None before it is mounted)."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    # ----------------------------------------------------------------- actions

    def action_quit(self) -> None:  # type: ignore[override]
        main = self.main
        if main is not None:
            main.save_position()
            main.stop_watching()
        self.exit(0)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_rows()))

    def action_reindex(self) -> None:
        if self.main is not None:
            self.main.start_refresh()

    def action_cycle_theme(self) -> None:
        current = self.theme if self.theme in THEMES else THEMES[-1]
        self.theme = THEMES[(THEMES.index(current) + 1) % len(THEMES)]
        self.ui_state.theme = self.theme
        save_ui_state(self.ui_state)
        self.notify(f"Theme: {self.theme}", timeout=2, markup=False)

    def action_sort(self, sort: str) -> None:
        if self.main is not None:
            self.main.set_sort(sort)

    def action_toggle_tree(self) -> None:
        if self.main is not None:
            self.main.action_toggle_tree()

    def action_show_unread(self) -> None:
        if self.main is not None:
            self.main.action_show_unread()

    def action_search(self) -> None:
        if self.main is not None:
            self.main.action_search()

    def action_mark_all_read(self) -> None:
        if self.main is not None:
            self.main.mark_all_read()


def binding_sections() -> list[Section]:
    """Every section of the app with its bindings, in display order (the app owns this list)."""
    return [
        section_of("Everywhere", ReaderApp.BINDINGS),
        section_of("Main screen", MainScreen.BINDINGS),
        section_of("Categories", CategoryTree.BINDINGS),
        section_of("Article list", ArticleList.BINDINGS),
        section_of("Article", ArticleView.BINDINGS),
        section_of("Search", SearchInput.BINDINGS),
        section_of("Link picker", LinkPrompt.BINDINGS),
        section_of("Related articles", RelatedScreen.BINDINGS),
        section_of("Help", HelpScreen.BINDINGS),
    ]


def validate_keymap(keymap: dict[str, str]) -> dict[str, str]:
    """Check a ``[keymap]`` against the app's binding ids; ``ValueError`` when bad."""
    return _validate_keymap(keymap, known_ids(binding_sections()))


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker while ``sys.stderr`` is the real one.

    The index parses big changes in a process pool; starting the pool's helper later, from
    inside the app, fails ("bad value(s) in fds_to_keep") because Textual captures stderr
    with an object whose ``fileno()`` is -1.
    """
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except Exception:  # pragma: no cover - best effort; indexing reports its own errors
        pass


def run_app(roots: list[Path], *, config: Config, mouse: bool = True) -> int:
    """Run the TUI on ``roots``; returns the exit code. Bad keymap/theme → ``ValueError``."""
    app = ReaderApp(roots, config=config)
    _start_resource_tracker()
    result = app.run(mouse=mouse)
    if isinstance(result, int):
        return result
    return app.return_code or 0
