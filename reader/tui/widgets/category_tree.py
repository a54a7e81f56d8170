"""The category pane: reading marks, the category hierarchy and facets, with counts.

Labels are rich ``Text`` built from plain strings (a category called ``[b]x`` shows as is).
Facet groups (source, tag, month) are filled when first expanded, so a collection with
thousands of tags costs nothing until asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reader.tui.backend import ListFilter
from reader.tui.rows import count_label

if TYPE_CHECKING:
    from reader.library.index import ArticleRow

CountRow = tuple[str, int, int]
"""(name, total, unread)"""

FACETS: tuple[tuple[str, str], ...] = (
    ("author", "By source"),
    ("tag", "By tag"),
    ("month", "By month"),
)


@dataclass(slots=True)
class Counts:
    """Everything the tree shows, read in one go by a background worker."""

    total: int = 0
    unread: int = 0
    starred: int = 0
    categories: list[tuple[tuple[str, ...], int, int]] = field(default_factory=list)
    facets: dict[str, list[CountRow]] = field(default_factory=dict)

    def adjust(self, row: ArticleRow, *, unread: int = 0, starred: int = 0) -> None:
        """Apply one article's read/star change without asking the index (cheap at 100k)."""
        self.unread += unread
        self.starred += starred
        if not unread:
            return
        prefixes = {tuple(path[:n]) for path in row.categories for n in range(1, len(path) + 1)}
        self.categories = [
            (path, total, count + unread if tuple(path) in prefixes else count)
            for path, total, count in self.categories
        ]
        wanted = {
            "author": set((row.author or "").split(", ")) - {""},
            "tag": set(row.tags),
            "month": {row.date.strftime("%Y-%m")} if row.date else set(),
        }
        for kind, values in self.facets.items():
            hits = wanted.get(kind, set())
            self.facets[kind] = [
                (value, total, count + unread if value in hits else count)
                for value, total, count in values
            ]


@dataclass(frozen=True, slots=True)
class FacetGroup:
    """Data of a facet group node (not a filter itself)."""

    kind: str


NodeData = ListFilter | FacetGroup


class CategoryTree(Tree[NodeData]):
    """Filters for the article list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="tree.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="tree.up"),
        Binding("enter", "select_cursor", "Show in list", id="tree.select"),
        Binding("space", "toggle_node", "Expand/collapse", show=False, id="tree.toggle"),
        Binding("l,right", "expand_or_list", "Expand", show=False, id="tree.expand"),
        Binding("h,left", "collapse_or_parent", "Collapse", show=False, id="tree.collapse"),
        Binding("escape", "to_list", "Back to list", show=False, id="tree.back"),
        Binding("g,home", "scroll_home", "First", show=False, id="tree.first"),
        Binding("G,end", "scroll_end", "Last", show=False, id="tree.last"),
    ]

    class ToList(Message):
        """``l`` on a leaf: move on to the list."""

    class FacetWanted(Message):
        """A facet group was expanded and needs its values."""

        def __init__(self, kind: str) -> None:
            super().__init__()
            self.kind = kind

    def _node_depth(self, node: TreeNode[NodeData]) -> int:
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        return depth

    def _prefix_width(self, node: TreeNode[NodeData]) -> int:
        icon = self.ICON_NODE if node.allow_expand else ""
        return self._node_depth(node) * self.guide_depth + len(icon)

    def render_label(self, node: TreeNode[NodeData], base_style: Style, style: Style) -> Text:
        """The label, its name elided with … so that the counts are never cut."""
        text = super().render_label(node, base_style, style)
        room = self.scrollable_content_region.width - self._node_depth(node) * self.guide_depth
        if room <= 0 or text.cell_len <= room or not node._label.spans:
            return text
        counts_start = len(text) - (len(node._label) - node._label.spans[-1].start)
        name, counts = text[:counts_start], text[counts_start:]
        name.truncate(max(1, room - counts.cell_len), overflow="ellipsis")
        return Text.assemble(name, counts, no_wrap=True, end="")

    def natural_width(self) -> int:
        """Cells the widest visible line needs, names not elided."""
        lines = self._tree_lines
        if not lines:
            return 0
        return max(self._prefix_width(line.node) + line.node._label.cell_len for line in lines)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("Library"), id=id)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._by_data: dict[NodeData, TreeNode[NodeData]] = {}
        self._structure: tuple[object, ...] = ()
        self._facet_values: dict[str, list[CountRow]] = {}
        self._auto_opened = False

    @property
    def expanded_facets(self) -> list[str]:
        """Facet kinds whose group is open (their counts are refreshed too)."""
        return [
            data.kind
            for data, node in self._by_data.items()
            if isinstance(data, FacetGroup) and node.is_expanded
        ]

    def node_for(self, data: NodeData) -> TreeNode[NodeData] | None:
        return self._by_data.get(data)

    def select_filter(self, list_filter: ListFilter) -> None:
        """Put the cursor on ``list_filter``'s node (without selecting it)."""
        node = self._by_data.get(list_filter)
        if node is not None:
            parent = node.parent
            while parent is not None:
                parent.expand()
                parent = parent.parent
            self._move_to(node)

    def _move_to(self, node: TreeNode[NodeData]) -> None:
        """Move the cursor now (line numbers are rebuilt first after expand/clear)."""
        _ = self._tree_lines  # rebuilds the line map so node.line is current
        self.move_cursor(node, animate=False)

    def apply_counts(self, counts: Counts) -> None:
        """Show new counts; rebuild only when the set of nodes changed."""
        self._facet_values.update(counts.facets)
        structure = (
            tuple(path for path, _, _ in counts.categories),
            tuple(
                (kind, tuple(v[0] for v in values)) for kind, values in self._facet_values.items()
            ),
        )
        if structure == self._structure and self._by_data:
            self._relabel(counts)
        else:
            self._rebuild(counts)
            self._structure = structure

    def _fixed(self, counts: Counts) -> list[tuple[ListFilter, Text]]:
        return [
            (ListFilter("all"), count_label("All articles", counts.unread, counts.total)),
            (ListFilter("unread"), count_label("Unread", None, counts.unread)),
            (ListFilter("starred"), count_label("Starred", None, counts.starred)),
        ]

    def _relabel(self, counts: Counts) -> None:
        for data, label in self._fixed(counts):
            self._by_data[data].set_label(label)
        for path, total, unread in counts.categories:
            node = self._by_data.get(ListFilter("category", tuple(path)))
            if node is not None:
                node.set_label(count_label(path[-1], unread, total))
        for kind, values in counts.facets.items():
            for value, total, unread in values:
                node = self._by_data.get(ListFilter(kind, (value,)))  # type: ignore[arg-type]
                if node is not None:
                    node.set_label(count_label(value, unread, total))

    def _rebuild(self, counts: Counts) -> None:
        cursor = self.cursor_node.data if self.cursor_node is not None else None
        auto_open = not self._auto_opened and bool(counts.categories)
        if auto_open:
            self._auto_opened = True
        expanded = {data for data, node in self._by_data.items() if node.is_expanded}
        self.clear()
        self._by_data = {}
        root = self.root
        for data, label in self._fixed(counts):
            self._by_data[data] = root.add_leaf(label, data)
        top_level = [path for path, _, _ in counts.categories if len(path) == 1]
        open_top = len(top_level) <= 8
        for path, total, unread in sorted(counts.categories, key=lambda c: c[0]):
            if not path:
                continue
            path = tuple(path)
            parent = self._by_data.get(ListFilter("category", path[:-1])) if len(path) > 1 else None
            parent = parent or root
            data = ListFilter("category", path)
            node = parent.add(count_label(path[-1], unread, total), data, allow_expand=False)
            self._by_data[data] = node
            if parent is not root:
                parent.allow_expand = True
                if (auto_open and open_top and len(path) == 2) or parent.data in expanded:
                    parent.expand()
        for kind, title in FACETS:
            if self._facet_values.get(kind) == []:
                continue  # known to be empty: hidden
            group_data = FacetGroup(kind)
            group = root.add(Text(title, style="bold"), group_data, allow_expand=True)
            self._by_data[group_data] = group
            values = self._facet_values.get(kind)
            if values is not None:
                self._fill_facet(group, kind, values)
                if group_data in expanded:
                    group.expand()
        if cursor is not None and cursor in self._by_data:
            self._move_to(self._by_data[cursor])
        elif self.cursor_line < 0:
            self.cursor_line = 0

    def _fill_facet(self, group: TreeNode[NodeData], kind: str, values: list[CountRow]) -> None:
        group.remove_children()
        if not values:  # nothing to filter by: the group goes away
            self._by_data.pop(FacetGroup(kind), None)
            if self.cursor_node is group:
                self.cursor_line = max(0, self.cursor_line - 1)
            group.remove()
            return
        for value, total, unread in values:
            data = ListFilter(kind, (value,))  # type: ignore[arg-type]
            self._by_data[data] = group.add_leaf(count_label(value, unread, total), data)

    def set_facet(self, kind: str, values: list[CountRow]) -> None:
        """Fill a facet group with values read in the background."""
        self._facet_values[kind] = values
        group = self._by_data.get(FacetGroup(kind))
        if group is not None:
            self._fill_facet(group, kind, values)
            self._structure = ()

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        data = event.node.data
        if isinstance(data, FacetGroup) and data.kind not in self._facet_values:
            event.node.add_leaf(Text("loading…", style="dim"), None)
            self.post_message(self.FacetWanted(data.kind))

    def action_to_list(self) -> None:
        self.post_message(self.ToList())

    def action_expand_or_list(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        else:
            self.post_message(self.ToList())

    def action_collapse_or_parent(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self._move_to(node.parent)
