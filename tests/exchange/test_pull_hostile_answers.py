"""A DHIS2 server (or something posing as one) that answers with files built to exhaust memory: the pull
reads them within the parsing limits and fails with the reason, storing nothing."""

from __future__ import annotations

import pytest

from dhis2_remote import TOKEN, base_url, connect, pull_now
from hostile_files import nested_arrays_in_values, nested_objects
from qicop.exchange.models import Pull
from qicop.exchange.remote import Dhis2Server, RemoteError
from qicop.indicators.models import DataValue

JSON = "application/json;charset=UTF-8"


def test_nested_arrays_as_data_values_fail_the_pull_with_the_limit(data, remote):
    connection = connect(data, remote)
    remote.expect_request("/api/dataValueSets").respond_with_data(
        nested_arrays_in_values(), content_type=JSON
    )

    pull = pull_now(data, connection)

    assert pull.status == Pull.Status.FAILED
    assert "nested more than 64 levels deep" in pull.error
    assert not DataValue.objects.exists()


def test_nested_arrays_are_refused_while_mapping_identifiers_too(data, remote):
    connection = connect(data, remote, data_element_map={"HIV_VL_DONE": "VL_SUPPRESSED"})
    remote.expect_request("/api/dataValueSets").respond_with_data(
        nested_arrays_in_values(), content_type=JSON
    )

    pull = pull_now(data, connection)

    assert pull.status == Pull.Status.FAILED
    assert "not valid JSON" in pull.error and "nested more than 64 levels deep" in pull.error


@pytest.mark.parametrize(
    "answer",
    [nested_objects(), b'{"version": "2.40", "x": "' + b"a" * 2_000_000 + b'"}'],
    ids=["deep", "huge"],
)
def test_the_server_check_reads_only_small_answers_within_the_limits(httpserver, answer):
    httpserver.expect_request("/api/system/info").respond_with_data(answer, content_type=JSON)

    with Dhis2Server(base_url(httpserver), TOKEN) as server, pytest.raises(RemoteError):
        server.info()
