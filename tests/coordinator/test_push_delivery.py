"""Web push end to end in the coordinator: a job event reaches a push service on 127.0.0.1,
encrypted for the browser and signed with the VAPID key; the push service's answers decide what
becomes of the subscription; a slow push service holds up no request (both databases)."""

from __future__ import annotations

import re
import socket

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shuttersense.coordinator.models import PushDelivery, PushSubscription
from shuttersense.coordinator.services import push_subscriptions
from tests.coordinator.factories import Teams, db
from tests.coordinator.push_rig import Studio, make_studio, service
from tests.helpers.agent_process import wait_for
from tests.helpers.push_service import Browser, PushService, vapid_claims

__all__ = ["service"]  # the fixture, imported to be used here


@pytest.fixture
def studio(client: TestClient, db_url: str, teams: Teams) -> Studio:
    return make_studio(client, db_url, teams.admin)


def test_a_failed_job_reaches_the_push_service_encrypted_and_signed(
    studio: Studio, service: PushService
) -> None:
    browser = Browser(f"{service.base}/push/subscription-secret-1")
    studio.subscribe(browser)
    job = studio.fail_a_job("the disk <b>is</b> gone")

    [received] = service.wait_for(1)
    assert received.path == "/push/subscription-secret-1"
    payload = browser.decrypt(received)
    assert payload["kind"] == "job_failed"
    assert payload["title"] == "PhotoStats failed"
    assert payload["body"] == "Weddings: the disk <b>is</b> gone"  # text: the worker shows it so
    assert payload["url"] == "/jobs?status=failed"
    assert payload["tag"] == f"job_failed:{job}"
    public_key = studio.client.get("/api/push/vapid-public-key").json()["public_key"]
    claims = vapid_claims(received, public_key)
    assert claims["aud"] == service.base
    assert claims["sub"].startswith("mailto:")
    assert int(received.headers["ttl"]) > 0


def test_a_subscription_the_push_service_calls_gone_is_deleted(
    studio: Studio, service: PushService
) -> None:
    service.status = 410
    studio.subscribe(Browser(f"{service.base}/push/gone"))
    studio.fail_a_job()
    service.wait_for(1)
    wait_for(lambda: not studio.subscriptions(), what="the subscription to be deleted")


def test_a_slow_push_service_holds_up_no_request(studio: Studio, service: PushService) -> None:
    service.release.clear()  # the push service takes the request and does not answer
    studio.subscribe(Browser(f"{service.base}/push/slow"))
    studio.fail_a_job()
    service.wait_for(1)
    # While the push service still holds its request, the API answers as usual.
    studio.fail_a_job("another failure")
    assert studio.client.get("/api/jobs", headers=studio.admin).status_code == 200
    assert len(service.received) == 1 and not service.release.is_set()
    service.release.set()
    service.wait_for(2)


def test_nothing_is_sent_to_users_who_turned_the_kind_off(
    studio: Studio, service: PushService, teams: Teams
) -> None:
    studio.subscribe(Browser(f"{service.base}/push/admin"))
    member = Browser(f"{service.base}/push/member")
    subscribed = studio.client.post(
        "/api/push/subscriptions", headers=teams.member, json=member.subscription()
    )
    assert subscribed.status_code == 201, subscribed.text
    off = {"job_failed": False}
    turned = studio.client.put("/api/push/preferences", headers=studio.admin, json=off)
    assert turned.status_code == 200 and turned.json()["job_failed"] is False
    job = studio.fail_a_job()
    [received] = service.wait_for(1)
    assert received.path == "/push/member"
    assert member.decrypt(received)["tag"] == f"job_failed:{job}"
    # Both users' deliveries are queued together: the admin's would be there by now.
    with db(studio.db_url) as session:
        queued = session.scalars(
            select(PushSubscription.endpoint).join(
                PushDelivery, PushDelivery.subscription_id == PushSubscription.id
            )
        ).all()
    assert queued == [member.endpoint]


def test_a_collection_that_got_worse_is_told_and_listed(
    studio: Studio, service: PushService
) -> None:
    browser = Browser(f"{service.base}/push/worse")
    studio.subscribe(browser)
    wanted = {"results_ready": True}
    assert studio.client.put("/api/push/preferences", headers=studio.admin, json=wanted).is_success
    first = studio.complete_a_job(["a.cr3"])
    [ready] = service.wait_for(1)
    assert browser.decrypt(ready)["tag"] == f"results_ready:{first}"
    second = studio.complete_a_job(["a.cr3", "b.cr3", "c.cr3"])
    told = {browser.decrypt(r)["tag"]: browser.decrypt(r) for r in service.wait_for(3)}
    assert set(told) == {
        f"results_ready:{first}",
        f"results_ready:{second}",
        f"collection_worse:{second}",
    }
    worse = told[f"collection_worse:{second}"]
    assert worse["title"] == "Weddings got worse"
    assert worse["body"] == "PhotoStats: 1 → 3 orphaned files"
    assert worse["url"] == f"/results/{second}"
    assert _worse_listed(studio) == [second]
    third = studio.complete_a_job(["a.cr3"])  # better again: ready, not worse
    assert {browser.decrypt(r)["tag"] for r in service.wait_for(4)} - set(told) == {
        f"results_ready:{third}"
    }
    with db(studio.db_url) as session:  # queued with the ready notice, were it worse
        keys = session.scalars(select(PushDelivery.event_key)).all()
    assert f"collection_worse:{third}" not in keys
    assert _worse_listed(studio) == []


def _worse_listed(studio: Studio) -> list[str]:
    """The results the overview lists under the collections that got worse."""
    page = studio.client.get("/", headers=studio.admin).text
    section = page.split("Collections that got worse")[1]
    return re.findall(r'href="/results/(res_[0-9a-z]+)"', section)


def test_a_name_that_leads_inside_the_network_is_never_sent_to(studio: Studio) -> None:
    """A host name that passed as a name when subscribed, resolving to this machine now."""
    inside = f"https://{socket.gethostname()}/push/x"
    assert not push_subscriptions.endpoint_addresses_allowed(inside, allow_loopback_http=True)
    studio.subscribe(Browser(inside))
    studio.fail_a_job()
    wait_for(lambda: not studio.subscriptions(), what="the subscription to be deleted")
