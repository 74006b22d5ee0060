"""A browser's way through the dashboard in-process: its forms, their CSRF tokens, its cookie."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from shuttersense.coordinator.api.session_cookie import SESSION_COOKIE
from shuttersense.coordinator.web.page_route import PageRoute

__all__ = ["csrf_of", "page_posts", "pages", "sign_in", "submit"]

_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def csrf_of(page: Any) -> str:
    """The CSRF token of the first form of a page."""
    found = _CSRF.search(page.text)
    assert found, f"no form with a CSRF token on {page.request.url}"
    return found.group(1)


def submit(client: TestClient, path: str, fields: dict[str, str], token: str) -> Any:
    """POST a form as the browser does (urlencoded, from this site), without following."""
    return client.post(
        path,
        data={"csrf": token, **fields},
        headers={"Origin": str(client.base_url)},
        follow_redirects=False,
    )


def sign_in(client: TestClient, email: str, password: str) -> str:
    """Sign in through the sign-in page; the session cookie it set."""
    answer = submit(
        client, "/login", {"email": email, "password": password}, csrf_of(client.get("/login"))
    )
    assert answer.status_code == 303, answer.text
    return str(client.cookies[SESSION_COOKIE])


def _page_routes(app: FastAPI) -> list[tuple[str, set[str]]]:
    """(path, methods) of every page route, as the app serves them."""
    return [
        (str(context.path), set(context.methods or ()))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, PageRoute)
    ]


def pages(app: FastAPI) -> list[str]:
    """The paths of the dashboard's GET pages."""
    return [path for path, methods in _page_routes(app) if "GET" in methods]


def page_posts(app: FastAPI) -> list[str]:
    """The paths of the dashboard's forms (every state-changing page route)."""
    changing = [(p, m) for p, m in _page_routes(app) if m - {"GET", "HEAD"}]
    assert all(m == {"POST"} for _, m in changing), "a form route other than POST"
    return [path for path, _ in changing]
