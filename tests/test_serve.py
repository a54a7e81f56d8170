"""``newsreader serve``: a real server on 127.0.0.1, real HTTP and websocket clients.

The page loads nothing from another host, the secret guards the page and the websocket,
the app's first screen arrives, SIGTERM or ``kill -9`` of the server ends the tab's app.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest
from conftest import REPO, SAMPLE
from serve_support import (
    Served,
    children,
    first_screen,
    free_port,
    isolated_env,
    iter_references,
    live_members,
    start,
    stop,
    wait_until_gone,
)

FIRST_SCREEN = "All articles"
"""The list pane's title in the app's first screen (sample collection)."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the read-only checks (page, secret, first screen)."""
    env = isolated_env(tmp_path_factory.mktemp("serve-xdg"))
    server = start(["--port", str(free_port())], env)
    yield server
    stop(server.process)


def test_url_line_is_one_plain_line(served: Served) -> None:
    """Scripts read the URL: one unwrapped line with a long random token, no escapes."""
    assert served.url.startswith("http://127.0.0.1:")
    assert len(served.token) >= 40
    assert all("\x1b" not in line for line in served.lines)


async def test_page_refers_only_to_its_own_host(served: Served) -> None:
    own = urlsplit(served.base).netloc
    async with aiohttp.ClientSession() as session:
        async with session.get(served.url) as reply:
            assert reply.status == 200
            page = await reply.text()
            assert reply.headers["Referrer-Policy"] == "no-referrer"
        assert "fonts.googleapis" not in page
        pending = [(ref, "html") for ref in iter_references(page)]
        assert {"/static/css/xterm.css", "/static/js/textual.js"} <= {r for r, _ in pending}
        seen: set[str] = set()
        while pending:
            ref, origin = pending.pop()
            parts = urlsplit(ref)
            assert not ref.startswith("//"), f"{origin} refers to another host: {ref}"
            assert parts.netloc in ("", own), f"{origin} refers to another host: {ref}"
            if ref in seen:
                continue
            seen.add(ref)
            async with session.get(served.base + parts.path) as reply:
                assert reply.status == 200, ref
                body = await reply.read()
            if parts.path.endswith(".css"):
                pending += [(r, ref) for r in iter_references(body.decode())]
            elif parts.path.endswith(".js"):
                text = body.decode("utf-8", "replace")
                pending += [(r, ref) for r in iter_references(text, css_comments=False)]
            elif parts.path.endswith(".ttf"):
                assert body[:4] == b"\x00\x01\x00\x00", ref  # the bundled Roboto Mono
        assert any(ref.endswith(".ttf") for ref in seen), "the page declares no local font"


async def test_favicon_is_served(served: Served) -> None:
    url = served.base + "/favicon.ico"
    async with aiohttp.ClientSession() as session, session.get(url) as reply:
        assert reply.status == 200
        assert reply.content_type == "image/x-icon"
        assert (await reply.read())[:4] == b"\x00\x00\x01\x00"


@pytest.mark.parametrize("suffix", ["/", "/?token=", "/?token=wrong", "/?fontsize=16"])
async def test_page_without_the_secret_is_forbidden(served: Served, suffix: str) -> None:
    async with aiohttp.ClientSession() as session, session.get(served.base + suffix) as reply:
        assert reply.status == 403
        body = await reply.text()
    assert served.token not in body
    assert "newsreader serve" in body


@pytest.mark.parametrize("path", ["/ws", "/ws/wrong", "/ws/?width=80"])
async def test_websocket_without_the_secret_is_forbidden(served: Served, path: str) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(served.ws_base + path)
    assert refused.value.status == 403


async def test_first_screen_arrives_over_the_websocket(served: Served) -> None:
    url = f"{served.ws_base}/ws/{served.token}?width=100&height=30"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        screen = await first_screen(ws, FIRST_SCREEN, chinese=True)
        await ws.send_json(["ping", "42"])
        while (message := await ws.receive(timeout=30)).type == aiohttp.WSMsgType.BINARY:
            pass
        assert message.type == aiohttp.WSMsgType.TEXT
        assert message.json() == ["pong", "42"]
    assert "\ufffd" not in screen  # Chinese titles arrive as intact UTF-8


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_signal_ends_server_and_app_and_tells_the_tab(tmp_path: Path, signum: int) -> None:
    server = start(["--port", str(free_port())], isolated_env(tmp_path))
    try:
        url = f"{server.ws_base}/ws/{server.token}?width=100&height=30"
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            await first_screen(ws, FIRST_SCREEN)
            (app,) = children(server.process.pid)
            assert os.getpgid(app) == app  # the tab's app leads its own process group
            started = time.monotonic()
            server.process.send_signal(signum)
            while (message := await ws.receive(timeout=10)).type == aiohttp.WSMsgType.BINARY:
                pass
            assert message.type == aiohttp.WSMsgType.CLOSE
            assert message.data == aiohttp.WSCloseCode.GOING_AWAY
            assert message.extra == "The newsreader server stopped."
        assert server.process.wait(timeout=10) == 0
        elapsed = time.monotonic() - started
        assert wait_until_gone(app) == []
        print(f"{signal.Signals(signum).name} with a tab open: server exited in {elapsed:.2f} s")
    finally:
        stop(server.process)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
async def test_kill_9_of_the_server_ends_the_app(tmp_path: Path) -> None:
    server = start(["--port", str(free_port())], isolated_env(tmp_path))
    try:
        url = f"{server.ws_base}/ws/{server.token}?width=100&height=30"
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            await first_screen(ws, FIRST_SCREEN)
            (app,) = children(server.process.pid)
            assert live_members(app)
            server.process.kill()
            server.process.wait(timeout=10)
            assert wait_until_gone(app) == []
    finally:
        stop(server.process)


async def test_unix_socket_is_private_and_guarded(tmp_path: Path) -> None:
    path = tmp_path / "serve.sock"
    server = start(["--socket", str(path)], isolated_env(tmp_path / "xdg"))
    try:
        assert path.is_socket()
        assert path.stat().st_mode & 0o777 == 0o600
        assert any(f"ssh -L 8000:{path}" in line for line in server.lines)
        connector = aiohttp.UnixConnector(path=str(path))
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.get(f"http://localhost/?token={server.token}") as reply:
                assert reply.status == 200
                assert f"/ws/{server.token}" in await reply.text()
            async with session.get("http://localhost/") as reply:
                assert reply.status == 403
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=10) == 0
        assert not path.exists()
    finally:
        stop(server.process)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--host", ""], "--host"),
        (["--host", "not a host"], "--host"),
        (["--host", "http://127.0.0.1"], "--host"),
        (["--port", "99999"], "--port"),
        (["--port", "0"], "--port"),
        (["--port", "abc"], "--port"),
        (["--token", "short"], "--token"),
        (["--socket", "/nonexistent-dir/serve.sock"], "--socket"),
    ],
)
def test_bad_usage_exits_2_naming_the_option(
    args: list[str], option: str, isolated_dirs: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "serve", *args, str(SAMPLE)],
        cwd=REPO,
        env=isolated_env(isolated_dirs),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""  # no banner
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"newsreader: {option}:")
    assert "_positive" not in result.stderr and "Traceback" not in result.stderr


def test_port_in_use_is_an_error_before_the_banner(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "reader", "serve", "--port", str(port), str(SAMPLE)],
            cwd=REPO,
            env=isolated_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
