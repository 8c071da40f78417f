"""Uploads on S3-compatible object storage (QICOP_STORAGE_URL), against moto's S3 in this process.

Several servers working together, with a real S3-compatible server, are in tests/test_several_servers.py.
"""

from __future__ import annotations

import boto3
import pytest
from django.core.files.base import ContentFile
from django.test import RequestFactory
from moto import mock_aws

from qicop.core import views
from qicop.core.object_storage import ObjectMediaStorage, ObjectPrivateStorage

BUCKET = "qicop-files"
OPTIONS = {
    "bucket_name": BUCKET,
    "prefix": "site",
    "endpoint_url": None,
    "region_name": "us-east-1",
    "addressing_style": None,
}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


@pytest.fixture
def bucket(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        yield s3


def _keys(s3) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_private_file_is_kept_under_the_private_prefix_and_has_no_url(bucket):
    storage = ObjectPrivateStorage(**OPTIONS)

    name = storage.save("materials/7/slides", ContentFile(b"%PDF-1.4 slides", name="slides"))

    assert _keys(bucket) == [f"site/private/{name}"]
    with storage.open(name, "rb") as handle:
        assert handle.read() == b"%PDF-1.4 slides"
    with pytest.raises(ValueError, match="private files have no URL"):
        storage.url(name)


def test_a_second_file_of_the_same_name_never_replaces_the_first(bucket):
    storage = ObjectPrivateStorage(**OPTIONS)

    first = storage.save("imports/2026/01/values.csv", ContentFile(b"first"))
    second = storage.save("imports/2026/01/values.csv", ContentFile(b"second"))

    assert first != second
    assert [storage.open(n).read() for n in (first, second)] == [b"first", b"second"]


def test_a_photo_in_object_storage_is_served_by_qicop_under_media(bucket, settings):
    storage = ObjectMediaStorage(**OPTIONS)
    name = storage.save("members/3/face.png", ContentFile(PNG))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "qicop.core.object_storage.ObjectMediaStorage", "OPTIONS": OPTIONS},
    }

    assert storage.url(name) == "/media/members/3/face.png"
    assert _keys(bucket) == ["site/media/members/3/face.png"]
    response = views.media(RequestFactory().get("/media/members/3/face.png"), path=name)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["members/3/missing.png", "../private/materials/7/slides"])
def test_a_missing_photo_or_a_path_out_of_the_media_folder_is_not_found(bucket, settings, path):
    from django.http import Http404

    ObjectPrivateStorage(**OPTIONS).save("materials/7/slides", ContentFile(b"%PDF-1.4 secret"))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "qicop.core.object_storage.ObjectMediaStorage", "OPTIONS": OPTIONS},
    }

    with pytest.raises(Http404):
        views.media(RequestFactory().get(f"/media/{path}"), path=path)
