"""Layering is enforced, not hoped for: the library never loads textual or rich, and the
scriptable CLI commands never load textual (start-up time)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest
from conftest import SAMPLE

import reader.library


def _loaded_after(code: str, modules: tuple[str, ...] = ("textual", "rich")) -> dict[str, bool]:
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {modules!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_library_module_is_free_of_ui_imports() -> None:
    names = [m.name for m in pkgutil.iter_modules(reader.library.__path__, "reader.library.")]
    assert {"reader.library.index", "reader.library.parse", "reader.library.convert"} <= set(names)
    loaded = _loaded_after("\n".join(f"import {name}" for name in names))
    assert loaded == {"textual": False, "rich": False}


_ARTICLE = str(next(p for p in sorted(SAMPLE.rglob("*.md"))))

# Every scriptable command, in each of its output modes: (argv, may it load rich?).
# Rich is loaded today only by the human-readable outputs: tables, hits and categories go
# through reader.cli_output (Rich, even when piped), and ``show`` renders with reader.render.
# JSON, Markdown, an empty answer and --help must not load it.
CLI_CASES: dict[str, tuple[list[str], bool]] = {
    "index --json": (["index", str(SAMPLE), "--json"], False),
    "index": (["index", str(SAMPLE)], False),
    "search --json": (["search", "长沙", str(SAMPLE), "--json"], False),
    "search": (["search", "长沙", str(SAMPLE)], True),
    "search no hits": (["search", "zzzznothing", str(SAMPLE)], False),
    "show --format json": (["show", _ARTICLE, "--format", "json"], False),
    "show --format markdown": (["show", _ARTICLE, "--format", "markdown"], False),
    "show": (["show", _ARTICLE, "--width", "60"], True),
    "list --json": (["list", str(SAMPLE), "--json"], False),
    "list": (["list", str(SAMPLE)], True),
    "categories --json": (["categories", str(SAMPLE), "--json"], False),
    "categories": (["categories", str(SAMPLE)], True),
    "--help": (["--help"], False),
    "search --help": (["search", "--help"], False),
    "--debug list --json": (["--debug", "list", str(SAMPLE), "--json"], False),
}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_cli_commands_do_not_load_textual(case: str) -> None:
    """Each command runs for real in a fresh interpreter (stdout captured, so not a
    terminal) and must succeed without importing textual, nor rich where it draws nothing."""
    argv, rich_allowed = CLI_CASES[case]
    code = (
        "import contextlib, io\nfrom reader.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        f"        code = main({argv!r})\n"
        "    except SystemExit as exc:\n"
        "        code = exc.code\n"
        "assert code == 0, code\n"
        "assert out.getvalue().strip() or " + repr(case == "search no hits") + "\n"
    )
    loaded = _loaded_after(code)
    assert loaded["textual"] is False, case
    if not rich_allowed:
        assert loaded["rich"] is False, case


def test_a_search_with_nothing_to_parse_loads_no_process_pool() -> None:
    """``multiprocessing`` and ``concurrent.futures`` cost start-up time: only a refresh that
    has files to parse loads them."""
    run = "from reader.cli import main\nimport contextlib, io\n"
    quiet = "with contextlib.redirect_stdout(io.StringIO()):\n    assert main({!r}) == 0\n"
    pool = ("multiprocessing", "concurrent.futures")
    _loaded_after(run + quiet.format(["index", str(SAMPLE), "--json"]), pool)  # now indexed
    for argv in (["search", "长沙", str(SAMPLE), "--json"], ["list", str(SAMPLE), "--json"]):
        assert _loaded_after(run + quiet.format(argv), pool) == dict.fromkeys(pool, False), argv


def test_a_search_loads_only_what_it_uses() -> None:
    """What ``newsreader search``/``list`` pay for on every call (issue #11: whole-process
    search): no ``dataclasses`` (20 ms and 1–2 ms a class), no OpenSSL through ``hashlib``,
    no ``tomllib`` without a config file, no numpy (only grouping and big folds use it)."""
    run = "from reader.cli import main\nimport contextlib, io\n"
    quiet = "with contextlib.redirect_stdout(io.StringIO()):\n    assert main({!r}) == 0\n"
    heavy = ("dataclasses", "hashlib", "tomllib", "numpy")
    _loaded_after(run + quiet.format(["index", str(SAMPLE), "--json"]), heavy)  # now indexed
    for argv in (["search", "长沙", str(SAMPLE), "--json"], ["list", str(SAMPLE), "--json"]):
        assert _loaded_after(run + quiet.format(argv), heavy) == dict.fromkeys(heavy, False), argv


def test_the_app_loads_the_article_renderer_with_the_first_article() -> None:
    """Importing the TUI (its first screen shows no article) leaves out the Markdown parser
    and the line breaker; the renderer's names still import from ``reader.render``."""
    heavy = ("markdown_it", "reader.render.linebreak", "reader.render.markdown", "wcwidth")
    assert _loaded_after("import reader.tui.app", heavy) == dict.fromkeys(heavy, False)
    after = _loaded_after("from reader.render import layout_article", heavy)
    assert after == dict.fromkeys(heavy, True)
