"""What the CLI's commands share: usage errors, opening and refreshing the collection,
warnings on stderr, and JSON output that never carries raw control characters."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader import paths
from reader.cli_progress import progress_printer
from reader.config import Config, load_config
from reader.library.sanitize import printable

if TYPE_CHECKING:
    from reader.library.index import ArticleRow, Collection
    from reader.library.model import Article


class UsageError(Exception):
    """Bad command-line use: reported in one line, exit code 2."""


def config_of(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def roots_of(args: argparse.Namespace, config: Config) -> list[Path]:
    """PATH arguments, else the configured collections, else the bundled samples."""
    roots = list(args.paths) or list(config.collections) or [paths.sample_collection()]
    for root in roots:
        if not root.exists():
            raise UsageError(f"{root}: no such file or directory")
        if not os.access(root, os.R_OK):
            raise UsageError(f"{root}: permission denied")
    return [root.expanduser().absolute() for root in roots]


def open_collection(args: argparse.Namespace, *, refresh: bool = True) -> Collection:
    """The collection for ``args``, refreshed (with progress on a terminal after 0.5 s)."""
    from reader.library.index import Collection

    collection = Collection(roots_of(args, config_of(args)))
    if refresh:
        progress = progress_printer()
        try:
            report = collection.refresh(
                progress,
                workers=getattr(args, "workers", None),
                full=getattr(args, "full_refresh", False),
            )
        finally:
            if progress is not None:
                progress.close()
        warn_skipped(report.skipped)
    for warning in getattr(collection, "warnings", ()):
        print(f"newsreader: warning: {printable(warning)}", file=sys.stderr)
    return collection


def warn_skipped(skipped: Sequence[Any]) -> None:
    for item in skipped:
        print(
            f"newsreader: skipped {printable(item.path)}: {printable(item.reason)}", file=sys.stderr
        )


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def row_dict(row: ArticleRow) -> dict[str, Any]:
    return {
        "path": str(row.path),
        "title": row.title,
        "date": iso(row.date),
        "author": row.author,
        "categories": [list(c) for c in row.categories],
        "tags": list(row.tags),
        "url": row.url,
        "read": row.read,
        "starred": row.starred,
    }


def article_dict(article: Article) -> dict[str, Any]:
    from reader.library.convert import markdown_to_plain

    return {
        "path": str(article.path.absolute()),
        "title": article.title,
        "date": iso(article.date),
        "updated": iso(article.updated),
        "author": article.author,
        "authors": list(article.authors),
        "categories": [list(c) for c in article.categories],
        "tags": list(article.tags),
        "url": article.url,
        "summary": article.summary,
        "cover": article.cover,
        "language": article.language,
        "links": list(article.links),
        "warnings": list(article.warnings),
        "text": markdown_to_plain(article.body),
        "markdown": article.body,
    }


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def dump(data: Any) -> None:
    """Readable UTF-8 JSON, with C1 controls and surrogates (raw bytes of non-UTF-8 file
    names) written as \\u escapes so nothing unprintable reaches the terminal."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


def say_nothing(message: str) -> None:
    """One line saying the answer is empty, on a terminal only (a pipe gets nothing)."""
    if sys.stdout.isatty():
        print(message)
