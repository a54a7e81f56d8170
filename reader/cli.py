"""The ``newsreader`` command: the TUI by default, plus scriptable subcommands.

The TUI (and textual) is imported only for ``newsreader [PATH ...]`` and ``serve``, so
``index``, ``search``, ``show``, ``list`` and ``categories`` start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader import __version__, cli_stories, paths
from reader.config import Config, ConfigError, load_config
from reader.library.sanitize import printable

if TYPE_CHECKING:
    from collections.abc import Callable

    from reader.library.index import ArticleRow, Collection
    from reader.library.model import Article, Progress

COMMANDS = ("index", "search", "show", "list", "categories", "serve", "duplicates", "related")

QUERY_HELP = """\
query language:
  word word        both words (AND); Chinese of any length matches as a substring
  a OR b           either
  -word            exclude
  "exact phrase"   phrase
  word*            prefix (Latin words)
  title:x author:x tag:x category:x   fields; category matches any level (category:a/b for a path)
  after:2021-07-01 before:2022 date:2021-07   dates
  is:unread is:starred                reading state
"""


_FULL_REFRESH_HELP = (
    "before answering, stat every file (finds files edited in place; "
    "default: changed directories only)"
)


class UsageError(Exception):
    """Bad command-line use: reported in one line, exit code 2."""


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
    if _command_of(argv) in COMMANDS:
        parser, search = _subcommand_parser()
        args = _parse_search_aware(parser, search, argv)
    else:
        args = _tui_parser().parse_args(argv)
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


def _command_of(argv: list[str]) -> str | None:
    """The subcommand, found after any global flags (``--debug``, ``--config FILE``)."""
    i = 0
    while i < len(argv):
        if argv[i] == "--debug" or argv[i].startswith("--config="):
            i += 1
        elif argv[i] == "--config":
            i += 2
        else:
            return argv[i]
    return None


# A NUL cannot occur in a real argument, so this placeholder never clashes with one.
_DASH_QUERY = "\0query:"


def _parse_search_aware(
    parser: argparse.ArgumentParser, search: argparse.ArgumentParser, argv: list[str]
) -> argparse.Namespace:
    """Parse ``argv``, taking ``search -word`` as a query rather than an unknown option.

    A word after ``search`` that starts with a single ``-`` and is not one of its options
    (nor the value of one) is hidden from argparse and put back after parsing.
    """
    command = _command_of(argv)
    if command != "search":
        return parser.parse_args(argv)
    options = search._option_string_actions  # argparse has no public view
    start = argv.index("search") + 1
    hidden: list[str] = argv[:start]
    takes_value = False
    for i, word in enumerate(argv[start:], start):
        if word == "--":
            hidden += argv[i:]
            break
        dash_word = (
            not takes_value
            and word.startswith("-")
            and not word.startswith("--")
            and len(word) > 1
            and word not in options
        )
        hidden.append(_DASH_QUERY + word if dash_word else word)
        action = options.get(word.split("=", 1)[0]) if word.startswith("-") else None
        takes_value = action is not None and action.nargs != 0 and "=" not in word
    args = parser.parse_args(hidden)

    def unhide(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(_DASH_QUERY):
            return value[len(_DASH_QUERY) :]
        if isinstance(value, Path) and str(value).startswith(_DASH_QUERY):
            return Path(str(value)[len(_DASH_QUERY) :])
        return value

    args.query = unhide(args.query)
    args.paths = [unhide(p) for p in args.paths]
    return args


# ---------------------------------------------------------------- argument parsing


def _common(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """``--debug`` and ``--config``: accepted before the subcommand and after it.

    In a subcommand they default to SUPPRESS, so a flag given before the subcommand is not
    overwritten by the subcommand's own default.
    """
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show tracebacks on errors",
        default=argparse.SUPPRESS if suppress else False,
    )
    parser.add_argument(
        "--config",
        type=Path,
        help="config file (default: the user config.toml)",
        default=argparse.SUPPRESS if suppress else None,
    )


def _tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="Read and search offline article collections in the terminal.",
        epilog=(
            "commands (newsreader COMMAND --help for each):\n"
            "  index       build or refresh the index\n"
            "  search      search articles\n"
            "  show        print one article file\n"
            "  list        list articles\n"
            "  categories  the category tree with counts\n"
            "  serve       serve the app to a web browser\n" + cli_stories.EPILOG + "\n"
            "With no PATH: the collections in the config file, else the bundled samples.\n"
            f"Config: {paths.config_file()}\nIndex:  {paths.cache_dir()}\n"
            f"State:  {paths.data_dir()}\n\n{QUERY_HELP}"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="collection folders or files"
    )
    parser.add_argument("--no-mouse", action="store_true", help="turn off mouse support")
    parser.add_argument(
        "--no-watch", action="store_true", help="do not watch the collections for changes"
    )
    parser.add_argument("--theme", help="Textual theme name (e.g. textual-dark, textual-ansi)")
    _common(parser)
    return parser


def _subcommand_parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The parser for ``newsreader [--debug] [--config FILE] COMMAND ...``, and its
    ``search`` subparser (whose options decide what a ``-word`` is)."""
    parser = argparse.ArgumentParser(prog="newsreader")
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    _common(parser)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build or refresh the index")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.add_argument("--workers", type=int, default=None, help="parser processes (default: cores)")
    p.add_argument(
        "--full",
        action="store_true",
        help="stat every file (finds files edited in place; default: changed directories only)",
    )
    _common(p, suppress=True)

    p = sub.add_parser(
        "search",
        help="search articles",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("query", help="the query (-word excludes a word; no -- needed)")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    p.add_argument("--limit", type=_non_negative, default=20, help="0 = no limit (default 20)")
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    p.add_argument("--json", action="store_true")
    p.add_argument("--full-refresh", action="store_true", help=_FULL_REFRESH_HELP)
    _common(p, suppress=True)
    search = p

    p = sub.add_parser("show", help="print one article file")
    p.add_argument("file", type=Path)
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument(
        "--width",
        type=_positive,
        default=None,
        help="wrap text to N cells (default: terminal width)",
    )
    _common(p, suppress=True)

    p = sub.add_parser("list", help="list articles")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    p.add_argument(
        "--category", help="a category at any level, or a path (a/b), as the query's category:"
    )
    p.add_argument("--sort", choices=("date", "title"), default="date")
    p.add_argument("--limit", type=_non_negative, default=50, help="0 = no limit (default 50)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--full-refresh", action="store_true", help=_FULL_REFRESH_HELP)
    _common(p, suppress=True)

    p = sub.add_parser("categories", help="the category tree with counts")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    p.add_argument("--json", action="store_true")
    _common(p, suppress=True)

    p = sub.add_parser("serve", help="serve the app to a web browser (private URL, offline)")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", help="TCP port (default 8000)")
    p.add_argument("--socket", metavar="PATH", help="listen on a Unix socket (0600) instead")
    p.add_argument("--token", help="the URL's secret (default: random; visible in ps)")
    _common(p, suppress=True)
    cli_stories.add_parsers(sub, lambda parser: _common(parser, suppress=True))
    return parser, search


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


# ---------------------------------------------------------------- shared helpers


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def _roots(args: argparse.Namespace, config: Config) -> list[Path]:
    """PATH arguments, else the configured collections, else the bundled samples."""
    roots = list(args.paths) or list(config.collections) or [paths.sample_collection()]
    for root in roots:
        if not root.exists():
            raise UsageError(f"{root}: no such file or directory")
        if not os.access(root, os.R_OK):
            raise UsageError(f"{root}: permission denied")
    return [root.expanduser().absolute() for root in roots]


def _open(args: argparse.Namespace, *, refresh: bool = True) -> Collection:
    """The collection for ``args``, refreshed (with progress on a terminal after 0.5 s)."""
    from reader.library.index import Collection

    collection = Collection(_roots(args, _config(args)))
    if refresh:
        progress = _progress_printer()
        try:
            report = collection.refresh(
                progress,
                workers=getattr(args, "workers", None),
                full=getattr(args, "full_refresh", False),
            )
        finally:
            if progress is not None:
                progress.close()
        _warn_skipped(report.skipped)
    for warning in getattr(collection, "warnings", ()):
        print(f"newsreader: warning: {printable(warning)}", file=sys.stderr)
    return collection


def _warn_skipped(skipped: Sequence[Any]) -> None:
    for item in skipped:
        print(
            f"newsreader: skipped {printable(item.path)}: {printable(item.reason)}", file=sys.stderr
        )


def _progress_printer() -> LateProgress | None:
    """Refresh progress on stderr when it is a terminal (after half a second), else None."""
    if not sys.stderr.isatty():
        return None

    def bar() -> Callable[[Progress], None]:
        from reader.cli_output import ProgressBar

        return ProgressBar()

    return LateProgress(bar)


class LateProgress:
    """A refresh progress callback that stays silent for the first ``delay`` seconds.

    A quick refresh draws nothing; a longer one starts the bar made by ``make_bar`` at the
    first callback after the delay, or from a timer when the refresh reports nothing for a
    while (so a long silent step still shows). Rich is imported only then.
    """

    def __init__(
        self,
        make_bar: Callable[[], Callable[[Progress], None]],
        *,
        delay: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        timer: bool = True,
    ) -> None:
        self._make_bar = make_bar
        self._delay = delay
        self._clock = clock
        self._started = clock()
        self._lock = threading.Lock()
        self._bar: Callable[[Progress], None] | None = None
        self._latest: Progress | None = None
        self._closed = False
        self._timer = threading.Timer(delay, self._late) if timer else None
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    @property
    def shown(self) -> bool:
        """True once the bar has been drawn."""
        return self._bar is not None

    def __call__(self, progress: Progress) -> None:
        with self._lock:
            self._latest = progress
            if self._closed:
                return
            if self._bar is None and self._clock() - self._started >= self._delay:
                if progress.phase == "done":
                    return
                self._bar = self._make_bar()
            if self._bar is not None:
                self._bar(progress)
                if progress.phase == "done":
                    self._finish()

    def _late(self) -> None:
        from reader.library.model import Progress

        with self._lock:
            if self._closed or self._bar is not None:
                return
            latest = self._latest or Progress("scan", 0, 0, "refreshing the index")
            if latest.phase == "done":
                return
            self._bar = self._make_bar()
            self._bar(latest)

    def _finish(self) -> None:
        from reader.library.model import Progress

        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        if self._bar is not None and (self._latest is None or self._latest.phase != "done"):
            self._bar(Progress("done", 0, 0))

    def close(self) -> None:
        """Stop the timer and take the bar down (also when the refresh failed)."""
        with self._lock:
            if not self._closed:
                self._finish()


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _row_dict(row: ArticleRow) -> dict[str, Any]:
    return {
        "path": str(row.path),
        "title": row.title,
        "date": _iso(row.date),
        "author": row.author,
        "categories": [list(c) for c in row.categories],
        "tags": list(row.tags),
        "url": row.url,
        "read": row.read,
        "starred": row.starred,
    }


def _article_dict(article: Article) -> dict[str, Any]:
    from reader.library.convert import markdown_to_plain

    return {
        "path": str(article.path.absolute()),
        "title": article.title,
        "date": _iso(article.date),
        "updated": _iso(article.updated),
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


def _dump(data: Any) -> None:
    """Readable UTF-8 JSON, with C1 controls and surrogates (raw bytes of non-UTF-8 file
    names) written as \\u escapes so nothing unprintable reaches the terminal."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


# ---------------------------------------------------------------- commands


def _cmd_index(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    collection = _open(args, refresh=False)
    progress = None if args.json else _progress_printer()
    try:
        report = collection.refresh(progress, workers=args.workers, full=args.full)
    finally:
        if progress is not None:
            progress.close()
        collection.close()
    _warn_skipped(report.skipped)
    seconds = round(time.perf_counter() - started, 3)
    if args.json:
        _dump(
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
    collection = _open(args)
    try:
        result = collection.search(args.query, sort=args.sort, limit=args.limit)
    finally:
        collection.close()
    if result.error:
        print(f"newsreader: {result.error}", file=sys.stderr)
    if args.json:
        items = []
        for hit in result.hits:
            item = _row_dict(hit.row)
            item.update(
                score=hit.score, snippet=hit.snippet, highlights=[list(h) for h in hit.highlights]
            )
            items.append(item)
        _dump(items)
    elif not result.hits:
        _say_nothing("no matches")
    else:
        from reader.cli_output import print_hits

        print_hits(result)
    return 0


def _say_nothing(message: str) -> None:
    """One line saying the answer is empty, on a terminal only (a pipe gets nothing)."""
    if sys.stdout.isatty():
        print(message)


def _cmd_list(args: argparse.Namespace) -> int:
    collection = _open(args)
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
        _dump([_row_dict(r) for r in rows])
    elif not rows:
        _say_nothing("no matches" if args.category else "no articles")
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
    collection = _open(args)
    try:
        counts = collection.category_counts()
    finally:
        collection.close()
    if args.json:
        _dump([{"path": list(p), "total": t, "unread": u} for p, t, u in counts])
    elif not counts:
        _say_nothing("no categories")
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
        _dump(_article_dict(article))
    elif args.format == "markdown":
        sys.stdout.write(_markdown_document(article))
    else:
        from reader.render import article_to_plain

        width = args.width or _terminal_width()
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
    config = _config(args)
    roots = _roots(args, config)
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
        config = _config(args)
        command = [sys.executable, "-m", "reader"]
        if args.config:
            command += ["--config", str(args.config)]
        command += [str(r) for r in _roots(args, config)]
        return serve(command, options)
    except ServeUsageError as exc:
        raise UsageError(str(exc)) from None
