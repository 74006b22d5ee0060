"""The push outbox: one row per notice and subscription until it is sent or given up.

Queueing inserts with ON CONFLICT DO NOTHING on (subscription, event key), so of the instances
that heard an event only the first queues its notice. Senders claim due rows in one UPDATE
(`FOR UPDATE SKIP LOCKED` on PostgreSQL) and mark them claimed for a while: two senders never
send the same row, and a sender that dies leaves its rows to be claimed again. A failed send is
tried again later, at most MAX_ATTEMPTS times in all. A row sent or given up stays, marked done,
for KEEP_DONE: an instance that hears the event after it was sent finds its key taken and
queues nothing; older ones are purged.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import PushDelivery, PushSubscription
from .push_notices import Notice
from .push_preferences import users_wanting

__all__ = [
    "CLAIM_FOR",
    "KEEP_DONE",
    "MAX_ATTEMPTS",
    "Claimed",
    "claim",
    "drop_subscription",
    "failed",
    "purge_done",
    "queue",
    "sent",
]

MAX_ATTEMPTS = 4
CLAIM_FOR = timedelta(minutes=2)
KEEP_DONE = timedelta(days=1)
_BACKOFF = (timedelta(seconds=15), timedelta(minutes=1), timedelta(minutes=5))
_INSERT = {module.dialect.name: module.insert for module in (postgresql, sqlite)}


@dataclass(frozen=True)
class Claimed:
    """A delivery claimed for sending, with what the push service needs."""

    id: int
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    payload: dict[str, Any]
    attempts: int


def queue(session: Session, notices: list[Notice], now: datetime) -> None:
    """Queue each notice for the subscriptions of the users who want its kind (a notice
    another instance queued already is not queued again). Committed."""
    insert = _INSERT[session.get_bind().dialect.name]
    for notice in notices:
        users = users_wanting(session, notice.team_id, notice.kind)
        if not users:
            continue
        subscriptions = session.scalars(
            select(PushSubscription.id).where(
                PushSubscription.team_id == notice.team_id, PushSubscription.user_id.in_(users)
            )
        ).all()
        if not subscriptions:
            continue
        rows = [
            {
                "subscription_id": subscription,
                "event_key": notice.key[:200],
                "payload": notice.payload(),
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for subscription in subscriptions
        ]
        statement = insert(PushDelivery).on_conflict_do_nothing(
            index_elements=["subscription_id", "event_key"]
        )
        session.execute(statement, rows)
    session.commit()


def _claimable(now: datetime) -> list[ColumnElement[bool]]:
    return [
        PushDelivery.done_at.is_(None),
        PushDelivery.next_attempt_at <= now,
        or_(PushDelivery.claimed_until.is_(None), PushDelivery.claimed_until < now),
    ]


def claim(session: Session, now: datetime, limit: int = 20) -> list[Claimed]:
    """Up to `limit` due deliveries, oldest first, claimed for CLAIM_FOR. Committed.

    One UPDATE marks them with a fresh claim token, its conditions checked again as it writes:
    of two senders racing for a row, one takes it (PostgreSQL also skips rows another claim
    holds locked; SQLite runs one writer at a time).
    """
    token = secrets.token_hex(16)
    due = (
        select(PushDelivery.id)
        .where(*_claimable(now))
        .order_by(PushDelivery.next_attempt_at, PushDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    session.execute(
        update(PushDelivery)
        .where(PushDelivery.id.in_(due.scalar_subquery()), *_claimable(now))
        .values(claimed_until=now + CLAIM_FOR, claim_token=token)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    rows = session.execute(
        select(PushDelivery, PushSubscription)
        .join(PushSubscription, PushSubscription.id == PushDelivery.subscription_id)
        .where(PushDelivery.claim_token == token)
        .order_by(PushDelivery.next_attempt_at, PushDelivery.id)
    ).all()
    return [
        Claimed(
            delivery.id,
            subscription.id,
            subscription.endpoint,
            subscription.p256dh,
            subscription.auth,
            dict(delivery.payload),
            delivery.attempts,
        )
        for delivery, subscription in rows
    ]


def _done(session: Session, delivery_id: int, now: datetime) -> None:
    session.execute(
        update(PushDelivery)
        .where(PushDelivery.id == delivery_id)
        .values(done_at=now, claimed_until=None)
    )
    session.commit()


def sent(session: Session, delivery_id: int, now: datetime) -> None:
    _done(session, delivery_id, now)


def purge_done(session: Session, now: datetime) -> int:
    """Delete the rows done for longer than KEEP_DONE; how many. Committed."""
    purged = session.execute(
        delete(PushDelivery).where(PushDelivery.done_at < now - KEEP_DONE)
    ).rowcount
    session.commit()
    return purged


def drop_subscription(session: Session, subscription_id: int) -> None:
    """The push service says the subscription is gone (404, 410): delete it with its rows."""
    session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))
    session.commit()


def failed(session: Session, delivery: Claimed, now: datetime) -> bool:
    """Count a failed attempt: try again later, or give up after MAX_ATTEMPTS (True: given
    up, the row marked done). Committed."""
    attempts = delivery.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        _done(session, delivery.id, now)
        return True
    session.execute(
        update(PushDelivery)
        .where(PushDelivery.id == delivery.id)
        .values(
            attempts=attempts,
            claimed_until=None,
            next_attempt_at=now + _BACKOFF[min(attempts, len(_BACKOFF)) - 1],
        )
    )
    session.commit()
    return False
