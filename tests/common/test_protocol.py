"""Result signatures shared by agent and coordinator."""

from __future__ import annotations

from shuttersense.common.protocol import canonical_json, result_signature, signature_matches

RESULT = {"tool": "photostats", "total_files": 3, "orphaned_xmp": ["a/é.xmp"]}


def test_canonical_json_ignores_key_order_and_spacing() -> None:
    assert canonical_json({"b": 1, "a": [1, 2]}) == b'{"a":[1,2],"b":1}'
    assert canonical_json({"x": "é"}) == '{"x":"é"}'.encode()


def test_signature_binds_job_hash_and_result() -> None:
    signature = result_signature("s3cret", "job_1", "abc", RESULT)
    assert signature_matches("s3cret", "job_1", "abc", dict(reversed(RESULT.items())), signature)
    assert not signature_matches("other", "job_1", "abc", RESULT, signature)
    assert not signature_matches("s3cret", "job_2", "abc", RESULT, signature)
    assert not signature_matches("s3cret", "job_1", "abd", RESULT, signature)
    assert not signature_matches("s3cret", "job_1", "abc", {**RESULT, "total_files": 4}, signature)
