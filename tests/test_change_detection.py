"""Directory change detection (notmuch style): real files in tmp_path, real SQLite.

Most tests set ``dirs.RACY_NS`` to 0 so a directory stamp is trusted right after it is
read: otherwise every directory created by the test is "too recent" and listed again,
which would hide a broken comparison.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from reader.cli import main
from reader.library import dirs
from reader.library.index import Collection
from reader.library.model import Progress

OLD_NS = 1_600_000_000 * 10**9  # 2020-09-13: any fixed past time


def post(root: Path, rel: str, title: str, body: str = "正文。") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: '{title}'\ndate: 2021-07-10\n---\n\n{body}\n", encoding="utf-8")
    return path


def age(root: Path) -> None:
    """Set every mtime under ``root`` (and its own) to a fixed past time."""
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(OLD_NS, OLD_NS), follow_symlinks=False)


def titles(coll: Collection) -> list[str]:
    return sorted(r.title for r in coll.rows(coll.ids()))


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dirs, "RACY_NS", 0)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    base = tmp_path / "news"
    post(base, "a/one.md", "One")
    post(base, "a/two.md", "Two")
    post(base, "b/three.md", "Three")
    post(base, "b/deep/four.md", "Four")
    age(base)
    return base


def test_no_change_lists_no_directory(root: Path, trusted: None) -> None:
    with Collection([root]) as coll:
        first = coll.refresh()
        assert first.dirs_listed == 4 and first.added == 4
        again = coll.refresh()
        assert (again.dirs_listed, again.parsed, again.added, again.removed) == (0, 0, 0, 0)
        assert again.articles == 4 and titles(coll) == ["Four", "One", "Three", "Two"]


@pytest.mark.parametrize("change", ["add", "delete", "rename", "move", "nested", "rmdir"])
def test_each_change_is_seen_by_the_next_refresh(root: Path, trusted: None, change: str) -> None:
    with Collection([root]) as coll:
        coll.refresh()
        if change == "add":
            post(root, "a/five.md", "Five")
            expected = ["Five", "Four", "One", "Three", "Two"]
        elif change == "delete":
            (root / "a/two.md").unlink()
            expected = ["Four", "One", "Three"]
        elif change == "rename":
            post(root, "a/two.md", "Two renamed").rename(root / "a/zwei.md")
            expected = ["Four", "One", "Three", "Two renamed"]
        elif change == "move":
            (root / "a/two.md").rename(root / "b/deep/two.md")
            expected = ["Four", "One", "Three", "Two"]
        elif change == "nested":
            post(root, "b/new/newer/six.md", "Six")
            expected = ["Four", "One", "Six", "Three", "Two"]
        else:
            shutil.rmtree(root / "b")
            expected = ["One", "Two"]
        report = coll.refresh()
        assert titles(coll) == expected
        assert 0 < report.dirs_listed < 4
        if change == "move":
            (row,) = [r for r in coll.rows(coll.ids()) if r.title == "Two"]
            assert row.key == "news/b/deep/two.md"
        assert coll.refresh().dirs_listed == 0


def test_restored_directory_mtime_is_caught_by_ctime(root: Path, trusted: None) -> None:
    """``cp -p``/``rsync -t`` restore a directory's mtime after adding files; they cannot
    restore its ctime, which the stamp includes."""
    with Collection([root]) as coll:
        coll.refresh()
        folder = root / "a"
        before = folder.stat()
        post(root, "a/restored.md", "Restored")
        os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert folder.stat().st_mtime_ns == before.st_mtime_ns
        report = coll.refresh()
        assert report.dirs_listed == 1 and report.added == 1
        assert "Restored" in titles(coll)


def test_in_place_edit_needs_a_full_walk(root: Path, trusted: None) -> None:
    with Collection([root]) as coll:
        coll.refresh()
        path = root / "a/one.md"
        post(root, "a/one.md", "One edited in place")
        os.utime(path, ns=(OLD_NS, OLD_NS + 10**9))
        assert coll.refresh().updated == 0  # the directory did not change: documented limit
        assert "One" in titles(coll)
        report = coll.refresh(full=True)
        assert report.full and report.dirs_listed == 4 and report.updated == 1
        assert "One edited in place" in titles(coll)


def test_recent_directories_are_listed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory changed within RACY_NS of its listing may change again in the same
    timestamp tick, so its stamp is not trusted until it is older."""
    root = tmp_path / "news"
    post(root, "a/one.md", "One")
    with Collection([root]) as coll:
        assert coll.refresh().dirs_listed == 2
        assert coll.refresh().dirs_listed == 2  # root and a/, both just written
        later = time.time_ns() + dirs.RACY_NS + 10**9
        monkeypatch.setattr(dirs, "now_ns", lambda: later)
        assert coll.refresh().dirs_listed == 2  # listed again; the stamps are old enough now
        assert coll.refresh().dirs_listed == 0


def test_symlinks_and_loops_stay_safe(root: Path, tmp_path: Path, trusted: None) -> None:
    elsewhere = tmp_path / "elsewhere"
    post(elsewhere, "linked.md", "Linked")
    (root / "link").symlink_to(elsewhere)
    (root / "b/loop").symlink_to(root / "b")
    age(root)
    age(elsewhere)
    with Collection([root]) as coll:
        first = coll.refresh()
        assert any("already visited" in s.reason for s in first.skipped)
        assert "Linked" in titles(coll) and len(titles(coll)) == 5
        again = coll.refresh()
        assert again.dirs_listed == 0 and len(titles(coll)) == 5
        post(elsewhere, "more.md", "More")  # a change behind the link is seen too
        coll.refresh()
        assert "More" in titles(coll)


def test_skipped_files_are_reported_again_without_listing(root: Path, trusted: None) -> None:
    (root / "a/binary.md").write_bytes(b"\x00\x01\x02" * 100)
    age(root)
    with Collection([root]) as coll:
        assert any(s.path.name == "binary.md" for s in coll.refresh().skipped)
        again = coll.refresh()
        assert again.dirs_listed == 0
        assert any(s.path.name == "binary.md" for s in again.skipped)
        (root / "a/binary.md").unlink()
        assert not any(s.path.name == "binary.md" for s in coll.refresh().skipped)


def test_full_text_progress_moves_per_chunk(tmp_path: Path) -> None:
    root = tmp_path / "news"
    for i in range(600):
        post(root, f"d{i % 3}/{i}.md", f"Post {i}", "长沙" * 20)
    seen: list[Progress] = []
    with Collection([root]) as coll:
        coll.refresh(seen.append, workers=1)
    writes = [p.done for p in seen if p.phase == "write"]
    parses = [p.done for p in seen if p.phase == "parse"]
    # One batch of 600 is written once; the display still moves for each prepared chunk.
    assert len([d for d in writes if 0 < d < 600]) >= 3, writes
    assert writes == sorted(writes) and writes[-1] == 600
    assert len([d for d in parses if 0 < d < 600]) >= 5, parses


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    """Run the CLI in this process (so ``trusted`` applies) and parse its JSON output."""
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_commands_see_changes_and_full_flags(
    root: Path, trusted: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each command refreshes first: the next ``list``/``search``/``index`` sees a new file;
    only ``--full``/``--full-refresh`` see an in-place edit."""
    assert cli(capsys, "index", str(root))["added"] == 4  # type: ignore[index]
    post(root, "a/five.md", "Five 长沙")
    assert "Five 长沙" in [r["title"] for r in cli(capsys, "list", str(root))]  # type: ignore[attr-defined]
    (root / "a/five.md").unlink()
    post(root, "b/six.md", "Six 长沙")
    found = cli(capsys, "search", "长沙", str(root))
    assert [r["title"] for r in found] == ["Six 长沙"]  # type: ignore[attr-defined]
    post(root, "b/seven.md", "Seven")
    assert cli(capsys, "index", str(root))["added"] == 1  # type: ignore[index]
    age(root)
    cli(capsys, "index", str(root))  # new stamps recorded
    for name, title in (("a/one.md", "One edited"), ("a/two.md", "Two edited")):
        os.utime(post(root, name, title), ns=(OLD_NS, OLD_NS + 10**9))
    assert cli(capsys, "search", "edited", str(root)) == []
    found = cli(capsys, "search", "edited", str(root), "--full-refresh")
    assert sorted(r["title"] for r in found) == ["One edited", "Two edited"]  # type: ignore[attr-defined]
    os.utime(post(root, "b/three.md", "Three edited"), ns=(OLD_NS, OLD_NS + 10**9))
    assert cli(capsys, "index", str(root))["updated"] == 0  # type: ignore[index]
    assert cli(capsys, "index", str(root), "--full")["updated"] == 1  # type: ignore[index]


@pytest.mark.parametrize("change", ["add", "rmdir"])
def test_an_interrupted_refresh_leaves_the_change_for_the_next(
    root: Path, trusted: None, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """Stamps are stored after the files: a refresh killed in between redoes the work."""
    from reader.library import refresh as refresh_module

    with Collection([root]) as coll:
        coll.refresh()
        if change == "add":
            post(root, "a/five.md", "Five")
        else:
            shutil.rmtree(root / "b")

        def crash(*_args: object) -> None:
            raise KeyboardInterrupt

        with monkeypatch.context() as patch:
            patch.setattr(refresh_module.Refresher, "_parse", crash)
            patch.setattr(refresh_module.Refresher, "_remove", crash)
            with pytest.raises(KeyboardInterrupt):
                coll.refresh()
        coll.refresh()
        expected = ["Five", "Four", "One", "Three", "Two"] if change == "add" else ["One", "Two"]
        assert titles(coll) == expected
