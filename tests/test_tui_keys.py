"""Binding ids, keymap from config, help screen, command palette, themes, mouse option."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from rich.console import Console
from test_tui_support import REPO, SAMPLE, make_app, screen_text, settle, small_collection
from textual.binding import Binding
from textual.command import CommandPalette
from textual.filter import Monochrome, NoColor

import reader.tui
from reader.config import Config
from reader.tui import app as app_module
from reader.tui.app import binding_sections, validate_keymap
from reader.tui.keymap import key_rows, keys_markdown
from reader.tui.screens.help import HelpScreen
from reader.tui.widgets.article_list import ArticleList


def test_every_binding_has_a_unique_id() -> None:
    seen: set[str] = set()
    for section, bindings in binding_sections():
        cls_bindings = bindings
        assert cls_bindings, section
        for binding in cls_bindings:
            assert binding.id, binding
            assert binding.id not in seen, binding.id
            seen.add(binding.id)
    # No binding of ours lacks an id: every class in reader.tui that declares BINDINGS.
    listed = {b.id for _, bindings in binding_sections() for b in bindings}
    found = 0
    for info in pkgutil.walk_packages(reader.tui.__path__, "reader.tui."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and cls.__module__ == info.name):
                continue
            if "BINDINGS" not in vars(cls):
                continue
            found += 1
            for binding in cls.BINDINGS:
                assert isinstance(binding, Binding) and binding.id, (cls, binding)
                assert binding.id in listed, (cls, binding.id)
    assert found >= 8


def test_keys_md_is_generated_from_the_bindings() -> None:
    assert (REPO / "docs" / "KEYS.md").read_text(encoding="utf-8") == keys_markdown(
        key_rows(binding_sections())
    )


def test_validate_keymap_errors_are_one_line() -> None:
    assert validate_keymap({"list.down": "x, ctrl+n"}) == {"list.down": "x,ctrl+n"}
    assert validate_keymap({"app.help": "?,f2"}) == {"app.help": "?,f2"}
    for keymap, fragment in (
        ({"list.nope": "x"}, "unknown action id 'list.nope'"),
        ({"list.down": "ctrl+"}, "malformed key 'ctrl+'"),
        ({"list.down": "hyperdrive+x"}, "malformed key 'hyperdrive+x'"),
        ({"list.down": "notakey"}, "malformed key 'notakey'"),
        ({"list.down": "x,,y"}, "malformed key ''"),
        ({"list.down": ""}, "no keys"),
    ):
        with pytest.raises(ValueError) as info:
            validate_keymap(keymap)
        message = str(info.value)
        assert fragment in message and "\n" not in message


def test_bad_config_raises_value_error_before_running() -> None:
    with pytest.raises(ValueError, match="unknown action id"):
        app_module.ReaderApp([SAMPLE], config=Config(keymap={"nope": "x"}))
    with pytest.raises(ValueError, match="unknown theme 'nope'"):
        app_module.ReaderApp([SAMPLE], config=Config(theme="nope"))


async def test_keymap_from_config_rebinds_keys(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 10)
    app = make_app(root, keymap={"list.down": "x", "article.toggle_star": "f"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        await pilot.press("x", "x")
        assert article_list.cursor == 2
        await pilot.press("j")  # no longer bound to list.down
        assert article_list.cursor == 2
        await pilot.press("f")
        await settle(pilot)
        assert article_list.cursor_row.starred  # type: ignore[union-attr]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {row.id: row.keys for row in key_rows(binding_sections(), app.keymap)}
        assert rows["list.down"] == "x"
        table = _help_text(app)
        assert "list.down" in table


def _help_text(app) -> str:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    console = Console(width=100, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(screen._table())
    return console.export_text()


async def test_help_screen_lists_every_binding() -> None:
    app = make_app(SAMPLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Keys" in text and "Everywhere" in text
        table = _help_text(app)
        for _section, bindings in binding_sections():
            for binding in bindings:
                assert binding.id in table
                assert binding.description in table
        await pilot.press("j", "pagedown")  # scrolls, stays open
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_app_commands(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 10)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.screen

        async def run_command(text: str) -> None:
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            await pilot.press(*text)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)

        await run_command("sort by title")
        assert main.sort == "title"
        article_list = main.query_one(ArticleList)
        titles = [article_list.row_at(i).title for i in range(10)]  # type: ignore[union-attr]
        assert titles == sorted(titles, key=str.casefold)
        await run_command("toggle category tree")
        assert main.has_class("-no-tree")
        await run_command("mark all read")
        assert main.counts.unread == 0
        assert not any(article_list.row_at(i).read is False for i in range(10))  # type: ignore[union-attr]
        theme = app.theme
        await run_command("toggle theme")
        assert app.theme != theme


async def test_themes_and_ansi_alias() -> None:
    app = make_app(SAMPLE, theme="ansi")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "ansi-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"
    assert app.animation_level == "none"


async def test_no_color_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(SAMPLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color
        filters = app.get_line_filters()
        assert any(isinstance(f, (Monochrome, NoColor)) for f in filters)


def test_run_app_passes_mouse_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake_run(self, **kwargs):
        calls.append(kwargs)
        return 0

    monkeypatch.setattr(app_module.ReaderApp, "run", fake_run)
    assert app_module.run_app([SAMPLE], config=Config(), mouse=False) == 0
    assert app_module.run_app([SAMPLE], config=Config()) == 0
    assert calls == [{"mouse": False}, {"mouse": True}]
