"""The aiohttp server: page, static files, websocket; token check; bounded shutdown.

Built around textual-serve's protocol and assets rather than its ``Server``, whose page
loads a Google Fonts stylesheet, which has no access control and which waits up to 60 s
for open websockets on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import os
import secrets
import shlex
import signal
import stat
import sys
from pathlib import Path

import jinja2
import textual_serve
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.download_manager import DownloadManager

from reader.library.sanitize import printable
from reader.web.apps import TabApp
from reader.web.options import ServeOptions, ServeUsageError

log = logging.getLogger("newsreader.serve")

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
FAVICON = HERE / "static" / "favicon.ico"
TEXTUAL_STATIC = Path(textual_serve.__file__).parent / "static"
"""textual-serve's bundled script, xterm stylesheet and Roboto Mono fonts."""

CLOSE_TIMEOUT = 0.5
"""Seconds to wait for a browser to acknowledge the websocket close on shutdown."""
STOPPED_REASON = "The newsreader server stopped."
FORBIDDEN = (
    "403 Forbidden: open the URL that `newsreader serve` printed; it carries the secret token.\n"
)


def _to_int(value: str, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value)))
    except ValueError:
        return default


class WebServer:
    """Serves ``argv`` (the TUI command) to browsers that present ``options.token``."""

    def __init__(self, argv: list[str], options: ServeOptions, title: str = "newsreader") -> None:
        self.argv = argv
        self.options = options
        self.title = title
        self.tabs: dict[web.WebSocketResponse, TabApp] = {}
        self.stopping = False
        self.download_manager = DownloadManager()
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True
        )
        self.template = env.get_template("app_index.html")

    # ------------------------------------------------------------------ the aiohttp app

    def make_app(self) -> web.Application:
        """Routes: ``/`` (token in the query), ``/ws/{token}``, ``/static``, ``/favicon.ico``."""
        app = web.Application()
        app.add_routes(
            [
                web.get("/", self.handle_index),
                web.get("/ws", self.handle_forbidden),
                web.get("/ws/{token:[^/]*}", self.handle_websocket),
                web.get("/favicon.ico", self.handle_favicon),
                web.static("/static", TEXTUAL_STATIC, show_index=False),
            ]
        )
        app.on_response_prepare.append(self._private_headers)
        return app

    def authorised(self, token: str | None) -> bool:
        """Constant-time comparison with the secret."""
        if not token:
            return False
        return secrets.compare_digest(token.encode(), self.options.token.encode())

    @staticmethod
    async def _private_headers(request: web.Request, response: web.StreamResponse) -> None:
        """No Referer (the page URL holds the token), no framing, no caching of the page."""
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"

    async def handle_index(self, request: web.Request) -> web.Response:
        """The page; it builds its websocket URL from its own location."""
        token = request.query.get("token")
        if not self.authorised(token):
            raise web.HTTPForbidden(text=FORBIDDEN)
        html = self.template.render(
            title=self.title,
            font_size=_to_int(request.query.get("fontsize", "16"), 16, 6, 64),
            websocket_path=f"/ws/{self.options.token}",
        )
        return web.Response(text=html, content_type="text/html")

    async def handle_forbidden(self, request: web.Request) -> web.Response:
        raise web.HTTPForbidden(text=FORBIDDEN)

    async def handle_favicon(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(FAVICON, headers={"Content-Type": "image/x-icon"})

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """One tab: start its app and relay between the browser and the app."""
        if not self.authorised(request.match_info.get("token")):
            raise web.HTTPForbidden(text=FORBIDDEN)
        if self.stopping:
            raise web.HTTPServiceUnavailable(text="newsreader serve is stopping\n")
        websocket = web.WebSocketResponse(heartbeat=15, timeout=CLOSE_TIMEOUT)
        await websocket.prepare(request)
        tab = TabApp(
            self.argv,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.tabs[websocket] = tab
        try:
            await tab.start(
                _to_int(request.query.get("width", "80"), 80, 1, 1000),
                _to_int(request.query.get("height", "24"), 24, 1, 1000),
            )
            await self._relay(websocket, tab)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("websocket session failed")
        finally:
            self.tabs.pop(websocket, None)
            await tab.stop()
            if not websocket.closed:
                with contextlib.suppress(Exception):
                    await websocket.close()
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, tab: TabApp) -> None:
        """Browser → app: keys, resize, focus; malformed messages are ignored."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await tab.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = data.get("width"), data.get("height")
                if isinstance(width, int) and isinstance(height, int):
                    await tab.set_terminal_size(max(1, width), max(1, height))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await tab.blur()
            elif kind == "focus":
                await tab.focus()

    # ------------------------------------------------------------------ running

    async def run(self, stop: asyncio.Event) -> None:
        """Listen, print the URL, serve until ``stop`` is set, then shut down."""
        runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=CLOSE_TIMEOUT)
        await runner.setup()
        socket_inode: int | None = None
        try:
            socket_inode = await self._listen(runner)
            print_banner(self.options)
            await stop.wait()
            self.stopping = True
            await self.shutdown()
        finally:
            await runner.cleanup()
            path = self.options.socket_path
            if path is not None and socket_inode is not None:
                with contextlib.suppress(OSError):
                    if path.lstat().st_ino == socket_inode:
                        path.unlink()

    async def _listen(self, runner: web.AppRunner) -> int | None:
        """Bind (a Unix socket is created 0600); returns the socket file's inode."""
        path = self.options.socket_path
        try:
            if path is not None:
                site: web.BaseSite = web.UnixSite(runner, str(path))
                old_umask = os.umask(0o177)
                try:
                    await site.start()
                finally:
                    os.umask(old_umask)
                path.chmod(0o600)
                info = path.lstat()
                if not stat.S_ISSOCK(info.st_mode):
                    raise OSError(errno.EEXIST, f"{path} is not a socket")
                return info.st_ino
            site = web.TCPSite(runner, self.options.host, self.options.port)
            await site.start()
            return None
        except OSError as exc:
            where = printable(str(path)) if path else f"{self.options.host}:{self.options.port}"
            reason = exc.strerror or str(exc)
            if exc.errno == errno.EADDRNOTAVAIL:
                raise ServeUsageError(
                    f"--host: {self.options.host} is not an address of this machine"
                ) from None
            raise OSError(exc.errno, f"cannot listen on {where}: {reason}") from None

    async def shutdown(self) -> None:
        """Tell every open tab the session ended, then end the apps and their groups."""
        tabs = list(self.tabs.items())
        await asyncio.gather(*(_close(websocket) for websocket, _ in tabs), return_exceptions=True)
        await asyncio.gather(*(tab.end() for _, tab in tabs), return_exceptions=True)


async def _close(websocket: web.WebSocketResponse) -> None:
    await asyncio.wait_for(
        websocket.close(code=WSCloseCode.GOING_AWAY, message=STOPPED_REASON.encode()),
        CLOSE_TIMEOUT * 2,
    )


def url_host(options: ServeOptions) -> str:
    """The host part of the printed URL (IPv6 in brackets)."""
    if options.socket_path is not None:
        return "127.0.0.1:8000"
    host = f"[{options.host}]" if ":" in options.host else options.host
    return f"{host}:{options.port}"


def print_banner(options: ServeOptions) -> None:
    """Plain lines on stdout (never wrapped, flushed: scripts read the URL)."""
    url = f"http://{url_host(options)}/?token={options.token}"
    if not options.loopback:
        print(
            f"newsreader: warning: serving on {printable(options.host)}: anyone who can reach "
            "this address and sees the URL can read your collection; the traffic is not "
            "encrypted (prefer ssh port forwarding)",
            file=sys.stderr,
        )
    if options.socket_path is not None:
        path = printable(str(options.socket_path))
        print(f"newsreader serve: listening on the Unix socket {path} (mode 0600)")
        print(f"forward it from your computer: ssh -L 8000:{shlex.quote(path)} THIS-HOST")
        print("then open this URL there (it holds the secret; keep it private):")
    else:
        print(
            "newsreader serve: open this URL in a browser (it holds the secret; keep it private):"
        )
    print(f"    {url}")
    print("Press Ctrl+C to stop.", flush=True)


def serve(argv: list[str], options: ServeOptions) -> int:
    """Run until SIGINT or SIGTERM; returns the exit code. Raises ServeUsageError, OSError."""
    server = WebServer(argv, options)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await server.run(stop)

    asyncio.run(main())
    return 0
