"""A refresh in a child process: what it finds, its progress, failures and cancellation."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest
from conftest import write_post

from reader.library import dirs
from reader.library.index import Collection
from reader.library.model import Progress
from reader.library.refresh_child import ChildFailed, refresh_in_child
from reader.library.state import StateStore


def _collection(tmp_path: Path) -> tuple[Path, Path, Path]:
    root = tmp_path / "posts"
    for n in range(30):
        write_post(
            root, f"p{n:02d}.md", f"标题{n}", f"正文 number{n}。", date=f"2021-01-{n % 28 + 1:02d}"
        )
    return root, tmp_path / "cache", tmp_path / "state.sqlite3"


def _edit_in_place(path: Path, old: str, new: str) -> None:
    """Rewrite a file in place: its directory's stamps stay as they were (a quick refresh
    lists only directories whose stamps changed, so only a full walk sees this)."""
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 3_000_000_000))


def test_a_full_walk_in_a_child_finds_an_edit_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache, state_path = _collection(tmp_path)
    later = time.time_ns() + dirs.RACY_NS + 10**9  # the new folder's stamp is trusted
    monkeypatch.setattr(dirs, "now_ns", lambda: later)
    with Collection([root], cache_dir=cache, state=StateStore(state_path)) as coll:
        coll.refresh(workers=1)
        _edit_in_place(root / "p07.md", "number7", "zebra7")
        assert coll.refresh(workers=1).updated == 0  # quick: the directory did not change
        for n in range(80):  # more than INLINE_LIMIT: the child starts its own parse pool
            write_post(root / "more", f"m{n:02d}.md", f"新{n}", f"新增 added{n}。")

        def not_here(*args: object, **kwargs: object) -> object:
            raise AssertionError("the refresh ran in the calling process")

        monkeypatch.setattr(Collection, "refresh", not_here)  # the child imports afresh
        events: list[Progress] = []
        report = refresh_in_child(
            [root], cache_dir=cache, state_path=state_path, full=True, progress=events.append
        )
        assert report is not None
        assert (report.updated, report.added, report.removed, report.articles) == (1, 80, 0, 110)
        assert events and {"scan", "parse", "write"} <= {p.phase for p in events}
        assert events[-1].phase == "done"
        assert [h.row.title for h in coll.search("zebra7").hits] == ["标题7"]
        assert coll.search("number7").total == 0
        assert [h.row.title for h in coll.search("added79").hits] == ["新79"]
    assert multiprocessing.active_children() == []


def test_a_failing_child_raises_with_its_reason(tmp_path: Path) -> None:
    root, cache, _ = _collection(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ChildFailed, match=r"FileExistsError|NotADirectoryError"):
        refresh_in_child([root], cache_dir=cache, state_path=blocker / "state.sqlite3")
    assert multiprocessing.active_children() == []


def test_cancelling_or_a_raising_progress_callback_stops_the_child(tmp_path: Path) -> None:
    root, cache, state_path = _collection(tmp_path)
    assert (
        refresh_in_child([root], cache_dir=cache, state_path=state_path, cancelled=lambda: True)
        is None
    )
    assert multiprocessing.active_children() == []

    class Stop(Exception):
        pass

    def stop(p: Progress) -> None:
        raise Stop

    with pytest.raises(Stop):
        refresh_in_child([root], cache_dir=cache, state_path=state_path, progress=stop)
    assert multiprocessing.active_children() == []
    with Collection([root], cache_dir=cache, state=StateStore(state_path)) as coll:
        assert coll.refresh(workers=1).articles == 30  # the index is usable afterwards
