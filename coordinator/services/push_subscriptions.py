"""Browsers that asked for push notifications: one subscription per browser (its push
service's endpoint, and the keys its messages are encrypted for), owned by a user.

The endpoint is an address the coordinator will POST to, so it is never trusted: it must be
https, on the default port of a host that is not an address of a private, loopback or
link-local network. Development also takes http on a loopback address (a local push service
for tests). A host name is checked again where it leads just before each send
(`endpoint_addresses_allowed`): a name can point inside the network, or come to.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import InvalidInput, NotFound
from ..ids import is_guid, new_guid
from ..models import PushSubscription, User
from ..signing import InvalidSignature, b64url_decode
from . import audit

__all__ = [
    "check_endpoint",
    "endpoint_addresses_allowed",
    "list_subscriptions",
    "subscribe",
    "unsubscribe",
]

_MAX_ENDPOINT = 2000


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _address_allowed(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address, scheme: str, allow_loopback_http: bool
) -> bool:
    if allow_loopback_http and scheme == "http" and ip.is_loopback:
        return True
    return scheme == "https" and ip.is_global


def endpoint_addresses_allowed(endpoint: str, *, allow_loopback_http: bool) -> bool:
    """Whether every address the endpoint's host resolves to may be sent to now; OSError when
    the name does not resolve (try again later)."""
    parts = urlsplit(endpoint)
    found = socket.getaddrinfo(parts.hostname or "", parts.port or 443, type=socket.SOCK_STREAM)
    addresses = {ipaddress.ip_address(str(entry[4][0]).split("%")[0]) for entry in found}
    return bool(addresses) and all(
        _address_allowed(ip, parts.scheme, allow_loopback_http) for ip in addresses
    )


def check_endpoint(endpoint: str, *, allow_loopback_http: bool) -> str:
    """The endpoint when the coordinator may POST to it; InvalidInput saying why not."""
    where = ("body", "endpoint")
    if len(endpoint) > _MAX_ENDPOINT:
        raise InvalidInput(f"the endpoint is longer than {_MAX_ENDPOINT} characters", where)
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise InvalidInput("the endpoint is not a URL", where) from None
    host = (parts.hostname or "").lower()
    ip = _ip(host)
    if parts.username or parts.password or not host:
        raise InvalidInput("the endpoint must be a push service's URL", where)
    if allow_loopback_http and parts.scheme == "http" and ip is not None and ip.is_loopback:
        return endpoint
    if parts.scheme != "https" or port not in (None, 443):
        raise InvalidInput("the endpoint must be an https URL on the default port", where)
    if (ip is not None and not ip.is_global) or host == "localhost" or host.endswith(".localhost"):
        raise InvalidInput("the endpoint must be a push service on the internet", where)
    return endpoint


def _key(value: str, name: str, length: int) -> str:
    try:
        if len(b64url_decode(value)) == length:
            return value
    except (InvalidSignature, ValueError):
        pass
    raise InvalidInput(f"keys.{name} must be {length} bytes in base64url", ("body", "keys", name))


def subscribe(
    session: Session,
    user: User,
    endpoint: str,
    p256dh: str,
    auth: str,
    *,
    allow_loopback_http: bool,
) -> PushSubscription:
    """Subscribe the user's browser; the same endpoint subscribed again (by this user or after
    another one signed in on that browser) moves to this user with the new keys. Committed."""
    endpoint = check_endpoint(endpoint, allow_loopback_http=allow_loopback_http)
    p256dh, auth = _key(p256dh, "p256dh", 65), _key(auth, "auth", 16)
    row = session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if row is None:
        row = PushSubscription(guid=new_guid("sub"), endpoint=endpoint, preferences={})
        session.add(row)
    row.team_id, row.user_id, row.p256dh, row.auth = user.team_id, user.id, p256dh, auth
    session.flush()
    audit.record(session, user.team_id, "push.subscribed", row.guid, user_id=user.id)
    session.commit()
    return row


def list_subscriptions(session: Session, user: User) -> list[PushSubscription]:
    return list(
        session.scalars(
            select(PushSubscription)
            .where(PushSubscription.user_id == user.id, PushSubscription.team_id == user.team_id)
            .order_by(PushSubscription.id)
        )
    )


def unsubscribe(session: Session, user: User, guid: str) -> None:
    """Delete one of the user's subscriptions; any other GUID is NotFound. Committed."""
    deleted = 0
    if is_guid(guid, "sub"):
        deleted = session.execute(
            delete(PushSubscription).where(
                PushSubscription.guid == guid,
                PushSubscription.user_id == user.id,
                PushSubscription.team_id == user.team_id,
            )
        ).rowcount
    if not deleted:
        raise NotFound(f"no push subscription {guid}")
    audit.record(session, user.team_id, "push.unsubscribed", guid, user_id=user.id)
    session.commit()
