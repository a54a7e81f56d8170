"""The user's configuration file: ``config.toml`` in the user config directory.

```toml
collections = ["~/news", "~/blog/content"]
theme = "textual-dark"      # any Textual theme name, or "ansi" for the terminal's own palette
mouse = true
watch = true                # the TUI shows new, changed and deleted articles live
tree_width = 30             # category pane width in cells (default: fits its content)

[keymap]                    # action id = "comma,separated,keys"
"list.down" = "j,down"
```
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader import paths
from reader.library.model import Record


class ConfigError(Exception):
    """The config file exists but cannot be used; the message names the file and the problem."""


class Config(Record):
    """Settings read from ``config.toml`` (all optional).

    ``watch``: the TUI watches the collections for changes (``--no-watch`` turns it off);
    ``tree_width``: category pane width in cells at start (``<``/``>`` still resize it),
    None to fit its content.
    """

    __slots__ = ("collections", "keymap", "mouse", "path", "theme", "tree_width", "watch")

    def __init__(
        self,
        collections: list[Path] | None = None,
        theme: str | None = None,
        mouse: bool = True,
        keymap: dict[str, str] | None = None,
        path: Path | None = None,
        watch: bool = True,
        tree_width: int | None = None,
    ) -> None:
        self.collections: list[Path] = [] if collections is None else collections
        self.theme = theme
        self.mouse = mouse
        self.keymap: dict[str, str] = {} if keymap is None else keymap
        self.path = path
        self.watch = watch
        self.tree_width = tree_width


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives the defaults, a broken one raises ConfigError."""
    path = path or paths.config_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path=path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror or exc}") from exc
    # imported only when there is a file (~5 ms of every CLI call otherwise)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: malformed config file: {exc}") from exc
    return _from_dict(data, path)


def _from_dict(data: dict[str, object], path: Path) -> Config:
    config = Config(path=path)
    collections = data.get("collections", [])
    if isinstance(collections, str):
        collections = [collections]
    if not isinstance(collections, list) or not all(isinstance(c, str) for c in collections):
        raise ConfigError(f"{path}: 'collections' must be a list of paths")
    config.collections = [Path(c).expanduser() for c in collections]
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise ConfigError(f"{path}: 'theme' must be a string")
    config.theme = theme
    mouse = data.get("mouse", True)
    if not isinstance(mouse, bool):
        raise ConfigError(f"{path}: 'mouse' must be true or false")
    config.mouse = mouse
    watch = data.get("watch", True)
    if not isinstance(watch, bool):
        raise ConfigError(f"{path}: 'watch' must be true or false")
    config.watch = watch
    tree_width = data.get("tree_width")
    if tree_width is not None and (
        isinstance(tree_width, bool)
        or not isinstance(tree_width, int)
        or not 12 <= tree_width <= 200
    ):
        raise ConfigError(f"{path}: 'tree_width' must be a whole number from 12 to 200")
    config.tree_width = tree_width
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
    ):
        raise ConfigError(f"{path}: [keymap] must map action ids to key strings")
    config.keymap = dict(keymap)
    unknown = set(data) - {"collections", "theme", "mouse", "watch", "tree_width", "keymap"}
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
    return config
