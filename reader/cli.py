"""The ``newsreader`` command: the TUI by default, plus scriptable subcommands.

The TUI (and textual) is imported only for ``newsreader [PATH ...]`` and ``serve``, so
``index``, ``search``, ``show``, ``list`` and ``categories`` start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader import cli_stories
from reader.cli_args import (
    COMMANDS,
    command_of,
    parse_search_aware,
    subcommand_parser,
    tui_parser,
)
from reader.cli_progress import progress_printer
from reader.cli_support import (
    UsageError,
    article_dict,
    config_of,
    dump,
    open_collection,
    roots_of,
    row_dict,
    say_nothing,
    warn_skipped,
)
from reader.config import ConfigError
from reader.library.sanitize import printable

if TYPE_CHECKING:
    from reader.library.index import Collection
    from reader.library.model import Article


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    try:
        return _dispatch(args_list)
    except KeyboardInterrupt:
        print("newsreader: interrupted", file=sys.stderr)
        return 130
    except (UsageError, ConfigError) as exc:
        print(f"newsreader: {printable(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as exc:
        if debug:
            raise
        print(
            f"newsreader: error: {printable(exc)} (run with --debug for details)", file=sys.stderr
        )
        return 1


def _silence_stdout() -> None:
    """After a closed pipe (``newsreader list | head``), stop Python complaining at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _dispatch(argv: list[str]) -> int:
    command = command_of(argv)
    if command in COMMANDS:
        parser, search = subcommand_parser(command)
        args = parse_search_aware(parser, search, argv)
    else:
        args = tui_parser().parse_args(argv)
        args.command = None
    if args.command in cli_stories.HANDLERS:
        return cli_stories.HANDLERS[args.command](args)
    handler = {
        None: _cmd_tui,
        "index": _cmd_index,
        "search": _cmd_search,
        "show": _cmd_show,
        "list": _cmd_list,
        "categories": _cmd_categories,
        "serve": _cmd_serve,
    }[args.command]
    return handler(args)


# ---------------------------------------------------------------- commands


def _cmd_index(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    collection = open_collection(args, refresh=False)
    progress = None if args.json else progress_printer()
    try:
        report = collection.refresh(progress, workers=args.workers, full=args.full)
    finally:
        if progress is not None:
            progress.close()
        collection.close()
    warn_skipped(report.skipped)
    seconds = round(time.perf_counter() - started, 3)
    if args.json:
        dump(
            {
                "collection": report.collection,
                "articles": report.articles,
                "added": report.added,
                "updated": report.updated,
                "removed": report.removed,
                "skipped": [{"path": str(s.path), "reason": s.reason} for s in report.skipped],
                "seconds": seconds,
            }
        )
    else:
        print(
            f"{report.articles} articles: {report.added} added, {report.updated} updated, "
            f"{report.removed} removed, {len(report.skipped)} skipped in {seconds:.2f} s"
        )
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    collection = open_collection(args)
    try:
        # JSON carries no total: skip counting every match (a second pass for common terms).
        result = collection.search(
            args.query, sort=args.sort, limit=args.limit, count=not args.json
        )
    finally:
        collection.close()
    if result.error:
        print(f"newsreader: {result.error}", file=sys.stderr)
    if args.json:
        items = []
        for hit in result.hits:
            item = row_dict(hit.row)
            item.update(
                score=hit.score, snippet=hit.snippet, highlights=[list(h) for h in hit.highlights]
            )
            items.append(item)
        dump(items)
    elif not result.hits:
        say_nothing("no matches")
    else:
        from reader.cli_output import print_hits

        print_hits(result)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    collection = open_collection(args)
    try:
        ids = collection.ids(sort=args.sort)
        if args.category:
            wanted = _category_ids(collection, args.category)
            ids = [i for i in ids if i in wanted]
        if args.limit:
            ids = ids[: args.limit]
        rows = collection.rows(ids)
    finally:
        collection.close()
    if args.json:
        dump([row_dict(r) for r in rows])
    elif not rows:
        say_nothing("no matches" if args.category else "no articles")
    else:
        from reader.cli_output import print_rows

        print_rows(rows)
    return 0


def _category_ids(collection: Collection, text: str) -> set[int]:
    """Ids in category ``text`` at any level (or path a/b), exactly as the query's
    ``category:`` matches: the matching is the search's own, not a copy of it."""
    from reader.library.records import Filter

    path = _category_path(text)
    if '"' in text:  # the query language cannot quote it: the exact path from the top
        return set(collection.ids(Filter(category=path)))
    ids, _, error = collection.search_ids('category:"' + "/".join(path) + '"', sort="date")
    if error:
        raise UsageError(f"--category {text}: {error}")
    return set(ids)


def _category_path(text: str) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in text.replace("›", "/").split("/") if p.strip())
    if not parts:
        raise UsageError(f"empty category: {text!r}")
    return parts


def _cmd_categories(args: argparse.Namespace) -> int:
    collection = open_collection(args)
    try:
        counts = collection.category_counts()
    finally:
        collection.close()
    if args.json:
        dump([{"path": list(p), "total": t, "unread": u} for p, t, u in counts])
    elif not counts:
        say_nothing("no categories")
    else:
        from reader.cli_output import print_categories

        print_categories(counts)
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from reader.library.model import SkipFile
    from reader.library.parse import parse_file

    path: Path = args.file
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if path.is_dir():
        raise UsageError(f"{path}: is a directory (show takes one article file)")
    try:
        article = parse_file(path)
    except SkipFile as exc:
        print(f"newsreader: {printable(path)}: {printable(exc.reason)}", file=sys.stderr)
        return 1
    for warning in article.warnings:
        print(f"newsreader: warning: {printable(path)}: {printable(warning)}", file=sys.stderr)
    if args.format == "json":
        dump(article_dict(article))
    elif args.format == "markdown":
        sys.stdout.write(_markdown_document(article))
    else:
        width = args.width or _terminal_width()
        color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
        if color:
            from reader.cli_output import print_styled_article

            print_styled_article(article, width)
        else:
            from reader.render import article_to_plain

            sys.stdout.write(article_to_plain(article, width) + "\n")
    return 0


def _terminal_width() -> int:
    if sys.stdout.isatty():
        return max(20, os.get_terminal_size(sys.stdout.fileno()).columns)
    return 80


def _markdown_document(article: Article) -> str:
    lines = [f"# {article.title}", ""]
    meta = [article.date.isoformat() if article.date else "", article.author or ""]
    meta += [" › ".join(c) for c in article.categories]
    meta = [m for m in meta if m]
    if meta:
        lines += [" · ".join(meta), ""]
    lines.append(article.body.rstrip())
    if article.links:
        lines += ["", "Links:", ""]
        lines += [f"[{n}] {url}" for n, url in enumerate(article.links, 1)]
    return "\n".join(lines) + "\n"


def _cmd_tui(args: argparse.Namespace) -> int:
    config = config_of(args)
    roots = roots_of(args, config)
    if args.theme:
        config.theme = args.theme
    if args.no_watch:
        config.watch = False
    from reader.tui.app import run_app, validate_keymap

    try:
        config.keymap = validate_keymap(config.keymap)
    except ValueError as exc:
        raise ConfigError(f"{config.path}: {exc}") from exc
    return run_app(roots, config=config, mouse=config.mouse and not args.no_mouse)


def _cmd_serve(args: argparse.Namespace) -> int:
    from reader.web.options import ServeUsageError, parse_options
    from reader.web.server import serve

    try:
        options = parse_options(args.host, args.port, args.socket, args.token)
        config = config_of(args)
        command = [sys.executable, "-m", "reader"]
        if args.config:
            command += ["--config", str(args.config)]
        command += [str(r) for r in roots_of(args, config)]
        return serve(command, options)
    except ServeUsageError as exc:
        raise UsageError(str(exc)) from None
