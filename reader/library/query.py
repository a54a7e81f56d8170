"""The search query language → a parsed :class:`Query`. Never raises.

Syntax: words are AND-ed; ``a OR b`` (OR binds tighter than the implicit AND); ``-word`` and
``-"a phrase"`` exclude; ``"exact phrase"``; ``word*`` prefix; fields ``title:``,
``author:``, ``category:`` (any node, ``新媒体/趣头条`` for a path), ``tag:``; dates
``after:2021-07-01``, ``before:2021-08``, ``date:2021-07`` (year, month or day);
``is:unread``, ``is:read``, ``is:starred``. Anything malformed is searched as literal text
or noted in ``Query.errors``; nothing here reaches FTS5 syntax unquoted.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import NamedTuple

from reader.library.model import Record


class Term(NamedTuple):
    """One text condition: a word, a quoted phrase or a ``title:`` term."""

    text: str
    phrase: bool = False
    prefix: bool = False
    field: str | None = None
    """``"title"`` to match the title only; None for title or body."""

    def __str__(self) -> str:
        core = f'"{self.text}"' if self.phrase else self.text
        core += "*" if self.prefix else ""
        return f"{self.field}:{core}" if self.field else core


class Query(Record):
    """A parsed query. Lists are AND-ed; each ``any_of`` group is OR-ed inside.

    ``after`` is an inclusive lower bound (midnight UTC of a calendar day in the article's
    own zone), ``before`` an exclusive upper bound.
    """

    __slots__ = (
        "after",
        "any_of",
        "author",
        "before",
        "category",
        "errors",
        "excluded",
        "phrases",
        "read",
        "starred",
        "tag",
        "terms",
        "text",
        "title",
        "unread",
    )

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.terms: list[Term] = []
        self.phrases: list[Term] = []
        self.any_of: list[tuple[Term, ...]] = []
        self.excluded: list[Term] = []
        self.title: list[Term] = []
        self.author: list[str] = []
        self.category: list[str] = []
        self.tag: list[str] = []
        self.after: datetime | None = None
        self.before: datetime | None = None
        self.unread = False
        self.read = False
        self.starred = False
        self.errors: list[str] = []

    @property
    def positive(self) -> list[Term]:
        """Every AND-ed text term (words, phrases, title terms)."""
        return [*self.terms, *self.phrases, *self.title]

    @property
    def has_text(self) -> bool:
        return bool(self.positive or self.any_of)

    @property
    def has_filters(self) -> bool:
        return bool(
            self.author
            or self.category
            or self.tag
            or self.after
            or self.before
            or self.unread
            or self.read
            or self.starred
        )

    @property
    def is_empty(self) -> bool:
        return not (self.has_text or self.excluded or self.has_filters)

    def highlight_terms(self) -> tuple[str, ...]:
        """Texts to highlight in results and the article view (no duplicates)."""
        seen: dict[str, None] = {}
        for term in [*self.positive, *(t for group in self.any_of for t in group)]:
            if term.text.strip():
                seen.setdefault(term.text, None)
        return tuple(seen)


_FIELDS = {"title", "author", "category", "cat", "tag", "after", "before", "date", "is"}
_FIELD_RE = re.compile(r"([A-Za-z]+):(.*)\Z", re.S)
_DATE_RE = re.compile(r"(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?\Z")


class _Token(NamedTuple):
    text: str
    quoted: bool
    negated: bool = False
    name: str | None = None  # field name
    is_or: bool = False


def _lex(text: str) -> list[_Token]:
    """Split on whitespace, honouring double quotes; an unbalanced quote runs to the end."""
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        name = None
        m = re.match(r"([A-Za-z]+):", text[i:])
        if m and m.group(1).lower() in _FIELDS:
            name = m.group(1).lower()
            i += m.end()
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            value = text[i + 1 : end] if end >= 0 else text[i + 1 :]
            i = end + 1 if end >= 0 else n
            # A prefix star right after the closing quote.
            prefix = i < n and text[i] == "*"
            if prefix:
                i += 1
            tokens.append(_Token(value + ("*" if prefix else ""), True, negated, name))
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        word = text[i:j]
        i = j
        if not word and name is None:
            tokens.append(_Token(text[start:j], False))
            continue
        if word == "OR" and not negated and name is None:
            tokens.append(_Token(word, False, is_or=True))
            continue
        tokens.append(_Token(word, False, negated, name))
    return tokens


def _date_bounds(value: str) -> tuple[datetime, datetime] | None:
    m = _DATE_RE.match(value.strip())
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            return _utc(year, 1, 1), _utc(year + 1, 1, 1)
        mo = int(month)
        if day is None:
            start = _utc(year, mo, 1)
            end = _utc(year + 1, 1, 1) if mo == 12 else _utc(year, mo + 1, 1)
            return start, end
        start = _utc(year, mo, int(day))
        end = datetime.fromordinal(start.toordinal() + 1).replace(tzinfo=timezone.utc)
        return start, end
    except (ValueError, OverflowError):
        return None


def _utc(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=timezone.utc)


def _term(tok: _Token, field_name: str | None = None) -> Term:
    text = tok.text
    prefix = text.endswith("*") and len(text.rstrip("*")) > 0
    if prefix:
        text = text.rstrip("*")
    return Term(text, phrase=tok.quoted, prefix=prefix, field=field_name)


def _apply_field(q: Query, tok: _Token) -> Term | None:
    """Handle ``name:value``; returns a Term when the token is a text condition."""
    name, value = tok.name, tok.text.strip()
    if name == "title":
        return _term(tok, "title") if value else None
    if not value:
        q.errors.append(f"{name}: needs a value")
        return None
    if name in ("after", "before", "date"):
        bounds = _date_bounds(value)
        if bounds is None:
            q.errors.append(
                f"could not read the date in {name}:{value} (use YYYY, YYYY-MM or YYYY-MM-DD)"
            )
        elif name == "after":
            q.after = max(q.after, bounds[0]) if q.after else bounds[0]
        elif name == "before":
            q.before = min(q.before, bounds[0]) if q.before else bounds[0]
        else:
            q.after = max(q.after, bounds[0]) if q.after else bounds[0]
            q.before = min(q.before, bounds[1]) if q.before else bounds[1]
        return None
    if name == "is":
        flag = value.lower()
        if flag == "unread":
            q.unread = True
        elif flag == "read":
            q.read = True
        elif flag in ("starred", "star", "flagged"):
            q.starred = True
        else:
            q.errors.append(f"unknown is:{value} (use is:unread, is:read or is:starred)")
        return None
    fields = {"author": q.author, "category": q.category, "cat": q.category, "tag": q.tag}
    target = fields[name or ""]
    target.append(value)
    return None


def parse_query(text: str) -> Query:
    """Parse the query language; malformed input becomes literal text or an entry in errors."""
    q = Query(text=text)
    try:
        _parse_into(q, text)
    except Exception as exc:  # pragma: no cover - defensive: parsing must never raise
        q.errors.append(f"could not parse the query ({exc})")
    return q


def _parse_into(q: Query, text: str) -> None:
    items: list[Term | str] = []  # Terms and "OR" markers, in order
    for tok in _lex(text):
        if tok.is_or:
            items.append("OR")
            continue
        if tok.name is not None and tok.name != "title":
            if tok.negated:
                q.errors.append(f"-{tok.name}: is not supported; the filter was applied as written")
            _apply_field(q, tok)
            continue
        term = _apply_field(q, tok) if tok.name == "title" else _term(tok)
        if term is None or not term.text.strip():
            continue
        if tok.negated:
            q.excluded.append(term)
            items.append("|")  # an exclusion breaks an OR chain
            continue
        items.append(term)

    # Group "a OR b OR c" chains; a stray OR (start, end, doubled) is a literal word.
    i = 0
    while i < len(items):
        item = items[i]
        if isinstance(item, Term):
            group = [item]
            while i + 2 < len(items) and items[i + 1] == "OR" and isinstance(items[i + 2], Term):
                group.append(items[i + 2])  # type: ignore[arg-type]
                i += 2
            if len(group) > 1:
                q.any_of.append(tuple(group))
            else:
                _add_positive(q, item)
        elif item == "OR":
            _add_positive(q, Term("OR"))
        i += 1


def _add_positive(q: Query, term: Term) -> None:
    if term.field == "title":
        q.title.append(term)
    elif term.phrase:
        q.phrases.append(term)
    else:
        q.terms.append(term)
