"""The default of SHUSAI_TRUSTED_PROXIES, the peers whose X-Forwarded-For is believed
(api/client_address.py): loopback when the server listens on loopback addresses only (behind a
local proxy such as the deployment guide's nginx), else no one. `serve` and our gunicorn worker
apply it before the app reads its settings; an operator's setting always wins."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable

__all__ = ["LOOPBACK", "is_loopback", "trust_by_default"]

LOOPBACK = "127.0.0.0/8,::1"


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def trust_by_default(hosts: Iterable[str]) -> None:
    """Set SHUSAI_TRUSTED_PROXIES when unset: loopback if every one of `hosts` (the addresses
    listened on; none known counts as public) is a loopback address, else no one."""
    if "SHUSAI_TRUSTED_PROXIES" in os.environ:
        return
    listened = list(hosts)
    loopback = bool(listened) and all(is_loopback(host) for host in listened)
    os.environ["SHUSAI_TRUSTED_PROXIES"] = LOOPBACK if loopback else ""
