"""Read-only towards collections: nothing inside a collection is written, renamed or touched.

Every path (lstat: type, mode, size, mtime_ns, ctime_ns, inode) is snapshotted before and after
index, search, show, list, categories and the TUI (opening articles, marking read, starring);
the collection is ``chmod -R a-w`` first. Root ignores permissions, so the snapshot and the
audit-hook guard (which records any write-like call below the collection) are what prove it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .conftest import (
    HANG_GUARD,
    KNOWN_BROKEN,
    activate_in_process,
    deactivate_in_process,
    make_guard,
    run_cli,
    unlock_tree,
    xdg_env,
)
from .generate import UNREADABLE, make_hostile_collection

Snapshot = dict[bytes, tuple[int, int, int, int, int]]

SMALL = [  # under the process-pool threshold: the TUI part indexes in-process
    "plain.md",
    "enc/gbk.md",
    "enc/latin1.md",
    "enc/bom-crlf.md",
    "fm/toml.md",
    "fm/json.md",
    "fm/broken-yaml.md",
    "fm/alias-bomb.md",
    "html/scripts.html",
    "html/nested-divs.html",
    "inject/markup-title.md",
    "inject/escape-title.md",
    "inject/escape-html.html",
    "text/empty.md",
    "text/emoji-rtl.md",
    "names/esc-\x1b[2J-\x07-\x1b]0;pwned\x07-\x9b1m.md",
    "binary/image.md",
    "special/fifo.md",
    "special/socket.md",
    "links/dangling.md",
    "links/self-loop.md",
    "big/too-large.md",
]


def snapshot(root: Path) -> Snapshot:
    result: Snapshot = {}
    base = os.fsencode(root)
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        for name in [*dirnames, *filenames, b"."]:
            path = os.path.normpath(os.path.join(dirpath, name))
            st = os.lstat(path)
            result[os.path.relpath(path, base)] = (
                st.st_mode,
                st.st_size,
                st.st_mtime_ns,
                st.st_ctime_ns,
                st.st_ino,
            )
    return result


def make_read_only(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in [*filenames, *dirnames]:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                mode = os.lstat(path).st_mode
                os.chmod(path, stat.S_IMODE(mode) & ~0o222)
    os.chmod(root, stat.S_IMODE(os.stat(root).st_mode) & ~0o222)


def test_cli_leaves_collection_untouched(tmp_path: Path) -> None:
    root = tmp_path / "hostile"
    # The 25 MB article only costs time here; test_index_hostile covers it.
    expected = make_hostile_collection(root, exclude=(*KNOWN_BROKEN, "big/huge-25mb.md"))
    make_read_only(root)
    before = snapshot(root)
    guard = make_guard(
        tmp_path / "guard",
        readonly=[root],
        forbid=[root / n for n, o in expected.items() if o == "not-a-file"],
        deny=[root / UNREADABLE],
    )
    env = xdg_env(tmp_path / "xdg", guard.env)
    try:
        for args in (
            ["index", root],
            ["index", root, "--json"],
            ["list", root],
            ["list", root, "--json"],
            ["search", "clear", root],
            ["search", "[b]x", root, "--json"],
            ["categories", root],
            ["show", root / "inject/markup-title.md"],
            ["show", root / "html/scripts.html", "--format", "json"],
        ):
            result = run_cli(args, env=env)
            assert result.returncode == 0, (args, result.stderr.decode(errors="replace"))
        assert snapshot(root) == before
        assert guard.violations() == []
    finally:
        unlock_tree(root)


async def test_tui_leaves_collection_untouched(tmp_path: Path) -> None:
    from reader.config import Config
    from reader.tui.app import ReaderApp
    from reader.tui.widgets.article_list import ArticleList

    from .test_tui_hostile import settle, wait_for

    root = tmp_path / "small"
    expected = make_hostile_collection(root, only=SMALL)
    indexed = sum(1 for o in expected.values() if o == "indexed")
    make_read_only(root)
    before = snapshot(root)
    guard = make_guard(tmp_path / "guard", block_net=False, readonly=[root])
    activate_in_process(guard)
    try:
        app = ReaderApp([root], config=Config())
        async with app.run_test(size=(140, 40)) as pilot:
            article_list = app.screen.query_one(ArticleList)
            await wait_for(pilot, lambda: article_list.count >= indexed, timeout=HANG_GUARD)
            article_list.focus()
            for _ in range(indexed):
                await pilot.press("enter")
                await settle(pilot)
                await pilot.press("j", "j", "s", "m")  # scroll, star, mark unread
                await settle(pilot)
                await pilot.press("escape")
                article_list.focus()
                await pilot.press("down")
            await pilot.press("r")  # re-index
            await settle(pilot)
            await pilot.press("q")
        assert snapshot(root) == before
        assert guard.violations() == []
    finally:
        deactivate_in_process()
        unlock_tree(root)
