"""Panes: layout classes, focus between panes, the tree, filters and sort order."""

from __future__ import annotations

from dataclasses import replace

from textual import on

from reader.tui.backend import ListFilter
from reader.tui.session.base import SEARCH_SORTS, SORTS, ScreenBase
from reader.tui.uistate import save_ui_state
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.category_tree import CategoryTree
from reader.tui.widgets.search_bar import SearchInput

Pane = CategoryTree | ArticleList | ArticleView | SearchInput

TREE_MIN = 26
"""The category pane's width when its content is narrower (and its default)."""
TREE_MAX = 48
"""The widest the pane grows by itself (never over a third of the screen)."""
TREE_STEP = 4


class PanesMixin(ScreenBase):
    """Wide: tree | list | article. Narrow: the list or the article, the tree on ``t``."""

    def _apply_layout(self) -> None:
        wide = self.wide
        tree_visible = self.tree_visible if self.tree_visible is not None else wide
        self.set_class(not wide, "-narrow")
        self.set_class(not tree_visible, "-no-tree")
        self.set_class(self._reading, "-reading")
        self.fit_tree()

    def fit_tree(self) -> None:
        """Size the category pane: the user's width, else its content within limits."""
        tree = self.category_tree
        width = self.reader_app.ui_state.tree_width
        if width is None:
            chrome = 3  # borders and the scrollbar
            limit = max(TREE_MIN, min(TREE_MAX, self.size.width // 3))
            width = max(TREE_MIN, min(limit, tree.natural_width() + chrome))
        width = max(12, min(width, max(12, self.size.width // 2)))
        if tree.styles.width is None or tree.styles.width.cells != width:
            tree.styles.width = width

    def _resize_tree(self, step: int) -> None:
        current = self.category_tree.outer_size.width or TREE_MIN
        ui_state = self.reader_app.ui_state
        ui_state.tree_width = max(12, min(current + step, max(12, self.size.width // 2)))
        self.fit_tree()
        save_ui_state(ui_state)

    def action_tree_wider(self) -> None:
        self._resize_tree(TREE_STEP)

    def action_tree_narrower(self) -> None:
        self._resize_tree(-TREE_STEP)

    @on(CategoryTree.NodeExpanded)
    @on(CategoryTree.NodeCollapsed)
    def _tree_changed(self) -> None:
        self.call_after_refresh(self.fit_tree)

    def _set_reading(self, reading: bool) -> None:
        self._reading = reading
        self._apply_layout()

    def _panes(self) -> list[Pane]:
        panes: list[Pane] = [self.search_bar.input]
        for pane in (self.category_tree, self.article_list, self.view):
            if pane.display and pane.styles.display != "none" and pane.region.width > 0:
                panes.append(pane)
        return panes

    def _cycle_focus(self, step: int) -> None:
        panes = [p for p in self._panes() if not isinstance(p, SearchInput)]
        if not panes:
            return
        focused = self.focused
        index = panes.index(focused) if focused in panes else -1
        self.set_focus(panes[(index + step) % len(panes)])

    def action_focus_next_pane(self) -> None:
        self._cycle_focus(1)

    def action_focus_previous_pane(self) -> None:
        self._cycle_focus(-1)

    def action_toggle_tree(self) -> None:
        visible = not self.has_class("-no-tree")
        self.tree_visible = not visible
        self._apply_layout()
        if self.tree_visible:
            self.set_focus(self.category_tree)
        elif self.category_tree.has_focus:
            self.set_focus(self.article_list)

    @on(CategoryTree.NodeSelected)
    def _node_selected(self, event: CategoryTree.NodeSelected[object]) -> None:
        data = event.node.data
        if not isinstance(data, ListFilter):
            event.node.toggle()
            return
        self.choose_filter(data)
        self.set_focus(self.article_list)

    def choose_filter(self, list_filter: ListFilter) -> None:
        """Show ``list_filter`` in the list (leaving any search)."""
        if self.search is not None:
            self._clear_search_input()
        self.search = None
        self.filter = replace(list_filter, hide_duplicates=self.hide_duplicates)
        self._update_titles()
        self.load_ids(list_filter, self.sort, None)

    @on(CategoryTree.ToList)
    def _tree_to_list(self) -> None:
        self.set_focus(self.article_list)

    @on(ArticleList.ToTree)
    def _list_to_tree(self) -> None:
        if not self.has_class("-no-tree"):
            self.set_focus(self.category_tree)

    def set_sort(self, sort: str) -> None:
        if self.search is not None:
            if sort not in SEARCH_SORTS:
                sort = "date"
            self.search_sort = sort
            self.run_search(self.search.query, keep=True)
        else:
            self.sort = sort
            self.load_ids(self.filter, self.sort, self.article_list.cursor_id)
        self._update_titles()
        self.notify(f"Sorted by {sort}.", timeout=2)

    def action_cycle_sort(self) -> None:
        if self.search is not None:
            options, current = SEARCH_SORTS, self.search_sort
        else:
            options, current = SORTS, self.sort
        self.set_sort(options[(options.index(current) + 1) % len(options)])

    def action_show_unread(self) -> None:
        """``u``: the Unread view, or back to all articles when it is shown."""
        wanted = ListFilter("all") if self.filter.kind == "unread" else ListFilter("unread")
        self.choose_filter(wanted)
        self.category_tree.select_filter(wanted)
