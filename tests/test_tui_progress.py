"""Pilot tests: searching while the full-text pass runs says so, then updates."""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_tui_startup import gated_refresh  # noqa: F401  (fixture)
from test_tui_support import make_app, settle, small_collection
from textual.widgets import Static

from reader.tui.widgets.search_bar import SearchInput


async def test_search_while_the_index_builds_says_so_then_updates(
    tmp_path: Path,
    gated_refresh,  # noqa: F811
) -> None:
    root = small_collection(tmp_path / "c", 20)
    gate, reached, release = gated_refresh
    gate["phase"] = "write"  # hold the full-text pass at its start
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(600):
            if reached.is_set():
                break
            await asyncio.sleep(0.05)
        assert reached.is_set()
        main = app.screen
        main.query_one(SearchInput).value = "长沙"
        count = main.query_one("#search-count", Static)
        for _ in range(200):
            await pilot.pause(0.05)
            shown = str(count.render())
            if "so far" in shown:  # "searching…" comes first, then the count so far
                break
        assert "of 20 articles…" in shown and "so far" in shown, shown
        release.set()
        await settle(pilot)
        shown = str(count.render())
        assert shown == "20 hits", shown


def test_rate_and_time_left_on_long_runs() -> None:
    from reader.tui.session.refresh import rate_text

    assert rate_text(100, 1000, 1.0) == ""  # short runs: no estimate yet
    assert rate_text(200, 1000, 4.0) == " · 50/s · 0:16 left"
    assert rate_text(1000, 1000, 9.0) == ""


def test_progress_reaches_the_ui_at_most_once_an_interval_per_phase() -> None:
    from reader.library.model import Progress
    from reader.tui.session.refresh import ProgressThrottle

    throttle = ProgressThrottle(1 / 8)  # times in 64ths of a second: exact in binary

    def passed(reports: list[tuple[int, Progress]]) -> list[tuple[str, int]]:
        return [(p.phase, p.done) for t, p in reports if throttle.due(p, t / 64)]

    # The walk counts with no total: one report per interval gets through, not all 50.
    walk = [(i, Progress("scan", 2000 * i, 0, "looking")) for i in range(1, 51)]
    assert passed(walk) == [("scan", 2000 * i) for i in (1, 9, 17, 25, 33, 41, 49)]
    # A phase change and the end of a phase always get through, however soon.
    assert passed([(51, Progress("scan", 100000, 100000, "found"))]) == [("scan", 100000)]
    assert passed([(52, Progress("parse", 0, 10, "reading"))]) == [("parse", 0)]
    assert passed([(53, Progress("parse", 5, 10, "reading"))]) == []
    assert passed([(54, Progress("parse", 10, 10, "list ready"))]) == [("parse", 10)]
