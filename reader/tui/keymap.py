"""Binding ids, keymap validation and the generated key reference (help screen, KEYS.md).

Every binding of the app carries an id such as ``list.toggle_read``; ``[keymap]`` in the
config maps ids to comma-separated keys and is applied with ``App.set_keymap``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.keys import Keys, format_key, key_to_character

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(
    {k.value.rsplit("+", 1)[-1] for k in Keys}
    | {"space", "enter", "tab", "backspace", "escape", "delete", "insert"}
)


@dataclass(frozen=True, slots=True)
class KeyRow:
    """One line of the key reference."""

    section: str
    id: str
    keys: str
    description: str


def binding_sections() -> list[tuple[str, list[Binding]]]:
    """Every section of the app with its bindings, in display order."""
    from reader.tui.app import ReaderApp
    from reader.tui.screens.help import HelpScreen
    from reader.tui.screens.links import LinkPrompt
    from reader.tui.screens.main import MainScreen
    from reader.tui.widgets.article_list import ArticleList
    from reader.tui.widgets.article_view import ArticleView
    from reader.tui.widgets.category_tree import CategoryTree
    from reader.tui.widgets.search_bar import SearchInput

    sources = [
        ("Everywhere", ReaderApp),
        ("Main screen", MainScreen),
        ("Categories", CategoryTree),
        ("Article list", ArticleList),
        ("Article", ArticleView),
        ("Search", SearchInput),
        ("Link picker", LinkPrompt),
        ("Help", HelpScreen),
    ]
    sections = []
    for title, cls in sources:
        bindings = [b for b in cls.BINDINGS if isinstance(b, Binding) and b.id]
        sections.append((title, bindings))
    return sections


def known_ids() -> set[str]:
    """All binding ids (what ``[keymap]`` may name)."""
    return {b.id for _, bindings in binding_sections() for b in bindings if b.id}


def _check_key(key: str) -> bool:
    if not key:
        return False
    if len(key) == 1:
        return key.isprintable() and key != " "
    *modifiers, name = key.split("+")
    if not name:
        return False
    if any(m not in MODIFIERS for m in modifiers):
        return False
    if len(name) == 1:
        return name.isprintable() and name != " "
    return name in _NAMED_KEYS or key_to_character(name) is not None


def validate_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """Check ids and keys of a ``[keymap]``; raise ``ValueError`` with a one-line message."""
    ids = known_ids()
    clean: dict[str, str] = {}
    for action_id, keys in keymap.items():
        if action_id not in ids:
            raise ValueError(
                f"[keymap]: unknown action id {action_id!r} (see docs/KEYS.md for the list)"
            )
        if not isinstance(keys, str) or not keys.strip():
            raise ValueError(f"[keymap] {action_id}: no keys given")
        parts = [k.strip() for k in keys.split(",")]
        for part in parts:
            if not _check_key(part):
                raise ValueError(
                    f"[keymap] {action_id}: malformed key {part!r} "
                    "(use names like 'j', 'ctrl+d', 'pagedown', 'question_mark')"
                )
        clean[action_id] = ",".join(parts)
    return clean


def display_keys(keys: str) -> str:
    """``"question_mark,ctrl+d"`` → ``"?, ctrl+d"``."""
    shown = []
    for key in keys.split(","):
        key = key.strip()
        *modifiers, name = key.split("+")
        shown.append("+".join([*modifiers, format_key(name)]))
    return ", ".join(shown)


def key_rows(keymap: Mapping[str, str] | None = None) -> list[KeyRow]:
    """The key reference with ``keymap`` applied."""
    keymap = keymap or {}
    rows = []
    for section, bindings in binding_sections():
        for binding in bindings:
            assert binding.id
            keys = keymap.get(binding.id, binding.key)
            rows.append(KeyRow(section, binding.id, display_keys(keys), binding.description))
    return rows


def keys_markdown() -> str:
    """docs/KEYS.md, generated from the bindings (``python -m reader.tui.keymap``)."""
    lines = [
        "# Keys",
        "",
        "Generated from the bindings by `python -m reader.tui.keymap > docs/KEYS.md`;",
        "`tests/test_tui_keys.py` checks that it is current.",
        "",
        "Every binding has an id. Remap keys in `config.toml`:",
        "",
        "```toml",
        "[keymap]",
        '"list.down" = "j,down"',
        '"article.toggle_star" = "f"',
        "```",
        "",
        "Keys are Textual key names: a character (`j`, `G`), a name (`down`, `pagedown`,",
        "`space`, `question_mark`, `slash`), optionally with modifiers (`ctrl+d`). Several keys",
        "are separated by commas. An unknown id or a malformed key stops newsreader with a",
        "one-line error.",
        "",
        "Links: in an article, `L` opens the link picker; typing a digit `1`–`9` opens it",
        "pre-filled with that digit (type more digits for links ≥ 10), Enter opens the link.",
        "",
    ]
    section = None
    for row in key_rows():
        if row.section != section:
            section = row.section
            lines += ["", f"## {section}", "", "| keys | action | id |", "|---|---|---|"]
        keys = row.keys.replace("|", "\\|")
        lines.append(f"| `{keys}` | {row.description} | `{row.id}` |")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(keys_markdown(), end="")
