"""Check the ``serve`` options before anything is printed or bound: bad use is exit 2."""

from __future__ import annotations

import ipaddress
import re
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.?$"
)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


class ServeUsageError(ValueError):
    """A bad ``serve`` option; the message names the option."""


@dataclass(frozen=True)
class ServeOptions:
    """Where to listen and the secret a browser must present."""

    host: str
    port: int
    socket_path: Path | None
    token: str

    @property
    def loopback(self) -> bool:
        """True when only this machine can connect (loopback address or a Unix socket)."""
        if self.socket_path is not None or self.host in LOOPBACK_NAMES:
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_port(value: str) -> int:
    """``--port`` → 1..65535."""
    try:
        port = int(value, 10)
    except ValueError:
        raise ServeUsageError(f"--port: not a port number: {value!r} (1-65535)") from None
    if not 1 <= port <= 65535:
        raise ServeUsageError(f"--port: {port} is out of range (1-65535)")
    return port


def parse_host(value: str) -> str:
    """``--host`` → an IP address or host name that resolves on this machine."""
    host = value[1:-1] if value.startswith("[") and value.endswith("]") else value
    if not host:
        raise ServeUsageError(
            "--host: empty; give an address (127.0.0.1, or 0.0.0.0 for every interface)"
        )
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    if "://" in host or "/" in host:
        raise ServeUsageError(f"--host: {value!r} is a URL; give only the address, e.g. 127.0.0.1")
    if not _HOSTNAME.match(host):
        raise ServeUsageError(f"--host: {value!r} is not a host name or IP address")
    try:
        socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ServeUsageError(f"--host: cannot resolve {value!r}: {exc}") from None
    return host


def parse_token(value: str | None) -> str:
    """``--token`` as given (URL-safe, 16+ characters), else a fresh random secret."""
    if value is None:
        return secrets.token_urlsafe(32)
    if not _TOKEN.match(value):
        raise ServeUsageError("--token: use 16 to 256 characters from A-Z a-z 0-9 _ -")
    return value


def parse_socket(value: str | None) -> Path | None:
    """``--socket`` → an absolute path in an existing directory, not an existing file."""
    if value is None:
        return None
    if not value:
        raise ServeUsageError("--socket: empty path")
    path = Path(value).expanduser().absolute()
    if not path.parent.is_dir():
        raise ServeUsageError(f"--socket: no such directory: {path.parent}")
    if path.exists() and not path.is_socket():
        raise ServeUsageError(f"--socket: {path} exists and is not a socket")
    if len(str(path).encode()) > 107:
        raise ServeUsageError(f"--socket: path too long for a Unix socket: {path}")
    return path


def parse_options(
    host: str | None, port: str | None, socket_path: str | None, token: str | None
) -> ServeOptions:
    """All ``serve`` options (None = not given); raises ServeUsageError."""
    if socket_path is not None and (host is not None or port is not None):
        raise ServeUsageError("--socket: serves only on the socket; drop --host and --port")
    return ServeOptions(
        host=parse_host(DEFAULT_HOST if host is None else host),
        port=parse_port(str(DEFAULT_PORT) if port is None else port),
        socket_path=parse_socket(socket_path),
        token=parse_token(token),
    )
