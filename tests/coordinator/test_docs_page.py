"""`/api/docs` works without a network: every asset it names is on this server, and served."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_the_docs_page_uses_only_assets_of_this_server(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert not re.search(r"(?i)(https?:)?//[a-z0-9]", page.text), page.text  # no other host
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assets += re.findall(r"""url:\s*['"]([^'"]+)['"]""", page.text)  # the OpenAPI document
    assert len(assets) >= 4, page.text
    for asset in assets:
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset
