"""Offline and private: index, search, show and the TUI never touch the network.

In-process, ``socket.socket``, ``socket.create_connection`` and ``socket.getaddrinfo`` are
replaced by functions that raise (AF_UNIX stays allowed for asyncio's socketpair), and the
audit-hook guard records any socket at C level too. Child processes get the guard through
``sitecustomize.py``. The collection is full of remote images, links, iframes and trackers.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import (
    HANG_GUARD,
    REPO,
    Guard,
    activate_in_process,
    deactivate_in_process,
    make_guard,
    run_cli,
    xdg_env,
)
from .generate import make_hostile_collection

REMOTE = """---
title: Remote things {n}
cover: https://cdn.example.com/cover{n}.jpg
url: https://news.example.com/{n}
---
<p>Tracker <img src="https://tracker.example/p{n}.gif" width=1 height=1>
<img src="http://images.example.org/{n}.png" alt="photo {n}" data-size="600,400">
<iframe src="https://video.example/embed/{n}"></iframe>
<a href="https://example.com/{n}">a link</a> <link rel=stylesheet href="https://x/s.css">
<script src="https://cdn.example/x.js"></script></p>
"""


def _remote_collection(root: Path, count: int = 12) -> Path:
    root.mkdir(parents=True)
    for n in range(count):
        (root / f"remote-{n}.md").write_text(REMOTE.format(n=n), encoding="utf-8")
    make_hostile_collection(
        root / "hostile",
        only=["html/scripts.html", "inject/escape-html.html", "inject/markup-title.md", "plain.md"],
    )
    return root


class NetworkBlocked(OSError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Guard]:
    real_socket = socket.socket

    class GuardedSocket(real_socket):  # type: ignore[misc,valid-type]
        def __init__(self, family: int = -1, *args: object, **kwargs: object) -> None:
            if family not in (socket.AF_UNIX, -1) or (family == -1 and not args):
                raise NetworkBlocked(f"socket family {family} blocked")
            super().__init__(family, *args, **kwargs)  # type: ignore[arg-type]

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkBlocked(f"network use blocked: {args!r}")

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    guard = make_guard(tmp_path / "guard", block_net=True)
    activate_in_process(guard)
    try:
        yield guard
    finally:
        deactivate_in_process()


def test_the_block_works(no_network: Guard) -> None:
    """The harness itself can fail: a real connection attempt is refused and recorded."""
    import urllib.request

    with pytest.raises(OSError):
        urllib.request.urlopen("http://example.com/", timeout=2)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9))
    a, b = socket.socketpair()  # AF_UNIX still allowed (asyncio needs it)
    a.close()
    b.close()
    assert no_network.violations() == []
    import _socket

    with pytest.raises(OSError):  # below the monkeypatched layer: the audit hook refuses it
        _socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    assert no_network.violations(), "the audit hook saw nothing"


def test_library_offline(no_network: Guard, tmp_path: Path) -> None:
    from reader.library.index import Collection
    from reader.library.parse import parse_file
    from reader.render import layout_article

    root = _remote_collection(tmp_path / "c")
    with Collection([root]) as collection:
        report = collection.refresh(workers=1)
        assert report.articles == 16
        for id_ in collection.ids():
            article = collection.article(id_)
            layout_article(article, 80)
        assert collection.search("photo").total >= 1
        assert collection.search("tracker").total >= 1
    for path in sorted(root.rglob("*.md")):
        parse_file(path)
    assert no_network.violations() == []


async def test_tui_offline(no_network: Guard, tmp_path: Path) -> None:
    from reader.config import Config
    from reader.tui.app import ReaderApp
    from reader.tui.widgets.article_list import ArticleList

    from .test_tui_hostile import settle, wait_for

    root = _remote_collection(tmp_path / "c")
    app = ReaderApp([root], config=Config())
    async with app.run_test(size=(140, 40)) as pilot:
        article_list = app.screen.query_one(ArticleList)
        await wait_for(pilot, lambda: article_list.count >= 16, timeout=HANG_GUARD)
        article_list.focus()
        for _ in range(16):
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("escape")
            article_list.focus()
            await pilot.press("down")
        await pilot.press("o")  # "open URL" must not fetch anything itself
        await settle(pilot)
    assert no_network.violations() == []


def test_cli_offline(tmp_path: Path) -> None:
    root = _remote_collection(tmp_path / "c")
    guard = make_guard(tmp_path / "guard", block_net=True)
    env = xdg_env(tmp_path / "xdg", guard.env)
    for args in (
        ["index", root],
        ["list", root],
        ["search", "photo", root, "--json"],
        ["categories", root],
        ["show", root / "remote-3.md"],
        ["show", root / "remote-3.md", "--format", "json"],
    ):
        result = run_cli(args, env=env)
        assert result.returncode == 0, (args, result.stderr.decode(errors="replace"))
    assert guard.violations() == []
    # The guard works in child processes too.
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import urllib.request; urllib.request.urlopen('http://example.com')",
        ],
        env=env,
        cwd=REPO,
        capture_output=True,
    )
    assert probe.returncode != 0
    assert guard.violations(), "the child guard saw nothing"
