"""A file with conflicts on millions of rows: the answer lists the first ones with a count per kind, memory
stays small, and every conflict is kept in a file the import's page streams as CSV."""

import csv
import io
import tracemalloc

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qicop.accounts.services import create_api_token
from qicop.indicators.import_conflicts import MAX_KINDS, ConflictLog, IndexRanges
from qicop.indicators.models import DataImport, DataValue

HEADER = "dataelement,period,orgunit,value\n"


def csv_with_bad_rows(rows: int, *, unknown_elements: int = 0) -> bytes:
    """``rows`` values for an org unit nobody knows, then one row for each of ``unknown_elements`` data
    elements nobody knows (at a known org unit)."""
    lines = [HEADER, *("VlTested01a,202401,NoSuchUnit1,5\n" for _ in range(rows))]
    lines += [f"NoSuchDe{i:03d},202401,NakuruHosp1,5\n" for i in range(unknown_elements)]
    return "".join(lines).encode()


def test_the_answer_lists_the_first_kinds_with_their_counts_and_the_first_values(data, settings):
    settings.QICOP_IMPORT_CONFLICTS_LISTED = 5
    secret = create_api_token(user=data.world.dan.user, name="script")[1]

    response = Client().post(
        "/api/dataValueSets",
        csv_with_bad_rows(4500, unknown_elements=7),
        content_type="application/csv",
        HTTP_AUTHORIZATION=f"ApiToken {secret}",
    )

    assert response.status_code == 409
    assert len(response.content) < 5_000
    summary = response.json()["response"]
    first = summary["conflicts"][0]
    assert (first["errorCode"], first["object"], first["count"]) == ("E7612", "NoSuchUnit1", 4500)
    assert first["indexes"] == [0, 1, 2, 3, 4]
    assert len(summary["conflicts"]) == 5
    assert [c["object"] for c in summary["conflicts"][1:]] == [
        "NoSuchDe000",
        "NoSuchDe001",
        "NoSuchDe002",
        "NoSuchDe003",
    ]
    assert all("count" not in c for c in summary["conflicts"][1:])  # each met once: all its indexes listed
    assert summary["rejectedIndexes"] == [0, 1, 2, 3, 4]
    assert summary["description"].startswith("4507 values have conflicts")
    assert "There are 4,507 conflicts of 8 kinds: the first 5 kinds are listed" in summary["description"]
    assert "async=true" in summary["description"]
    assert not DataValue.objects.exists()


def test_the_import_page_streams_every_conflict_as_runs_of_values(data, settings):
    settings.QICOP_IMPORT_CONFLICTS_LISTED = 3
    client = data.world.client_for("dan")
    upload = SimpleUploadedFile("values.csv", csv_with_bad_rows(4500, unknown_elements=7))

    response = client.post("/n/vln/data/import/", {"file": upload, "strategy": "CREATE_AND_UPDATE"})

    data_import = DataImport.objects.get()
    assert len(data_import.summary["conflicts"]) == 3
    assert "The import's page offers every conflict as a CSV file." in data_import.summary["description"]
    page = client.get(response["Location"]).content.decode()
    assert "4500" in page and "NoSuchUnit1" in page and "NoSuchDe003" not in page
    download = client.get(response["Location"] + "conflicts.csv")
    assert download.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0] | {"value": ""} == {
        "errorCode": "E7612",
        "object": "NoSuchUnit1",
        "property": "orgUnit",
        "value": "",
        "firstIndex": "0",
        "lastIndex": "4499",
        "values": "4500",
    }
    assert sorted(row["object"] for row in rows[1:]) == [f"NoSuchDe{i:03d}" for i in range(7)]
    assert [row["firstIndex"] for row in rows[1:]] == [str(4500 + i) for i in range(7)]


def test_another_countrys_import_conflicts_are_not_downloadable(data):
    client = data.world.client_for("dan")
    upload = SimpleUploadedFile("values.csv", csv_with_bad_rows(3))
    response = client.post("/n/vln/data/import/", {"file": upload, "strategy": "CREATE_AND_UPDATE"})

    assert data.world.client_for("faith").get(response["Location"] + "conflicts.csv").status_code == 404
    assert data.world.client_for("henri").get(response["Location"] + "conflicts.csv").status_code == 404


def test_a_million_conflicts_of_one_kind_take_almost_no_memory():
    log = ConflictLog(listed=100, sink=io.StringIO())
    tracemalloc.start()
    for index in range(1_000_000):
        log.add(index, obj="NoSuchUnit1", message="unknown", code="E7603", prop="orgUnit")
    log.finish()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert peak < 1_000_000
    (conflict,) = log.as_dicts()
    assert conflict["count"] == 1_000_000 and conflict["indexes"] == list(range(100))
    assert len(log.blocking_indexes) == 1_000_000


def test_conflicts_past_the_kinds_kept_in_memory_are_counted_together_and_all_written_out():
    sink = io.StringIO()
    log = ConflictLog(listed=10, sink=sink)
    for index in range(MAX_KINDS + 50):
        log.add(index, obj=f"Unit{index}", message="unknown", code="E7603", prop="orgUnit")
    log.finish()

    assert len(log.kinds) == MAX_KINDS + 1
    assert log.kinds[("", "More conflicts than can be listed", "E7603", "orgUnit")].count == 50
    written = list(csv.DictReader(io.StringIO(sink.getvalue())))
    assert [row["object"] for row in written] == [f"Unit{index}" for index in range(MAX_KINDS + 50)]


def test_index_ranges_keep_contiguous_indexes_as_one_range_in_any_order():
    ranges = IndexRanges()
    for index in [5, 6, 7, 1, 3, 2, 9, 8, 0, 3, 4, 20]:
        ranges.add(index)

    assert list(ranges) == [*range(10), 20]
    assert len(ranges) == 11
    assert ranges.first(3) == [0, 1, 2]
    assert (list(ranges._starts), list(ranges._ends)) == ([0, 20], [9, 20])
