"""The parsing process (coordinator/parse_pool.py): uploads are read there, a child that dies is
replaced and the request meanwhile answered 503 with Retry-After, the app's lifespan stops it;
an already packed result is stored as it is (both databases)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal

import pytest
from fastapi.testclient import TestClient

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.errors import Unavailable
from shuttersense.coordinator.models.packed_json import PACK_ABOVE, PACKED_KEY, pack, unpack
from shuttersense.coordinator.parse_pool import ParsePool
from shuttersense.coordinator.services.body_results import parse_result
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import photostats_result
from tests.coordinator.test_job_socket import Studio
from tests.coordinator.test_uploads import Sender


def children() -> set[int]:
    return {child.pid for child in multiprocessing.active_children()}


def test_a_child_that_dies_is_replaced_and_the_call_is_refused_for_now() -> None:
    pool = ParsePool()
    try:
        with pytest.raises(Unavailable, match="send the same request again") as refused:
            pool.run(os._exit, 3)  # the child ends mid-call, as if killed
        assert refused.value.status == 503 and refused.value.retry_after >= 1
        parsed = pool.run(parse_result, b'{"tool": "photostats"}')
        [read] = parsed.results
        assert read.invalid is not None and "does not follow its schema" in read.invalid
    finally:
        pool.close()


def offline_upload(sender: Sender, studio: Studio, key: str) -> tuple[str, bytes]:
    document = json.dumps(photostats_result()).encode()
    guid = sender.open(document, 1, collection_guid=studio.collection, idempotency_key=key)
    sender.put_all(guid, document, 1)
    return guid, document


def test_a_finish_meeting_a_dead_child_gets_503_and_succeeds_when_sent_again(
    settings: Settings, db_url: str
) -> None:
    with TestClient(create_app(settings, sweep_interval=None)) as client:
        studio = Studio(client, db_url, "Studio")
        sender = Sender(client, studio.agent)
        before = children()
        guid, document = offline_upload(sender, studio, "first-key")
        assert sender.finish(guid, document).status_code == 200
        (child,) = children() - before  # the parsing process, started by the first finish
        os.kill(child, signal.SIGKILL)
        guid, document = offline_upload(sender, studio, "second-key")
        refused = sender.finish(guid, document)
        assert refused.status_code == 503, refused.text
        assert refused.headers["Retry-After"] == "1"
        assert "send the same request again" in refused.json()["detail"]
        again = sender.finish(guid, document)  # the upload stayed open
        assert again.status_code == 200, again.text
        started = children() - before
        assert started and child not in started
    assert not children() - before  # the lifespan's end stopped the parsing process


def test_a_packed_value_is_stored_as_it_is() -> None:
    # Names that gzip cannot shrink much: packed, they are still over PACK_ABOVE.
    value = {"names": [hashlib.sha256(b"%d" % n).hexdigest() for n in range(20_000)]}
    packed = pack(value)
    assert set(packed) == {PACKED_KEY} and len(packed[PACKED_KEY]) > PACK_ABOVE
    assert pack(packed) is packed  # not packed a second time
    assert unpack(pack(packed)) == value
