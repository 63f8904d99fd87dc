import socket

import pytest
from conftest import netguard, run_cli


def test_outside_hosts_are_blocked_in_process() -> None:
    with pytest.raises(netguard.NetworkBlocked), socket.socket() as sock:
        sock.connect(("93.184.216.34", 80))
    with pytest.raises(netguard.NetworkBlocked):
        socket.getaddrinfo("example.com", 80)


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass


def test_child_processes_get_the_guard() -> None:
    code = "import socket; socket.getaddrinfo('example.com', 80)"
    import os
    import subprocess
    import sys

    from conftest import GUARD

    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(GUARD)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "network use blocked" in result.stderr
    assert run_cli("--help").returncode == 0
