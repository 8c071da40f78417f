"""Text answers travel compressed to browsers that ask; answers to forms and files do not
(core/compression.py, docs/decisions/0020)."""

import gzip

import pytest
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from qicop.core.compression import CompressionMiddleware

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_a_page_is_gzipped_for_a_browser_that_asks(world):
    client = world.client_for("henri")
    plain = client.get("/?stay=1")
    packed = client.get("/?stay=1", **GZIP)
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert html.startswith("<!doctype html>") and len(packed.content) < len(plain.content) / 2


def test_a_page_is_sent_plain_to_a_client_that_does_not_ask(world):
    response = world.client_for("henri").get("/?stay=1")
    assert not response.has_header("Content-Encoding")
    assert response.content.decode().startswith("<!doctype html>")


def test_the_same_answer_never_has_the_same_compressed_length_twice(client):
    lengths = {len(client.get("/api/v1/openapi.json", **GZIP).content) for _ in range(6)}
    assert len(lengths) > 1  # random bytes in the gzip header: an observer cannot compare lengths


def test_an_answer_to_a_posted_form_is_not_compressed(world):
    response = world.client_for("henri").post(
        "/accounts/profile/tokens/", {"name": "My DHIS2 client"}, **GZIP
    )
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert "My DHIS2 client" in response.content.decode()  # the new token is shown once, here


def test_pictures_and_files_are_sent_as_they_are():
    middleware = CompressionMiddleware(lambda request: None)
    request = RequestFactory().get("/", **GZIP)
    picture = HttpResponse(b"\x89PNG" + b"\0" * 4000, content_type="image/png")
    assert not middleware.process_response(request, picture).has_header("Content-Encoding")
    text_file = FileResponse(iter([b"a,b\n" * 1000]), content_type="text/csv")
    assert not middleware.process_response(request, text_file).has_header("Content-Encoding")
    csv = HttpResponse(b"a,b\n" * 1000, content_type="text/csv; charset=utf-8")
    assert middleware.process_response(request, csv)["Content-Encoding"] == "gzip"
