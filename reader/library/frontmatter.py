"""Split and parse YAML (``---``), TOML (``+++``) and JSON (``{…}``) front matter, robustly.

A hand splitter is used rather than python-frontmatter (1.3): that library returns no
metadata when a BOM precedes the fence, needs the third-party ``toml`` package for TOML, raises
on one bad timestamp or any YAML syntax error, and would expand a YAML alias bomb.
Failures never raise: what can be recovered is kept and the problem becomes a warning.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from typing import Any

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "MAX_YAML_NODES",
    "FrontMatter",
    "parse_front_matter",
    "simple_yaml",
    "split_front_matter",
]

MAX_YAML_NODES = 20_000
"""Largest YAML document (counted with aliases expanded) accepted: stops "billion laughs"."""

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """Safe loader whose timestamps degrade to strings instead of failing the document."""


def _timestamp(loader: Any, node: yaml.Node) -> object:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, TypeError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

# -- the fast path: flat YAML as news scrapers write it ----------------------------------
#
# PyYAML builds Python objects in Python even with libyaml: ~140 µs for a typical Hexo
# header, three quarters of the metadata pass. Most headers are flat "key: scalar" lines
# and "- item" lists; those are read here with PyYAML's own resolver and scalar
# constructors, so the result is identical. Anything else returns None and goes to PyYAML.

_KEY_LINE = re.compile(r"([^\s#'\"\[\]{}&*!|>%@`,?:-][^:#'\"]*?):(?:[ ]+(.*))?\Z")
_ITEM_LINE = re.compile(r"( *)-(?:[ ]+(.*))?\Z")
_DOUBLE = re.compile(r'"([^"\\]*)"\Z')
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_RESOLVERS: dict[Any, list[tuple[str, re.Pattern[str]]]] = _Loader.yaml_implicit_resolvers
_SCALARS = yaml.constructor.SafeConstructor()
_NO_VALUE = object()


def simple_yaml(raw: str) -> dict[str, Any] | None:
    """Flat YAML (scalars and lists of scalars) exactly as PyYAML reads it, or None."""
    if _NOT_PRINTABLE.search(raw):
        return None
    result: dict[str, Any] = {}
    key: str | None = None  # the key whose value is a block list, while reading its items
    indent = -1
    for line in raw.split("\n"):
        if not line.strip() or line.lstrip(" ").startswith("#"):
            continue
        if key is not None and (m := _ITEM_LINE.match(line)):
            if indent < 0:
                indent = len(m.group(1))
                result[key] = []
            elif len(m.group(1)) != indent:
                return None
            value = _scalar((m.group(2) or "").rstrip(" \t"))
            if value is _NO_VALUE:
                return None
            result[key].append(value)
            continue
        m = _KEY_LINE.match(line)
        if m is None:
            return None
        name = _scalar(m.group(1))
        if not isinstance(name, str):
            return None
        text = (m.group(2) or "").rstrip(" \t")
        value = _flow_list(text) if text[:1] == "[" else _scalar(text)
        if value is _NO_VALUE:
            return None
        result[name] = value  # "key:" alone is null unless items follow
        key, indent = (name, -1) if not text else (None, -1)
    return result or None  # an empty document is null to PyYAML


def _scalar(text: str) -> object:
    """One block scalar on one line: quoted or plain, resolved like PyYAML; else _NO_VALUE."""
    if not text:
        return None
    first = text[0]
    if first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
            return _NO_VALUE
        return inner.replace("''", "'")
    if first == '"':
        m = _DOUBLE.match(text)
        return m.group(1) if m else _NO_VALUE
    if first in _PLAIN_START and not (first in "-?:" and len(text) > 1 and text[1] not in " \t"):
        return _NO_VALUE
    if ": " in text or " #" in text or "\t#" in text or text.endswith(":"):
        return _NO_VALUE
    return _resolve(text)


def _flow_list(text: str) -> object:
    if not text.endswith("]"):
        return _NO_VALUE
    inner = text[1:-1].strip()
    if not inner:
        return []
    out = []
    for part in inner.split(","):
        part = part.strip()
        if not part or any(ch in part for ch in "[]{}#&*!|>%@`") or ": " in part:
            return _NO_VALUE
        value = _scalar(part)
        if value is _NO_VALUE:
            return _NO_VALUE
        out.append(value)
    return out


def _resolve(text: str) -> object:
    for tag, pattern in _RESOLVERS.get(text[0], []) + _RESOLVERS.get(None, []):
        if pattern.match(text):
            return _construct(tag, text)
    return text


def _construct(tag: str, text: str) -> object:
    node = yaml.ScalarNode(tag, text)
    kind = tag.rsplit(":", 1)[-1]
    try:
        if kind == "null":
            return None
        if kind == "bool":
            return _SCALARS.construct_yaml_bool(node)
        if kind == "int":
            return _SCALARS.construct_yaml_int(node)
        if kind == "float":
            return _SCALARS.construct_yaml_float(node)
        if kind == "timestamp":
            return _timestamp(_SCALARS, node)
    except Exception:
        return _NO_VALUE
    return _NO_VALUE  # merge keys, "=" values and other rarities: PyYAML decides


_LEADING = re.compile(r"\A\ufeff?(?:[ \t]*\n)*")
_OPEN = re.compile(r"(---|\+\+\+)[ \t]*(?:\n|\Z)")
_CLOSE = {
    "yaml": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE),
    "toml": re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE),
}
_FIELD = re.compile(r"^([A-Za-z_][\w.-]*)[ \t]*[:=][ \t]*(.*?)[ \t]*$")
_ITEM = re.compile(r"^[ \t]*-[ \t]+(.*?)[ \t]*$")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The result of splitting a document: metadata, the remaining body, and any problems."""

    meta: dict[str, Any]
    body: str
    format: str | None = None
    """"yaml", "toml", "json", or None when the text has no front matter."""
    warnings: tuple[str, ...] = ()


def split_front_matter(text: str) -> tuple[str | None, str, str, bool]:
    """Split text into ``(format, raw front matter, body, closed)``.

    A BOM and blank lines may precede the opening fence; ``\\r\\n`` is accepted. ``format`` is
    None (and ``body`` the whole text) when there is no front matter. ``closed`` is False for
    an opening fence without a closing one; ``raw`` then holds everything after the fence.
    """
    text = text.replace("\r\n", "\n") if "\r" in text else text
    start = _LEADING.match(text)
    pos = start.end() if start else 0
    opening = _OPEN.match(text, pos)
    if opening:
        fmt = "yaml" if opening.group(1) == "---" else "toml"
        closing = _CLOSE[fmt].search(text, opening.end())
        if closing is None:
            return fmt, text[opening.end() :], "", False
        body = text[closing.end() :]
        return (
            fmt,
            text[opening.end() : closing.start()],
            body[1:] if body[:1] == "\n" else body,
            True,
        )
    if text.startswith("{", pos) and _looks_like_json(text, pos):
        try:
            _, end = json.JSONDecoder().raw_decode(text, pos)
        except (ValueError, RecursionError):
            return "json", text[pos:], "", False
        body = text[end:]
        newline = body.find("\n")
        body = body[newline + 1 :] if newline >= 0 and not body[:newline].strip() else body
        return "json", text[pos:end], body, True
    return None, "", text, True


def parse_front_matter(text: str) -> FrontMatter:
    """Split and parse; never raises. Keys are kept as written (stringified when not text)."""
    try:
        fmt, raw, body, closed = split_front_matter(text)
    except RecursionError:
        return FrontMatter({}, text, None, ("front matter could not be split",))
    if fmt is None:
        return FrontMatter({}, body, None)
    if not closed:
        return _unclosed(fmt, raw, text)
    meta, problem = _load(fmt, raw)
    if problem is None:
        return FrontMatter(meta or {}, body, fmt)
    recovered = _recover_fields(raw)
    label = fmt.upper()
    if not recovered and not meta:
        if problem == "not a mapping":
            return FrontMatter({}, text, None)  # e.g. Markdown rules (---) around a paragraph
        return FrontMatter({}, body, fmt, (f"malformed {label} front matter: {problem}",))
    warning = f"malformed {label} front matter: {problem}; {len(recovered)} field(s) recovered"
    return FrontMatter(recovered, body, fmt, (warning,))


def _looks_like_json(text: str, pos: int) -> bool:
    """``{`` alone on its line or followed by a quoted key: not a Liquid ``{% … %}`` tag."""
    head = text[pos + 1 : pos + 200].lstrip(" \t")
    return head.startswith(("\n", '"'))


def _unclosed(fmt: str, raw: str, text: str) -> FrontMatter:
    """An opening fence without a closing one: take the leading block up to a blank line."""
    warning = (
        "malformed JSON front matter" if fmt == "json" else f"unclosed {fmt.upper()} front matter"
    )
    head, _, rest = raw.partition("\n\n")
    meta, problem = _load(fmt, head)
    if problem is not None or not meta:
        meta = _recover_fields(head)
    if not meta:
        return FrontMatter({}, text, fmt, (warning,))
    return FrontMatter(meta, rest, fmt, (warning,))


def _load(fmt: str, raw: str) -> tuple[dict[str, Any], str | None]:
    """Parse one block; ``(mapping, None)`` or ``({}, short problem description)``."""
    if not raw.strip():
        return {}, None
    try:
        if fmt == "yaml":
            if "&" in raw and "*" in raw and _yaml_nodes(raw) > MAX_YAML_NODES:
                return {}, "too many YAML aliases (possible alias bomb)"
            data = simple_yaml(raw)
            if data is None:
                data = yaml.load(raw, Loader=_Loader)
        elif fmt == "toml":
            data = tomllib.loads(raw)
        else:
            data = json.loads(raw)
    except yaml.MarkedYAMLError as exc:
        return {}, _yaml_problem(exc)
    except Exception as exc:  # YAML/TOML/JSON errors, RecursionError, odd constructors
        return {}, _short(str(exc) or type(exc).__name__)
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return {}, "not a mapping"
    return {str(key): value for key, value in data.items()}, None


def _yaml_nodes(raw: str) -> int:
    """Node count of the document with every alias expanded, computed from parser events."""
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]  # [anchor, nodes so far]
    total = 0
    for event in yaml.parse(raw, Loader=_BaseLoader):
        if isinstance(event, yaml.AliasEvent):
            stack[-1][1] += sizes.get(event.anchor, 1)
        elif isinstance(event, yaml.ScalarEvent):
            stack[-1][1] += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            stack.append([event.anchor, 1])
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, count = stack.pop()
            if anchor:
                sizes[anchor] = count
            stack[-1][1] += count
        total = stack[0][1] + sum(frame[1] for frame in stack[1:])
        if total > MAX_YAML_NODES:
            break
    return total


def _recover_fields(raw: str) -> dict[str, Any]:
    """Line-by-line salvage of ``key: value`` / ``key = value`` pairs and ``- item`` lists."""
    meta: dict[str, Any] = {}
    key: str | None = None
    for line in raw.splitlines()[:500]:
        item = _ITEM.match(line)
        if item and key is not None and isinstance(meta.get(key), list):
            meta[key].append(_unquote(item.group(1)))
            continue
        field = _FIELD.match(line)
        if field is None:
            key = None
            continue
        key, value = field.group(1), _unquote(field.group(2))
        meta[key] = value if value else []
    return {k: v for k, v in meta.items() if v != []}


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark
    where = f" (line {mark.line + 1})" if mark is not None else ""
    return _short(f"{exc.problem or exc.context or 'syntax error'}{where}")


def _short(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= 120 else message[:119] + "…"
