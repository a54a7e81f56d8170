"""Helpers shared by the TUI tests (imported as ``test_tui_support``), plus their own checks."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import Iterable
from pathlib import Path

from conftest import write_post
from textual.app import App
from textual.pilot import Pilot
from textual.worker import Worker, WorkerCancelled

from reader.config import Config
from reader.tui.app import ReaderApp

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_content"


def make_app(roots: Iterable[Path] | Path, **config: object) -> ReaderApp:
    """A ReaderApp on ``roots`` with a Config built from keyword arguments."""
    if isinstance(roots, Path):
        roots = [roots]
    config.setdefault("watch", False)  # the live tests turn it on (test_tui_live.py)
    return ReaderApp(list(roots), config=Config(**config))  # type: ignore[arg-type]


def busy_workers(app: App[object]) -> list[Worker[object]]:
    """Running workers, but not the collection watcher (it runs as long as the screen)."""
    return [w for w in app.workers if w.is_running and w.group != "watch"]


async def settle(pilot: Pilot, *, timeout: float = 30.0) -> None:
    """Wait until no worker runs and the screen has caught up (workers start workers)."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await pilot.pause()
        # An exclusive worker replaced by a newer one is cancelled: wait for that one.
        # (Never pass an empty list: ``wait_for_complete([])`` waits for every worker.)
        busy = busy_workers(app)
        if busy:
            with contextlib.suppress(WorkerCancelled):
                await app.workers.wait_for_complete(busy)
        await pilot.pause()
        if not busy_workers(app) and loop.time() < deadline:
            await pilot.pause()
            if not busy_workers(app):
                return
        if loop.time() >= deadline:
            raise TimeoutError("workers still running")


async def type_query(pilot: Pilot, text: str) -> None:
    """Set the search input and wait for the debounced search to finish."""
    main = pilot.app.screen
    main.search_bar.input.focus()  # type: ignore[attr-defined]
    main.search_bar.input.value = text  # type: ignore[attr-defined]
    await pilot.pause(0.25)
    await settle(pilot)


def screen_text(app: ReaderApp) -> str:
    """What the terminal shows, as plain text (one line per row)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def copy_sample(tmp_path: Path) -> Path:
    """A private copy of the bundled sample collection."""
    target = tmp_path / "sample_content"
    shutil.copytree(SAMPLE, target)
    return target


def small_collection(root: Path, count: int = 30) -> Path:
    """``count`` generated posts in two categories, newest first by number."""
    for n in range(count):
        write_post(
            root,
            f"2021-01-{n % 28 + 1:02d}-post-{n:03d}.md",
            title=f"Post {n:03d} 第{n}篇",
            date=f"2021-{n // 28 + 1:02d}-{n % 28 + 1:02d} 08:{n % 60:02d}:00",
            categories=["新媒体", "趣头条"] if n % 2 else ["技术"],
            tags=["测试"],
            author="作者甲" if n % 3 else "Author B",
            body="\n\n".join(f"第{n}篇的第{p}段。长沙 paragraph {p}." for p in range(40)),
            url=f"https://example.com/post/{n}",
        )
    return root


def test_write_post_roundtrip(tmp_path: Path) -> None:
    path = write_post(tmp_path, "a.md", title="It's [b]x[/i]", categories=["a", "b"])
    text = path.read_text(encoding="utf-8")
    assert "title: 'It''s [b]x[/i]'" in text
    assert "  - 'b'" in text


def test_small_collection_files(tmp_path: Path) -> None:
    small_collection(tmp_path, 5)
    assert len(list(tmp_path.glob("*.md"))) == 5
