"""Pilot tests of the category pane: counts never cut, width, resizing, empty facets."""

from __future__ import annotations

from pathlib import Path

from test_tui_support import make_app, screen_text, settle, write_post

from reader.tui.session.panes import TREE_STEP
from reader.tui.uistate import load_ui_state
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.category_tree import CategoryTree, FacetGroup

LONG = "A category with a really remarkably long name that cannot fit"


def collection(root: Path) -> Path:
    for n in range(12):
        write_post(root, f"p{n:02d}.md", title=f"Post {n}", categories=[LONG])
    return root


def tree_lines(text: str) -> list[str]:
    return [line.split("││")[0] for line in text.splitlines() if line.startswith("│")]


async def test_counts_never_cut_and_names_elided(tmp_path: Path) -> None:
    app = make_app(collection(tmp_path / "c"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CategoryTree)
        assert tree.outer_size.width == 40  # grew with its content, up to a third
        lines = tree_lines(screen_text(app))
        long_line = next(line for line in lines if line.startswith("│A category"))
        assert long_line.rstrip(" │").endswith("…  12/12"), long_line
        assert any("All articles  12/12" in line for line in lines)
        # At 140 columns with no article open the list has the room.
        await pilot.resize_terminal(140, 40)
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        view = app.screen.query_one(ArticleView)
        assert article_list.outer_size.width > view.outer_size.width


async def test_tree_resized_by_keys_and_remembered(tmp_path: Path) -> None:
    root = collection(tmp_path / "c")
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CategoryTree)
        before = tree.outer_size.width
        await pilot.press("greater_than_sign", "greater_than_sign", "less_than_sign")
        await pilot.pause()
        assert tree.outer_size.width == before + 4
    assert load_ui_state().tree_width == before + 4
    again = make_app(root)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.screen.query_one(CategoryTree).outer_size.width == before + 4


async def test_empty_facets_are_hidden(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_post(root, "a.md", title="No tags here")
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CategoryTree)
        node = tree.node_for(FacetGroup("tag"))
        assert node is not None
        node.expand()
        await settle(pilot)
        assert tree.node_for(FacetGroup("tag")) is None
        assert "By tag" not in screen_text(app)
        assert "(none)" not in screen_text(app)


async def test_tree_width_from_the_config_file(tmp_path: Path) -> None:
    """``tree_width`` in config.toml sets the pane at start (content alone would give 40)."""
    config_file = tmp_path / "config.toml"
    config_file.write_text("tree_width = 30\n", "utf-8")
    from reader.config import load_config

    config = load_config(config_file)
    assert config.tree_width == 30
    app = make_app(collection(tmp_path / "c"), tree_width=config.tree_width)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CategoryTree)
        assert tree.outer_size.width == 30
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert tree.outer_size.width == 30 + TREE_STEP  # the keys still resize it


def test_tree_width_in_the_config_file_is_checked(tmp_path: Path) -> None:
    import pytest

    from reader.config import ConfigError, load_config

    config_file = tmp_path / "config.toml"
    for bad in ("tree_width = 3", 'tree_width = "wide"', "tree_width = true"):
        config_file.write_text(bad + "\n", "utf-8")
        with pytest.raises(ConfigError, match="tree_width"):
            load_config(config_file)
