"""A Kenyan DHIS2 played by a real local HTTP server (pytest-httpserver) answering recorded responses."""

from __future__ import annotations

import pytest

from data_world import DataWorld
from dhis2_remote import TOKEN, recorded


@pytest.fixture
def data(world):
    return DataWorld(world)


@pytest.fixture
def remote(httpserver):
    """The remote DHIS2: every request must carry the token; system/info and me answer as 2.40 does."""
    auth = {"Authorization": f"ApiToken {TOKEN}"}
    httpserver.expect_request("/api/system/info", headers=auth).respond_with_data(
        recorded("system_info.json"), content_type="application/json;charset=UTF-8"
    )
    httpserver.expect_request("/api/me", headers=auth).respond_with_data(
        recorded("me.json"), content_type="application/json;charset=UTF-8"
    )
    return httpserver
