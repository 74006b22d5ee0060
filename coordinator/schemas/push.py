"""Request and response bodies of `/api/push`: the VAPID key, subscriptions, preferences."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .base import Body

__all__ = [
    "PushKeys",
    "PushPreferences",
    "PushPreferencesUpdate",
    "SubscriptionCreate",
    "SubscriptionOut",
    "VapidPublicKey",
]


class VapidPublicKey(Body):
    public_key: str = Field(
        description="the applicationServerKey for PushManager.subscribe (base64url, P-256 point)"
    )


class PushKeys(Body):
    p256dh: str = Field(max_length=200, description="the browser's P-256 key (base64url)")
    auth: str = Field(max_length=100, description="the browser's 16-byte auth secret (base64url)")


class SubscriptionCreate(Body):
    """What `PushSubscription.toJSON()` gives in the browser (`expirationTime` is ignored)."""

    endpoint: str = Field(max_length=2000, description="the push service URL of this browser")
    keys: PushKeys
    expirationTime: int | None = None


class SubscriptionOut(Body):
    guid: str
    endpoint: str
    created_at: datetime


class PushPreferences(Body):
    job_failed: bool = Field(description="a job failed (after its last attempt)")
    results_ready: bool = Field(description="a new analysis finished (opt-in)")
    agent_offline: bool = Field(description="an agent stopped sending heartbeats")
    collection_worse: bool = Field(description="a collection's new analysis is worse")


class PushPreferencesUpdate(Body):
    """The kinds to change; those left out stay as they are."""

    job_failed: bool | None = None
    results_ready: bool | None = None
    agent_offline: bool | None = None
    collection_worse: bool | None = None
