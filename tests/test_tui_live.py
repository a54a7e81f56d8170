"""The live collection: files added, deleted or edited on disk show up with no key pressed.

Real folders on tmp_path, the real app under Pilot, the real ``watchfiles`` watcher. The
tests poll a condition with ``pilot.pause(0.05)`` up to a generous hang guard; they never
wait for the watcher itself to end (``settle`` leaves it out, the screen stops it).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_tui_support import make_app, screen_text, settle, small_collection, write_post
from textual.pilot import Pilot

from reader.tui.app import ReaderApp
from reader.tui.session import watch as watch_module
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView

HANG_GUARD = 60  # × 0.05 s: 30 s, far beyond the 2 s goal, only so a bug cannot hang


async def poll(pilot: Pilot[int], done: Callable[[], bool]) -> int:
    """Pause until ``done()``; returns the number of 0.05 s pauses it took."""
    for n in range(HANG_GUARD):
        if done():
            return n
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")


async def start_watching(app: ReaderApp, pilot: Pilot[int]) -> None:
    """Settle the start-up refresh, then wait for the watcher and the background walk."""
    await settle(pilot)
    screen = app.screen
    await poll(pilot, lambda: screen._walk_started and not screen.indexing)  # type: ignore[attr-defined]
    await settle(pilot)


def spy_on_child_refreshes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record the ``full`` flag of every refresh run in a child process from now on."""
    from reader.library import refresh_child

    calls: list[bool] = []
    real = refresh_child.refresh_in_child

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(bool(kwargs.get("full")))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(refresh_child, "refresh_in_child", spy)
    return calls


def titles(app: ReaderApp) -> list[str]:
    article_list = app.screen.query_one(ArticleList)
    rows = [article_list.row_at(i) for i in range(article_list.count)]
    return [row.title for row in rows if row is not None]


async def test_added_and_deleted_articles_appear_with_no_key(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 4)
    app = make_app(root, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_watching(app, pilot)
        article_list = app.screen.query_one(ArticleList)
        view = app.screen.query_one(ArticleView)
        await pilot.press("j", "enter")  # read the second article, scrolled down a little
        await settle(pilot)
        await pilot.press("j", "j", "j")
        reading, position = view.row.key if view.row else None, view.position
        assert position == 3
        chosen, cursor = article_list.cursor_id, article_list.cursor

        for n in range(3):  # older than every post: appended at the end, cursor row unchanged
            write_post(root, f"new-{n}.md", title=f"Fresh {n}", date=f"2020-01-0{n + 1} 00:00:00")
        pauses = await poll(pilot, lambda: article_list.count == 7)
        print(f"3 added: listed after {pauses} pauses of 0.05 s")
        await poll(pilot, lambda: "+3 new" in screen_text(app))
        assert {"Fresh 0", "Fresh 1", "Fresh 2"} <= set(titles(app))
        assert article_list.cursor_id == chosen and article_list.cursor == cursor
        assert (view.row.key if view.row else None, view.position) == (reading, position)
        await poll(pilot, lambda: "7 articles" in screen_text(app))  # the counts follow

        (root / "new-0.md").unlink()
        pauses = await poll(pilot, lambda: article_list.count == 6)
        print(f"1 deleted: gone after {pauses} pauses of 0.05 s")
        await poll(pilot, lambda: "−1 removed" in screen_text(app))
        assert "Fresh 0" not in titles(app)
        assert article_list.cursor_id == chosen and article_list.cursor == cursor
        assert (view.row.key if view.row else None, view.position) == (reading, position)
    assert app.return_code in (0, None)


async def test_search_and_in_place_edits_follow_the_files(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 3)
    app = make_app(root, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_watching(app, pilot)
        screen = app.screen
        screen.search_bar.input.focus()  # type: ignore[attr-defined]
        screen.search_bar.input.value = "zebra"  # type: ignore[attr-defined]
        await pilot.pause(0.25)
        await settle(pilot)
        article_list = screen.query_one(ArticleList)
        assert article_list.count == 0
        write_post(root, "zoo.md", title="Zoo news", body="A zebra escaped.")
        await poll(pilot, lambda: article_list.count == 1)
        assert "Zoo news" in titles(app)

        # Rewritten in place (same name, the directory's mtime untouched): the watcher
        # sees the edit and asks for a full walk.
        target = root / "2021-01-01-post-000.md"
        stat = root.stat()
        target.write_text(
            target.read_text(encoding="utf-8").replace("paragraph 1.", "zebra paragraph 1."),
            encoding="utf-8",
        )
        os.utime(root, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        await poll(pilot, lambda: article_list.count == 2)
        await poll(pilot, lambda: "~1 changed" in screen_text(app))


async def test_unwatchable_roots_fall_back_to_polling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_watch(*args: object, **kwargs: object) -> object:
        raise OSError("OS file watch limit reached")

    import watchfiles

    monkeypatch.setattr(watchfiles, "watch", no_watch)
    monkeypatch.setattr(watch_module, "POLL_SECONDS", 0.3)
    root = small_collection(tmp_path / "c", 2)
    app = make_app(root, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await poll(pilot, lambda: "not watching" in screen_text(app))
        assert "not watching · checking every 0.3 s" in screen_text(app)
        notices = [n.message for n in app._notifications]  # the toast says why, once
        assert [n for n in notices if "OS file watch limit reached" in n] == [notices[-1]]
        article_list = app.screen.query_one(ArticleList)
        write_post(root, "late.md", title="Late arrival", date="2020-01-01 00:00:00")
        await poll(pilot, lambda: article_list.count == 3)
        await poll(pilot, lambda: "+1 new" in screen_text(app))


async def test_watching_off_and_exit_is_prompt(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 2)
    app = make_app(root, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_watching(app, pilot)
        assert any(w.group == "watch" and w.is_running for w in app.workers)
        started = time.monotonic()
        await pilot.press("q")
    print(f"exit with the watcher running: {time.monotonic() - started:.2f} s")
    assert not any(w.group == "watch" and w.is_running for w in app.workers)

    quiet = make_app(root)  # watch=False (``--no-watch``): no watcher, no polling
    async with quiet.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await poll(pilot, lambda: quiet.screen._walk_started)  # type: ignore[attr-defined]
        assert not any(w.group == "watch" for w in quiet.workers)
        assert quiet.screen._poll_timer is None  # type: ignore[attr-defined]


def test_network_fs_detection(tmp_path: Path) -> None:
    mounts = (
        "/dev/sda1 / ext4 rw 0 0\n"
        "server:/export /mnt/news nfs4 rw 0 0\n"
        "/dev/sdb1 /mnt/news/local ext4 rw 0 0\n"
    )
    assert watch_module.network_fs(Path("/mnt/news/a"), mounts) == "nfs4"
    assert watch_module.network_fs(Path("/mnt/news/local/a"), mounts) is None
    assert watch_module.network_fs(Path("/mnt/newsroom"), mounts) is None
    assert watch_module.network_fs(Path("/home/x"), mounts) is None


async def test_the_background_walk_runs_in_a_child_and_finds_edits_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file rewritten in place while the app was closed (its folder's stamps unchanged):
    the start-up refresh cannot see it, the background full walk does, in a child process
    (its memory and CPU stay out of the app), and the list shows the new title."""
    from reader.library import dirs
    from reader.library.index import Collection

    root = small_collection(tmp_path / "c", 4)
    later = time.time_ns() + dirs.RACY_NS + 10**9  # the new folder's stamps are trusted
    monkeypatch.setattr(dirs, "now_ns", lambda: later)
    with Collection([root]) as coll:
        coll.refresh(workers=1)
    target = root / "2021-01-02-post-001.md"
    stat = target.stat()
    target.write_text(
        target.read_text(encoding="utf-8").replace("Post 001", "Rewritten 001"), encoding="utf-8"
    )
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 3_000_000_000))
    calls = spy_on_child_refreshes(monkeypatch)
    app = make_app(root)  # watch off: the walk follows the start-up refresh
    async with app.run_test(size=(120, 40)) as pilot:
        await poll(pilot, lambda: "Rewritten 001 第1篇" in titles(app))
        await poll(pilot, lambda: "~1" in screen_text(app))
        assert calls == [False, True]  # the start-up refresh, then the full walk
        assert "Post 001 第1篇" not in titles(app)


async def test_with_an_in_memory_index_refreshes_stay_in_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unusable cache folder gives a temporary in-memory index, which a child process
    cannot see: every refresh (the start-up one, the background walk) then runs in a
    thread of the app."""
    from reader.config import Config
    from reader.library import refresh_child
    from reader.tui.backend import Backend

    root = small_collection(tmp_path / "c", 3)
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("x")
    calls: list[object] = []
    monkeypatch.setattr(refresh_child, "refresh_in_child", lambda *a, **k: calls.append(a))
    app = ReaderApp([root], config=Config(watch=False), backend=Backend([root], cache_dir=blocker))
    async with app.run_test(size=(120, 40)) as pilot:
        await poll(pilot, lambda: app.screen._walk_started and not app.screen.indexing)  # type: ignore[attr-defined]
        await settle(pilot)
        assert app.backend.collection.store.in_memory
        assert calls == []
        assert len(titles(app)) == 3
        assert "indexing failed" not in screen_text(app)


async def test_live_refreshes_run_in_a_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file deleted while the app runs: the refresh that follows (a deletion regroups
    every article) runs in a child process, and the list drops the article."""

    root = small_collection(tmp_path / "c", 4)
    app = make_app(root, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_watching(app, pilot)
        calls = spy_on_child_refreshes(monkeypatch)
        article_list = app.screen.query_one(ArticleList)
        (root / "2021-01-02-post-001.md").unlink()
        await poll(pilot, lambda: article_list.count == 3)
        await poll(pilot, lambda: "−1 removed" in screen_text(app))
        assert calls and calls[0] is False
        assert "Post 001 第1篇" not in titles(app)
