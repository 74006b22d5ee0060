"""`shuttersense.coordinator.gunicorn_worker.UvicornWorker`: the gunicorn worker class for the
coordinator (README, "Under gunicorn").

uvicorn_worker's own worker rewrites the client's address from X-Forwarded-For for connections
from gunicorn's `--forwarded-allow-ips` (127.0.0.1 by default) before the app sees it, so any
local program could name itself anew and escape the sign-in rate limit. This one leaves the
headers to the app, which believes them from SHUSAI_TRUSTED_PROXIES only, with `serve`'s
default: loopback when every address gunicorn binds is a loopback address, else no one.
"""

from __future__ import annotations

from typing import Any, ClassVar

from uvicorn_worker import UvicornWorker as _UvicornWorker

from .trusted_proxies import trust_by_default

__all__ = ["UvicornWorker"]


class UvicornWorker(_UvicornWorker):
    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {
        **_UvicornWorker.CONFIG_KWARGS,
        "proxy_headers": False,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Before the app is loaded (gunicorn loads it after this, unless --preload built it in
        # the master, where SHUSAI_TRUSTED_PROXIES unset means no one). A Unix socket or an
        # inherited descriptor is not an address: it counts as public.
        trust_by_default(
            address[0] if isinstance(address, tuple) else "" for address in self.cfg.address
        )
