"""Discovery: stat-only, never opens a file, reports what it skips and why."""

from __future__ import annotations

import builtins
import os
import socket
import threading
from collections.abc import Iterable
from pathlib import Path

import pytest

from reader.library.discover import discover, is_editor_temp
from reader.library.model import FoundFile, SkippedFile


def run(roots: Iterable[Path]) -> tuple[dict[str, FoundFile], dict[str, str]]:
    found: dict[str, FoundFile] = {}
    skipped: dict[str, str] = {}
    for item in discover(roots):
        if isinstance(item, FoundFile):
            found[item.relpath] = item
        else:
            skipped[item.path.name] = item.reason
    return found, skipped


def test_finds_article_suffixes_recursively(tmp_path: Path) -> None:
    root = tmp_path / "news"
    (root / "2021" / "07").mkdir(parents=True)
    for name in ("a.md", "b.markdown", "c.HTML", "d.htm", "e.txt", "f.py", "g.json", "README"):
        (root / "2021" / "07" / name).write_text("x")
    (root / "top.md").write_text("hello")
    found, skipped = run([root])
    assert sorted(found) == [
        "news/2021/07/a.md",
        "news/2021/07/b.markdown",
        "news/2021/07/c.HTML",
        "news/2021/07/d.htm",
        "news/2021/07/e.txt",
        "news/top.md",
    ]
    assert skipped == {}
    top = found["news/top.md"]
    assert top.size == 5 and top.mtime_ns == (root / "top.md").stat().st_mtime_ns
    assert top.root == root and top.path == root / "top.md"


def test_hidden_and_editor_files(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.md").write_text("x")
    for name in (
        ".hidden.md",
        ".a.md.swp",
        "b.md~",
        "#c.md#",
        ".#d.md",
        "e.md.bak",
        ".bashrc",
        "f.py~",
    ):
        (tmp_path / name).write_text("x")
    (tmp_path / "ok.md").write_text("x")
    found, skipped = run([tmp_path])
    assert [Path(k).name for k in found] == ["ok.md"]
    assert skipped == {
        ".hidden.md": "hidden file",
        ".a.md.swp": "editor temporary file",
        "b.md~": "editor temporary file",
        "#c.md#": "editor temporary file",
        ".#d.md": "editor temporary file",
        "e.md.bak": "editor temporary file",
    }


def test_is_editor_temp() -> None:
    assert all(map(is_editor_temp, [".#a.md", "a.md~", ".a.md.swp", "#a.md#", "x.orig"]))
    assert not any(map(is_editor_temp, ["a.md", "#", "c#.md", "notes.txt"]))


def test_fifo_is_reported_and_never_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "real.md").write_text("x")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"discover opened {args[0]!r}")

    monkeypatch.setattr(os, "open", refuse)
    monkeypatch.setattr(builtins, "open", refuse)
    result: list[tuple[dict[str, FoundFile], dict[str, str]]] = []
    worker = threading.Thread(target=lambda: result.append(run([tmp_path])), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "discover blocked on a FIFO"
    found, skipped = result[0]
    assert list(found) == [f"{tmp_path.name}/real.md"]
    assert skipped == {"pipe.md": "not a regular file (named pipe)"}


def test_socket_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.md"
    if len(str(path)) > 100:
        pytest.skip("socket path too long")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
        _, skipped = run([tmp_path])
    finally:
        sock.close()
    assert skipped == {"s.md": "not a regular file (socket)"}


def test_symlink_loop_and_dangling_links(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("x")
    os.symlink(tmp_path, tmp_path / "sub" / "up")  # directory loop
    os.symlink("self.md", tmp_path / "self.md")  # link to itself: ELOOP
    os.symlink(tmp_path / "missing.md", tmp_path / "dangling.md")
    found, skipped = run([tmp_path])
    assert [Path(k).name for k in found] == ["a.md"]
    assert skipped["self.md"] == "symlink loop"
    assert skipped["dangling.md"] == "dangling symlink"
    assert skipped["up"].startswith("directory already visited")


def test_link_to_directory_is_followed_once(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.md").write_text("x")
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside, root / "link1")
    os.symlink(outside, root / "link2")
    found, skipped = run([root])
    assert list(found) == ["root/link1/o.md"]
    assert skipped == {"link2": "directory already visited (symlink loop or second link)"}


def test_real_file_wins_over_a_link_to_it(tmp_path: Path) -> None:
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "real.md").write_text("x")
    os.symlink(tmp_path / "z" / "real.md", tmp_path / "a-link.md")
    os.symlink(tmp_path / "elsewhere.md", tmp_path / "b.md")
    (tmp_path / "elsewhere.md").write_text("y")
    found, skipped = run([tmp_path])
    names = sorted(Path(k).name for k in found)
    assert names == ["elsewhere.md", "real.md"]
    assert skipped == {
        "a-link.md": "same file already found through another link",
        "b.md": "same file already found through another link",
    }


def test_single_file_roots_and_missing_roots(tmp_path: Path) -> None:
    (tmp_path / "one.md").write_text("x")
    os.mkfifo(tmp_path / "fifo.md")
    items = list(discover([tmp_path / "one.md", tmp_path / "none", tmp_path / "fifo.md"]))
    assert isinstance(items[0], FoundFile) and items[0].relpath == "one.md"
    assert items[1] == SkippedFile(tmp_path / "none", "does not exist")
    assert items[2] == SkippedFile(tmp_path / "fifo.md", "not a regular file (named pipe)")


def test_overlapping_roots_give_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("x")
    found = [
        i for i in discover([tmp_path, tmp_path / "sub", tmp_path]) if isinstance(i, FoundFile)
    ]
    assert len(found) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any directory")
def test_unreadable_directory_is_reported(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.md").write_text("x")
    locked.chmod(0)
    try:
        _, skipped = run([tmp_path])
    finally:
        locked.chmod(0o755)
    assert skipped["locked"].startswith("unreadable directory")
