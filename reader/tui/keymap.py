"""Binding ids, keymap validation and the generated key reference (help screen, KEYS.md).

Every binding of the app carries an id such as ``list.toggle_read``; ``[keymap]`` in the
config maps ids to comma-separated keys and is applied with ``App.set_keymap``.
Pure: the binding sections are passed in (the app owns the list, see
``reader.tui.app.binding_sections``), so this module imports no screen or widget.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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


Section = tuple[str, Sequence[Binding]]
"""A section title and its bindings (those with an id), in display order."""


def section_of(title: str, bindings: Iterable[object]) -> Section:
    """The bindings of a ``BINDINGS`` list that carry an id, as one section."""
    return (title, [b for b in bindings if isinstance(b, Binding) and b.id])


def known_ids(sections: Iterable[Section]) -> set[str]:
    """All binding ids (what ``[keymap]`` may name)."""
    return {b.id for _, bindings in sections for b in bindings if b.id}


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


def validate_keymap(keymap: Mapping[str, str], ids: set[str]) -> dict[str, str]:
    """Check ids and keys of a ``[keymap]``; raise ``ValueError`` with a one-line message."""
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


def key_rows(sections: Iterable[Section], keymap: Mapping[str, str] | None = None) -> list[KeyRow]:
    """The key reference with ``keymap`` applied."""
    keymap = keymap or {}
    rows = []
    for section, bindings in sections:
        for binding in bindings:
            assert binding.id
            keys = keymap.get(binding.id, binding.key)
            rows.append(KeyRow(section, binding.id, display_keys(keys), binding.description))
    return rows


def keys_markdown(rows: Iterable[KeyRow]) -> str:
    """docs/KEYS.md, generated from the bindings (``python -m reader.tui.keysdoc``)."""
    lines = [
        "# Keys",
        "",
        "Generated from the bindings by `python -m reader.tui.keysdoc > docs/KEYS.md`;",
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
    for row in rows:
        if row.section != section:
            section = row.section
            lines += ["", f"## {section}", "", "| keys | action | id |", "|---|---|---|"]
        keys = row.keys.replace("|", "\\|")
        lines.append(f"| `{keys}` | {row.description} | `{row.id}` |")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"
