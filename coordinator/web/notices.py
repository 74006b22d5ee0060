"""Short confirmations shown after a form: the address names one by its code, never its text,
so no one can make the dashboard say something of their choosing."""

from __future__ import annotations

from starlette.requests import HTTPConnection

__all__ = ["NOTICES", "notice_of"]

NOTICES = {
    "signed-out": "You are signed out.",
    "taken": "This instance has its first admin already: sign in.",
    "queued": "The tool is queued; its progress shows below.",
    "running": "That tool was queued or running on this collection already.",
    "cancelled": "The job is cancelled (a running one stops at its agent's next call).",
    "retried": "The job is queued again.",
    "renamed": "The agent is renamed.",
    "revoked": "Revoked: it stops working at once.",
    "user-added": "The user is added: give them their email and password.",
    "user-updated": "The user is updated.",
    "preferences": "Your notification choices are saved.",
}


def notice_of(connection: HTTPConnection) -> str:
    """The text of the `notice` code in the query, or "" for none or an unknown one."""
    return NOTICES.get(connection.query_params.get("notice", ""), "")
