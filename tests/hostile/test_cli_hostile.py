"""The CLI on the hostile collection: no traceback, exit 0, no control bytes in any output.

Every command runs in a child process with the audit-hook guard (network blocked, special
files never opened, nothing written in the collection), piped and under a pseudo-terminal
(Rich's table path). Article text must never put ESC, BEL, BS, CR or C1 bytes on the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import (
    KNOWN_BROKEN,
    Guard,
    Hostile,
    assert_clean_bytes,
    assert_clean_terminal_bytes,
    assert_no_traceback,
    build_hostile,
    make_guard,
    run_cli,
    run_cli_pty,
    unlock_tree,
    xdg_env,
)
from .generate import MARKUP_PAYLOADS, UNREADABLE, make_hostile_collection

SHOW_CASES = [
    "inject/markup-title.md",
    "inject/escape-title.md",
    "inject/escape-toml.md",
    "inject/escape-raw-yaml.md",
    "inject/escape-html.html",
    "html/entity-escapes.html",
    "html/scripts.html",
    "text/emoji-rtl.md",
    "text/control-soup.md",
    "text/no-fm-heading.md",
    "names/esc-\x1b[2J-\x07-\x1b]0;pwned\x07-\x9b1m.md",
    "names/new\nline\ttab.md",
    "names/-rf --help.md",
    "fm/alias-bomb.md",
    "fm/huge-title.md",
    "html/nested-divs.html",
]
SEARCHES = ["clear", "[b]x[/i]", "\x1b[2J", '"unbalanced', "title:", "网络诚信", "*", "OR"]


def _indexed_count(hostile: Hostile) -> int:
    # Here nothing deletes vanish/vanishing.md mid-scan, so it is indexed like any article.
    return sum(1 for o in hostile.expected.values() if o == "indexed") + 1


@dataclass
class Setup:
    hostile: Hostile
    guard: Guard
    env: dict[str, str]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    tmp = tmp_path_factory.mktemp("cli-hostile")
    hostile = build_hostile(tmp / "hostile")
    guard = make_guard(
        tmp / "guard",
        forbid=hostile.not_files(),
        deny=[hostile.path(UNREADABLE)],
        readonly=[hostile.root],
    )
    env = xdg_env(tmp / "xdg", guard.env)
    yield Setup(hostile, guard, env)
    unlock_tree(hostile.root)


@pytest.fixture(scope="module")
def indexed(setup: Setup) -> Setup:
    result = run_cli(["index", "--json", setup.hostile.root], env=setup.env)
    assert_no_traceback(result.stderr, "index")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert_clean_bytes(result.stdout, "index --json stdout")
    summary = json.loads(result.stdout)
    assert summary["articles"] == _indexed_count(setup.hostile)
    return setup


# stderr of every command carries the "skipped PATH: reason" lines of the refresh; they are
# checked once here (for index, and list which refreshes too) rather than in every test.
def test_index_human_output_is_clean(indexed: Setup) -> None:
    result = run_cli(["index", indexed.hostile.root], env=indexed.env)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result.stderr, "index")
    assert_clean_bytes(result.stdout, "index stdout")
    # Skipped files are reported on stderr, one line each, paths included: a file named
    # "bin-ESC]0;pwned BEL.md" must not set the terminal title.
    assert_clean_bytes(result.stderr, "index stderr")
    assert b"skipped" in result.stderr
    result = run_cli(["list", indexed.hostile.root], env=indexed.env)
    assert_clean_bytes(result.stderr, "list stderr")


@pytest.mark.parametrize(
    ("command", "json_flag"),
    [
        pytest.param("list", True, id="list-json"),
        pytest.param("list", False, id="list-human"),
        pytest.param("categories", True, id="categories-json"),
        pytest.param("categories", False, id="categories-human"),
    ],
)
def test_list_and_categories_piped(indexed: Setup, command: str, json_flag: bool) -> None:
    args = [command, indexed.hostile.root] + (["--json"] if json_flag else [])
    if command == "list":
        args += ["--limit", "0"]
    result = run_cli(args, env=indexed.env)
    assert_no_traceback(result.stderr, command)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert_clean_bytes(result.stdout, f"{command} stdout")
    if json_flag:
        data = json.loads(result.stdout)
        if command == "list":
            titles = [row["title"] for row in data]
            assert any(all(p in t for p in MARKUP_PAYLOADS) for t in titles), titles
    elif command == "list":
        text = result.stdout.decode()
        lines = text.splitlines()
        indexed_count = _indexed_count(indexed.hostile)
        # One line per article: a newline or tab in a file name must not break the format.
        assert len(lines) == indexed_count, text
        assert all(len(line.split("\t")) == 4 for line in lines), text
        assert all(p in text for p in MARKUP_PAYLOADS)


@pytest.mark.parametrize("query", SEARCHES)
@pytest.mark.parametrize("json_flag", [True, False], ids=["json", "human"])
def test_search_piped(
    indexed: Setup, query: str, json_flag: bool, request: pytest.FixtureRequest
) -> None:
    args = ["search", query, indexed.hostile.root] + (["--json"] if json_flag else [])
    result = run_cli(args, env=indexed.env)
    assert_no_traceback(result.stderr, f"search {query!r}")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Search failed" not in result.stderr, result.stderr.decode(errors="replace")
    assert_clean_bytes(result.stdout, f"search {query!r} stdout")
    if json_flag:
        json.loads(result.stdout)


@pytest.mark.parametrize(
    "args",
    [["list", "--limit", "0"], ["categories"], ["search", "clear"], ["search", "[b]x[/i]"]],
    ids=["list", "categories", "search-clear", "search-markup"],
)
def test_rich_terminal_output(indexed: Setup, args: list[str]) -> None:
    code, out, err = run_cli_pty([*args, indexed.hostile.root], env=indexed.env)
    assert code == 0, err.decode(errors="replace")
    assert_no_traceback(out + err, str(args))
    assert_clean_terminal_bytes(out, f"{args} on a terminal")
    assert out.strip(), "nothing printed"


@pytest.mark.parametrize("name", SHOW_CASES, ids=lambda n: n.encode("unicode_escape").decode())
def test_show_every_format(indexed: Setup, name: str, request: pytest.FixtureRequest) -> None:
    path = indexed.hostile.path(name)
    for fmt in ("text", "markdown", "json"):
        result = run_cli(["show", path, "--format", fmt, "--width", "60"], env=indexed.env)
        what = f"show {name!r} --format {fmt}"
        assert_no_traceback(result.stderr, what)
        assert result.returncode == 0, (what, result.stderr.decode(errors="replace"))
        assert_clean_bytes(result.stdout, what)
        if fmt == "json":
            json.loads(result.stdout)
    code, out, err = run_cli_pty(["show", path], env=indexed.env)
    assert code == 0, err
    assert_clean_terminal_bytes(out, f"show {name!r} on a terminal")


def test_show_markup_title_literally(indexed: Setup) -> None:
    result = run_cli(["show", indexed.hostile.path("inject/markup-title.md")], env=indexed.env)
    text = " ".join(result.stdout.decode().split())  # undo the wrapping at 80 columns
    for payload in MARKUP_PAYLOADS:
        assert payload in text, text[:500]


@pytest.mark.parametrize(
    "name",
    ["binary/image.md", "names/bin-\x1b]0;pwned\x07.md", "big/too-large.md", UNREADABLE],
    ids=["binary", "binary-escape-name", "too-large", "unreadable"],
)
def test_show_unusable_file_one_clean_line(
    indexed: Setup, name: str, request: pytest.FixtureRequest
) -> None:
    result = run_cli(["show", indexed.hostile.path(name)], env=indexed.env)
    assert result.returncode == 1, result
    assert_no_traceback(result.stderr, name)
    assert_clean_bytes(result.stderr, f"show {name!r} stderr")
    assert result.stderr.count(b"\n") == 1, result.stderr
    assert result.stdout == b""


@pytest.mark.parametrize("name", ["special/fifo.md", "special/dev-zero.md", "links/self-loop.md"])
def test_show_special_file_refused(indexed: Setup, name: str) -> None:
    result = run_cli(["show", indexed.hostile.path(name)], env=indexed.env)
    assert result.returncode in (1, 2), result
    assert_no_traceback(result.stderr, name)
    assert_clean_bytes(result.stderr, name)
    assert result.stderr.count(b"\n") == 1, result.stderr


def test_guard_saw_no_violation(indexed: Setup) -> None:
    """Runs last in this module: nothing above opened a special file, wrote, or networked."""
    assert indexed.guard.violations() == []


def test_non_utf8_file_names_in_cli_output(tmp_path: Path) -> None:
    root = tmp_path / "names"
    make_hostile_collection(root, only=KNOWN_BROKEN[:2])
    env = xdg_env(tmp_path / "xdg")
    for args in (["list", root], ["list", root, "--json"], ["search", "name", root]):
        result = run_cli(args, env=env)
        assert_no_traceback(result.stderr, str(args))
        assert result.returncode == 0, (args, result.stderr.decode(errors="replace"))
        assert_clean_bytes(result.stdout, str(args))
        assert result.stdout.count(b"name") >= 2, (args, result.stdout)
