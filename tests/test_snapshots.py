"""SVG snapshots of the main screen, an article, search results and help (bundled sample).

Update after an intended UI change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at the SVGs in ``tests/__snapshots__/``. Each test starts from an empty index in
its own XDG directories, waits for every worker, and shows no clock-dependent text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from test_tui_support import SAMPLE, make_app, settle
from textual.pilot import Pilot

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def steps(*keys: str, query: str | None = None) -> Callable[[Pilot], Awaitable[None]]:
    """A run_before that waits for indexing, presses ``keys`` and optionally searches."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        if query is not None:
            await pilot.press("slash")
            pilot.app.screen.search_bar.input.value = query  # type: ignore[attr-defined]
            await pilot.pause(0.25)
            await settle(pilot)
            await pilot.press("enter")
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(SAMPLE), terminal_size=size, run_before=steps())


@pytest.mark.parametrize("size", SIZES)
def test_article(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(SAMPLE), terminal_size=size, run_before=steps("j", "enter"))


@pytest.mark.parametrize("size", SIZES)
def test_search_results(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(SAMPLE), terminal_size=size, run_before=steps(query="长沙"))


@pytest.mark.parametrize("size", SIZES)
def test_search_hit_article(snap_compare, size: tuple[int, int]) -> None:
    run_before = steps("enter", "n", query="长沙")
    assert snap_compare(make_app(SAMPLE), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(SAMPLE), terminal_size=size, run_before=steps("question_mark"))
