"""Whether a host name or address is this machine only (serve and the cluster listen and
connect on loopback unless told otherwise)."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
