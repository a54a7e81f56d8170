"""``newsreader duplicates`` and ``newsreader related``: near-duplicate groups and related
articles from the index (issue #14). Kept apart from :mod:`reader.cli` (argument parsing
there is shared by every command); :func:`add_parsers` and :data:`HANDLERS` are its hooks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.library.sanitize import printable

if TYPE_CHECKING:
    from reader.library.records import ArticleRow

EPILOG = (
    "  duplicates  groups of near-duplicate stories\n"
    "  related     the articles most related to one article\n"
)


def add_parsers(
    sub: Any,
    common: Callable[[argparse.ArgumentParser], None],
    wanted: Callable[[str], bool] = lambda name: True,
) -> None:
    """Add the two subcommands to ``newsreader``'s subparsers (the options only of those
    ``wanted``)."""
    p = sub.add_parser(
        "duplicates",
        help="groups of near-duplicate stories (the same story from several sources)",
        description="Groups of near-duplicate stories: each group's earliest article first, "
        "one line per article (date, source, title, path), groups separated by a blank line.",
    )
    if wanted("duplicates"):
        p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        p.add_argument("--json", action="store_true", help="a JSON array of groups")
        p.add_argument("--full-refresh", action="store_true", help="stat every file first")
        common(p)

    p = sub.add_parser("related", help="the articles most related to one article")
    if wanted("related"):
        p.add_argument("file", type=Path, metavar="FILE", help="an article of the collection")
        p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="its collection")
        p.add_argument("--limit", type=int, default=10, help="how many (default 10)")
        p.add_argument("--json", action="store_true")
        p.add_argument("--full-refresh", action="store_true", help="stat every file first")
        common(p)


def source(row: ArticleRow) -> str:
    """Where a story came from: its author (the scraping app or site), else its top category."""
    if row.author:
        return row.author
    return row.categories[0][0] if row.categories and row.categories[0] else ""


def row_json(row: ArticleRow) -> dict[str, Any]:
    return {
        "path": str(row.path),
        "title": row.title,
        "source": source(row),
        "author": row.author,
        "date": row.date.isoformat() if row.date else None,
    }


def _line(row: ArticleRow) -> str:
    date = row.date.strftime("%Y-%m-%d") if row.date else "—"
    return "\t".join([date, printable(source(row)), printable(row.title), printable(row.path)])


def _dump(data: Any) -> None:
    from reader import cli_support

    cli_support.dump(data)


def cmd_duplicates(args: argparse.Namespace) -> int:
    from reader import cli_support

    collection = cli_support.open_collection(args)
    try:
        groups = collection.duplicate_groups()
    finally:
        collection.close()
    if args.json:
        _dump([[row_json(r) for r in g] for g in groups])
        return 0
    if not groups:
        print("no duplicates")
        return 0
    for n, rows in enumerate(groups):
        if n:
            print()
        for row in rows:
            print(_line(row))
    return 0


def cmd_related(args: argparse.Namespace) -> int:
    from reader import cli_support

    if not args.file.is_file():
        raise cli_support.UsageError(f"{args.file}: no such file")
    collection = cli_support.open_collection(args)
    try:
        id_ = collection.id_for_path(args.file)
        if id_ is None:
            raise cli_support.UsageError(
                f"{args.file}: not an article of the collection (give its folder as PATH)"
            )
        rows = collection.related(id_, max(0, args.limit))
    finally:
        collection.close()
    if args.json:
        _dump([row_json(r) for r in rows])
    elif not rows:
        print("no related articles", file=sys.stderr)
    else:
        for row in rows:
            print(_line(row))
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "duplicates": cmd_duplicates,
    "related": cmd_related,
}
