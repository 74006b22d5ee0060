"""The headers every dashboard answer carries: a strict Content-Security-Policy (no inline
script or style, nothing from another site), no framing by any page, no referrer to other
sites, no content sniffing."""

from __future__ import annotations

__all__ = ["CONTENT_SECURITY_POLICY", "dashboard_headers"]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def dashboard_headers() -> dict[str, str]:
    """A fresh copy of the headers, for one answer."""
    return dict(_HEADERS)
