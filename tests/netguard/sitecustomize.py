"""Loaded by every Python process the tests start (via PYTHONPATH): no network but loopback."""

import socket

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


class NetworkBlocked(OSError):
    pass


def _check(sock: socket.socket, address: object) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) else address
    if host not in LOOPBACK:
        raise NetworkBlocked(f"network use blocked in tests: connect to {address!r}")


def connect(self: socket.socket, address: object) -> None:
    _check(self, address)
    _connect(self, address)


def connect_ex(self: socket.socket, address: object) -> int:
    _check(self, address)
    return _connect_ex(self, address)


def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
    if host not in LOOPBACK and host is not None:
        raise NetworkBlocked(f"network use blocked in tests: name lookup of {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = connect  # type: ignore[method-assign]
socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
