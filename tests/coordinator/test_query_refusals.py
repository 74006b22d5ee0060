"""The 422s of the routes the fuzzing found answering `detail` as a string: each is FastAPI's
list of {loc, msg, type}, as the OpenAPI document declares, and says what was wrong. Both
databases."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.coordinator.factories import invalid, signed_in

REFUSED = [
    ("/api/jobs", {"status": "bogus"}, "bogus"),
    ("/api/results", {"tool": "bogus"}, "bogus"),
    ("/api/trends/bogus", {}, "photostats"),
    ("/api/trends/bogus/summary", {}, "photostats"),
]


@pytest.mark.parametrize(("path", "query", "named"), REFUSED)
def test_a_bad_filter_is_refused_with_the_declared_shape(
    client: TestClient, db_url: str, path: str, query: dict[str, str], named: str
) -> None:
    headers = signed_in(client, db_url, "member@studio.example", "Studio")
    answer = client.get(path, params=query, headers=headers)
    assert named in invalid(answer)
    for item in answer.json()["detail"]:
        assert isinstance(item["loc"], list) and isinstance(item["type"], str), item
    document = client.get("/api/openapi.json").json()
    template = path.replace("bogus", "{tool}")
    declared = document["paths"][template]["get"]["responses"]["422"]
    schema = declared["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert document["components"]["schemas"][schema]["properties"]["detail"]["type"] == "array"
