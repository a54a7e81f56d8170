"""Print docs/KEYS.md from the app's bindings: ``python -m reader.tui.keysdoc > docs/KEYS.md``."""

from __future__ import annotations

from reader.tui.app import binding_sections
from reader.tui.keymap import key_rows, keys_markdown


def main() -> None:
    """Write the key reference to stdout."""
    print(keys_markdown(key_rows(binding_sections())), end="")


if __name__ == "__main__":  # pragma: no cover
    main()
