"""CLI rough edges (issue #10): global flags before the subcommand, ``list --category`` at
any level, ``search -word``, empty answers on a terminal, and refresh progress on stderr."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import write_post

from reader.cli_progress import LateProgress
from reader.library.model import Progress


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@dataclass
class TtyRun:
    returncode: int
    tty: str
    """What the process wrote to the pseudo-terminal."""
    piped: str
    """What it wrote to the other stream (a pipe)."""


def run_on_tty(argv: Sequence[str], *, tty: str, stdin_open_until: str | None = None) -> TtyRun:
    """Run ``argv`` with ``tty`` ("stdout" or "stderr") on a pseudo-terminal, the other
    stream on a pipe. With ``stdin_open_until``, stdin stays open until that text has
    appeared on the terminal (the child waits on it), then is closed."""
    master, slave = os.openpty()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30")
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    streams[tty] = slave
    proc = subprocess.Popen(
        list(argv),
        stdin=subprocess.PIPE,
        env=env,
        **streams,  # type: ignore[call-overload]
    )
    os.close(slave)
    other = proc.stderr if tty == "stdout" else proc.stdout
    assert proc.stdin is not None and other is not None
    if stdin_open_until is None:
        proc.stdin.close()
    seen = b""
    piped = b""
    open_fds = {master: "tty", other.fileno(): "pipe"}
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [], 300)
        assert ready, f"no output for 300 s; terminal so far: {seen!r}"
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's last writer has gone
                chunk = b""
            if not chunk:
                del open_fds[fd]
            elif open_fds[fd] == "tty":
                seen += chunk
            else:
                piped += chunk
        if stdin_open_until and not proc.stdin.closed and stdin_open_until.encode() in seen:
            proc.stdin.close()
    os.close(master)
    return TtyRun(proc.wait(timeout=300), seen.decode(errors="replace"), piped.decode())


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """Five posts: 趣头条 at the second and at the first level, 武汉 in two of them."""
    root = tmp_path / "news"
    write_post(
        root,
        "a.md",
        "长沙新闻",
        "长沙的消息。",
        date="2021-07-10 10:00:00",
        categories=["新媒体", "趣头条"],
    )
    write_post(
        root,
        "b.md",
        "武汉新闻",
        "武汉的消息。",
        date="2021-07-11 10:00:00",
        categories=["新媒体", "趣头条", "分类"],
    )
    write_post(
        root, "c.md", "Another", "长沙 again.", date="2021-07-12 10:00:00", categories=["趣头条"]
    )
    write_post(
        root,
        "d.md",
        "Elsewhere",
        "武汉 and 长沙.",
        date="2021-07-13 10:00:00",
        categories=["新媒体", "cnBeta"],
    )
    write_post(root, "e.md", "Alone", "Nothing to see.", date="2021-07-14 10:00:00")
    return root


# ------------------------------------------------------------------ global flags


def test_debug_before_the_subcommand(news: Path) -> None:
    rows = json.loads(run("--debug", "list", "--limit", "1", str(news), "--json").stdout)
    assert [r["title"] for r in rows] == ["Alone"]


def test_config_before_the_subcommand_is_not_overwritten(news: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"collections = [{str(news)!r}]\n", encoding="utf-8")
    rows = json.loads(run("--config", str(config), "list", "--json").stdout)
    assert len(rows) == 5 and rows[0]["title"] == "Alone"
    rows = json.loads(run(f"--config={config}", "--debug", "list", "--json").stdout)
    assert len(rows) == 5
    # After the subcommand still works, and a bad config before it is still reported.
    assert len(json.loads(run("list", "--config", str(config), "--json").stdout)) == 5
    bad = tmp_path / "bad.toml"
    bad.write_text("collections = [", encoding="utf-8")
    result = run("--config", str(bad), "list", str(news), check=False)
    assert result.returncode == 2 and str(bad) in result.stderr


# ------------------------------------------------------------------ list --category


def _titles(items: list[dict[str, object]]) -> set[str]:
    return {str(i["title"]) for i in items}


def test_list_category_matches_any_level_like_the_query(news: Path) -> None:
    listed = json.loads(run("list", str(news), "--category", "趣头条", "--json").stdout)
    assert _titles(listed) == {"长沙新闻", "武汉新闻", "Another"}
    found = json.loads(run("search", "category:趣头条", str(news), "--json", "--limit", "0").stdout)
    assert _titles(listed) == _titles(found)
    assert [r["title"] for r in listed] == ["Another", "武汉新闻", "长沙新闻"]  # newest first
    deepest = json.loads(run("list", str(news), "--category", "分类", "--json").stdout)
    assert _titles(deepest) == {"武汉新闻"}


def test_list_category_path_and_title_sort(news: Path) -> None:
    path = json.loads(run("list", str(news), "--category", "新媒体/趣头条", "--json").stdout)
    assert _titles(path) == {"长沙新闻", "武汉新闻"}
    by_title = json.loads(
        run("list", str(news), "--category", "新媒体", "--sort", "title", "--json").stdout
    )
    assert [r["title"] for r in by_title] == ["Elsewhere", "武汉新闻", "长沙新闻"]
    none = json.loads(run("list", str(news), "--category", "nowhere", "--json").stdout)
    assert none == []


# ------------------------------------------------------------------ search -word


def test_search_excluded_word_needs_no_double_dash(news: Path) -> None:
    result = run("search", "-武汉", str(news), "--json", "--limit", "0")
    assert _titles(json.loads(result.stdout)) == {"长沙新闻", "Another", "Alone"}
    # The same as with --, and options around it still work.
    dashed = run("search", "--json", "--limit", "0", "--", "-武汉", str(news))
    assert json.loads(dashed.stdout) == json.loads(result.stdout)
    one = json.loads(run("search", "--limit", "1", "-武汉", str(news), "--json").stdout)
    assert len(one) == 1 and one[0]["title"] in {"长沙新闻", "Another", "Alone"}
    assert run("search", "-h").stdout.startswith("usage:")


def test_search_dash_word_is_not_taken_for_an_option_value(news: Path) -> None:
    result = run("search", "长沙", str(news), "--limit", "-3", check=False)
    assert result.returncode == 2 and "--limit: must be 0 or more" in result.stderr


# ------------------------------------------------------------------ empty answers


def test_zero_hits_on_a_terminal_piped_and_json(news: Path) -> None:
    argv = [sys.executable, "-m", "reader", "search", "nothinglikethis", str(news)]
    on_tty = run_on_tty(argv, tty="stdout")
    assert on_tty.returncode == 0
    assert on_tty.tty.strip() == "no matches"
    piped = run(*argv[3:])
    assert piped.stdout == ""
    assert json.loads(run(*argv[3:], "--json").stdout) == []
    listed = run_on_tty([*argv[:3], "list", str(news), "--category", "nowhere"], tty="stdout")
    assert (listed.returncode, listed.tty.strip()) == (0, "no matches")


def test_no_categories_on_a_terminal_piped_and_json(tmp_path: Path) -> None:
    root = tmp_path / "flat"
    write_post(root, "a.md", "No category here")
    argv = [sys.executable, "-m", "reader", "categories", str(root)]
    on_tty = run_on_tty(argv, tty="stdout")
    assert (on_tty.returncode, on_tty.tty.strip()) == (0, "no categories")
    assert run(*argv[3:]).stdout == ""
    assert json.loads(run(*argv[3:], "--json").stdout) == []


# ------------------------------------------------------------------ refresh progress


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_late_progress_is_silent_for_half_a_second_then_draws() -> None:
    clock = _Clock()
    drawn: list[Progress] = []
    late = LateProgress(lambda: drawn.append, clock=clock, timer=False)
    late(Progress("scan", 10, 0))
    clock.now += 0.49
    late(Progress("parse", 1, 5))
    assert drawn == [] and not late.shown
    clock.now += 0.02
    late(Progress("parse", 2, 5))
    assert [p.done for p in drawn] == [2] and late.shown
    late(Progress("done", 5, 5))
    assert drawn[-1].phase == "done"
    late(Progress("parse", 3, 5))  # after done: nothing more
    assert len(drawn) == 2


def test_late_progress_quick_refresh_draws_nothing() -> None:
    clock = _Clock()
    drawn: list[Progress] = []
    late = LateProgress(lambda: drawn.append, clock=clock, timer=False)
    late(Progress("parse", 1, 5))
    clock.now += 0.2
    late(Progress("done", 5, 5))
    clock.now += 5
    late.close()
    assert drawn == [] and not late.shown


def test_late_progress_closed_after_a_failure_takes_the_bar_down() -> None:
    clock = _Clock()
    drawn: list[Progress] = []
    late = LateProgress(lambda: drawn.append, clock=clock, timer=False)
    clock.now += 1
    late(Progress("parse", 1, 5))
    late.close()
    assert [p.phase for p in drawn] == ["parse", "done"]


# A refresh that reports "parse 1/3" until its stdin is closed, and for at least 0.6 s.
_SLOW_REFRESH = """
import sys, time, select
from reader.library import index
from reader.library.model import Progress

real = index.Collection.refresh

def slow(self, progress=None, **kw):
    start = time.monotonic()
    while True:
        if progress is not None:
            progress(Progress("parse", 1, 3, "reading"))
        done = select.select([sys.stdin], [], [], 0.05)[0] and not sys.stdin.read(1)
        if done and time.monotonic() - start > 0.6:
            break
    return real(self, progress, **kw)

index.Collection.refresh = slow
from reader.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_slow_refresh_shows_progress_on_a_terminal_stderr(news: Path) -> None:
    argv = [sys.executable, "-c", _SLOW_REFRESH, "search", "长沙", str(news), "--json"]
    result = run_on_tty(argv, tty="stderr", stdin_open_until="1/3")
    assert result.returncode == 0
    assert "1/3" in result.tty and "parse" in result.tty
    assert len(json.loads(result.piped)) == 3


def test_slow_refresh_shows_nothing_when_stderr_is_piped(news: Path) -> None:
    argv = [sys.executable, "-c", _SLOW_REFRESH, "list", str(news), "--json"]
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0
    assert result.stderr == ""
    assert len(json.loads(result.stdout)) == 5
