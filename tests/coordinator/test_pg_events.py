"""The NOTIFY bus packs the events queued together into JSON arrays that PostgreSQL accepts."""

from __future__ import annotations

import json

from shuttersense.coordinator.pg_events import PgNotifyBus


def test_queued_events_go_out_in_order_as_arrays_under_the_payload_limit() -> None:
    bus = PgNotifyBus("postgresql+psycopg://nobody@127.0.0.1:1/none")
    events = [{"job": f"job_{n}", "message": "x" * 1000} for n in range(20)]
    payloads = [json.dumps(event, separators=(",", ":")) for event in events]
    bus._enqueue(payloads[1:])

    notifications = bus._batches(payloads[0])

    assert len(notifications) > 1  # 20 kB of events do not fit one notification
    assert all(len(text.encode()) < 8000 for text in notifications)
    assert [event for text in notifications for event in json.loads(text)] == events
    assert bus._outbox.empty()
