"""Pilot tests of article actions: open URL, copy URL, links, $EDITOR, $PAGER, re-index, sort."""

from __future__ import annotations

import contextlib
import shlex
import sys
from pathlib import Path

import pytest
from test_tui_support import make_app, screen_text, settle, small_collection, write_post

from reader.tui.screens.links import LinkPrompt
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView


def linked_collection(root: Path) -> Path:
    body = "See [one](https://one.example/) and [two](https://two.example/x?a=1&b=[2]).\n\n" + (
        "\n\n".join(f"Paragraph {n} [link {n}](https://example.com/{n})" for n in range(3, 13))
    )
    write_post(root, "links.md", title="Links", body=body, url="https://source.example/post")
    return root


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records URLs the app asks the browser to open (none are really opened)."""
    urls: list[str] = []
    from reader.tui.app import ReaderApp

    monkeypatch.setattr(ReaderApp, "open_url", lambda self, url, new_tab=True: urls.append(url))
    return urls


async def test_o_opens_source_url_only_on_key(tmp_path: Path, opened: list[str]) -> None:
    app = make_app(linked_collection(tmp_path / "c"))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert opened == []  # opening an article never opens a browser
        await pilot.press("o")
        assert opened == ["https://source.example/post"]
        assert "Opening https://source.example/post" in screen_text(app)


async def test_y_copies_url_and_shows_it(tmp_path: Path) -> None:
    app = make_app(linked_collection(tmp_path / "c"))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == "https://source.example/post"
        assert "Copied https://source.example/post" in screen_text(app)


async def test_links_by_number(tmp_path: Path, opened: list[str]) -> None:
    app = make_app(linked_collection(tmp_path / "c"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        links = view.article.links  # type: ignore[union-attr]
        assert len(links) >= 12
        # A digit opens the picker pre-filled; more digits pick links ≥ 10.
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, LinkPrompt)
        await pilot.press("1", "enter")
        await pilot.pause()
        assert opened == [links[10]]
        # L opens it empty; Escape cancels.
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, LinkPrompt)
        assert "two.example" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("L", "2", "enter")
        await pilot.pause()
        assert opened == [links[10], links[1]]
        # Out of range: a warning, nothing opened.
        await pilot.press("L", "9", "9", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LinkPrompt)
        assert opened == [links[10], links[1]]
        await pilot.press("escape")


class _Suspended:
    def __init__(self) -> None:
        self.count = 0

    @contextlib.contextmanager
    def __call__(self):
        self.count += 1
        yield


def _recorder(out: Path, stdin: bool) -> str:
    code = (
        "import sys; open(sys.argv[1], 'w', encoding='utf-8').write("
        + ("sys.stdin.read()" if stdin else "'\\n'.join(sys.argv[2:])")
        + ")"
    )
    return shlex.join([sys.executable, "-c", code, str(out)])


async def test_e_opens_file_in_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_collection(tmp_path / "c", 3)
    out = tmp_path / "editor-args.txt"
    monkeypatch.setenv("VISUAL", _recorder(out, stdin=False))
    app = make_app(root)
    suspended = _Suspended()
    monkeypatch.setattr(app, "suspend", suspended)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = app.screen.query_one(ArticleList).cursor_row
        await pilot.press("e")
        await settle(pilot)
        assert suspended.count == 1
        assert out.read_text(encoding="utf-8") == str(row.path)  # type: ignore[union-attr]


async def test_p_pipes_article_to_pager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_collection(tmp_path / "c", 3)
    out = tmp_path / "pager.txt"
    monkeypatch.setenv("PAGER", _recorder(out, stdin=True))
    app = make_app(root)
    monkeypatch.setattr(app, "suspend", _Suspended())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        text = out.read_text(encoding="utf-8")
        view = app.screen.query_one(ArticleView)
        assert view.row is not None and view.row.title in text
        assert "第2篇的第39段" in text


async def test_suspend_unsupported_is_a_notice(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 2)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:  # headless: cannot suspend
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        assert app.is_running
        notices = [n.message for n in app._notifications]
        assert any("Cannot suspend" in message for message in notices), notices


async def test_r_reindexes_and_keeps_the_cursor(tmp_path: Path) -> None:
    root = small_collection(tmp_path / "c", 10)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        await pilot.press("j", "j", "j")
        chosen = article_list.cursor_id
        write_post(root, "newest.md", title="Brand new", date="2030-01-01 00:00:00")
        await pilot.press("r")
        await settle(pilot)
        assert article_list.count == 11
        assert article_list.row_at(0).title == "Brand new"  # type: ignore[union-attr]
        assert article_list.cursor_id == chosen  # did not jump
        assert "11 indexed (+1)" in screen_text(app)


async def test_sort_key_cycles_date_and_title(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_post(root, "a.md", title="beta", date="2021-01-03 00:00:00")
    write_post(root, "b.md", title="Alpha", date="2021-01-01 00:00:00")
    write_post(root, "c.md", title="gamma", date="2021-01-02 00:00:00")
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)

        def titles() -> list[str]:
            return [article_list.row_at(i).title for i in range(3)]  # type: ignore[union-attr]

        assert titles() == ["beta", "gamma", "Alpha"]
        await pilot.press("S")
        await settle(pilot)
        assert titles() == ["Alpha", "beta", "gamma"]
        assert "sort: title" in screen_text(app)
        await pilot.press("S")
        await settle(pilot)
        assert titles() == ["beta", "gamma", "Alpha"]
