"""Clear errors: bad command-line use, unreadable paths, malformed config and unknown keymap
entries give a message naming the problem (and the file), exit code 1 or 2, no traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import (
    assert_clean_bytes,
    assert_no_traceback,
    run_cli,
    xdg_env,
)


def _collection(root: Path) -> Path:
    root.mkdir()
    (root / "a.md").write_text("---\ntitle: A\n---\n\nbody\n")
    return root


def _message(result: subprocess.CompletedProcess[bytes]) -> str:
    assert_no_traceback(result.stderr, "stderr")
    assert_clean_bytes(result.stderr, "stderr")
    lines = result.stderr.decode().strip().splitlines()
    assert lines, "no message"
    return lines[-1]


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["list", "--limit", "-1"], "--limit"),
        (["search"], "query"),
        (["show", "--width", "0", "x.md"], "--width"),
        (["list", "--sort", "nonsense"], "--sort"),
        (["frobnicate-no-such-path"], "frobnicate-no-such-path"),
    ],
)
def test_bad_usage(tmp_path: Path, args: list[str], word: str) -> None:
    result = run_cli(args, env=xdg_env(tmp_path / "xdg"))
    assert result.returncode == 2, result
    assert word in _message(result)


@pytest.mark.parametrize("command", ["list", "index", "search", "categories", "show"])
def test_missing_path(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "no\x1b[2Jsuch"
    args = [command, "x", missing] if command == "search" else [command, missing]
    result = run_cli(args, env=xdg_env(tmp_path / "xdg"))
    assert result.returncode == 2, result
    assert "no such" in _message(result)
    assert result.stderr.count(b"\n") == 1, result.stderr


@pytest.mark.parametrize(
    ("config", "word"),
    [
        ("collections = [\n", "malformed"),
        ("collections = 3\n", "collections"),
        ("mouse = 'yes'\n", "mouse"),
        ("unknown_setting = 1\n", "unknown_setting"),
        ('[keymap]\n"list.down" = 3\n', "keymap"),
        (b"\xff\xfe garbage".decode("latin-1"), "malformed"),
    ],
)
def test_malformed_config(tmp_path: Path, config: str, word: str) -> None:
    root = _collection(tmp_path / "c")
    env = xdg_env(tmp_path / "xdg")
    path = Path(env["XDG_CONFIG_HOME"]) / "newsreader" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_bytes(config.encode("latin-1"))
    result = run_cli(["list", root], env=env)
    assert result.returncode == 2, result
    message = _message(result)
    assert str(path) in message and word in message, message
    assert result.stderr.count(b"\n") == 1, result.stderr


def test_unknown_keymap_action_names_the_key_and_file(tmp_path: Path) -> None:
    root = _collection(tmp_path / "c")
    env = xdg_env(tmp_path / "xdg")
    path = Path(env["XDG_CONFIG_HOME"]) / "newsreader" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[keymap]\n"list.nonexistent_action" = "x"\n')
    result = run_cli([root], env=env, timeout=120)  # the TUI would hang: it must refuse first
    assert result.returncode in (1, 2), result
    message = _message(result)
    assert "list.nonexistent_action" in message, message
    assert str(path) in message or "config" in message, message
    assert result.stderr.count(b"\n") == 1, result.stderr


def test_unknown_keymap_key_name(tmp_path: Path) -> None:
    root = _collection(tmp_path / "c")
    env = xdg_env(tmp_path / "xdg")
    path = Path(env["XDG_CONFIG_HOME"]) / "newsreader" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[keymap]\n"list.down" = "notakey+++"\n')
    result = run_cli([root], env=env, timeout=120)
    assert result.returncode in (1, 2), result
    assert "notakey" in _message(result) or "list.down" in _message(result)
