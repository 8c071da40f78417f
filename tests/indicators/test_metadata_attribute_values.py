"""DHIS2 metadata attribute values: read from metadata JSON, kept on every object, written in metadata
exports. They are what an ATTRIBUTE:<uid> id scheme names objects by."""

import io
import json

from django.test import Client

from metadata_reports import messages
from qicop.accounts.services import create_api_token
from qicop.indicators.metadata_import import import_metadata
from qicop.indicators.models import DataElement, OrgUnit
from qicop.integrations.dhis2 import metadata as metadata_reader

MOH = "AttrMohId01"


def post_metadata(data, document: dict, persona="carla") -> dict:
    bundle = metadata_reader.read_json(io.BytesIO(json.dumps(document).encode()))
    return import_metadata(actor=getattr(data.world, persona).user, metadata=bundle)


def values(*pairs):
    return [{"attribute": {"id": uid}, "value": value} for uid, value in pairs]


def test_attribute_values_are_stored_with_the_objects_and_exported_again(data):
    result = post_metadata(
        data,
        {
            "dataElements": [
                {
                    "id": "VlTested01a",
                    "name": "Viral load tested",
                    "attributeValues": values((MOH, "HIV-VL-T")),
                }
            ],
            "organisationUnits": [
                {
                    "id": "NakuruHosp1",
                    "name": "Nakuru Level 5 Hospital",
                    "parent": {"id": "NakuruCnty1"},
                    "attributeValues": values((MOH, "MOH-0042"), ("OtherAttr01", "x")),
                }
            ],
        },
    )
    assert result["status"] == "OK", messages(result)
    assert DataElement.objects.get(uid="VlTested01a").attribute_values == {MOH: "HIV-VL-T"}
    assert OrgUnit.objects.get(uid="NakuruHosp1").attribute_values == {MOH: "MOH-0042", "OtherAttr01": "x"}
    secret = create_api_token(user=data.world.kim.user, name="metadata")[1]
    response = Client().get("/api/metadata", HTTP_AUTHORIZATION=f"ApiToken {secret}")
    exported = json.loads(b"".join(response.streaming_content))
    hospital = next(o for o in exported["organisationUnits"] if o["id"] == "NakuruHosp1")
    assert hospital["attributeValues"] == values((MOH, "MOH-0042"), ("OtherAttr01", "x"))
    naivasha = next(o for o in exported["organisationUnits"] if o["id"] == "NaivashaHC1")
    assert naivasha["attributeValues"] == []  # none stored


def test_a_file_that_lists_no_attribute_values_clears_them_and_one_that_says_nothing_keeps_them(data):
    OrgUnit.objects.filter(uid="NakuruHosp1").update(attribute_values={MOH: "MOH-0042"})
    DataElement.objects.filter(uid="VlTested01a").update(attribute_values={MOH: "HIV-VL-T"})
    result = post_metadata(
        data,
        {
            "dataElements": [{"id": "VlTested01a", "name": "Viral load tested", "attributeValues": []}],
            "organisationUnits": [
                {"id": "NakuruHosp1", "name": "Nakuru Level 5 Hospital", "parent": {"id": "NakuruCnty1"}}
            ],
        },
    )
    assert result["status"] == "OK", messages(result)
    assert DataElement.objects.get(uid="VlTested01a").attribute_values == {}  # DHIS2 replaces them
    assert OrgUnit.objects.get(uid="NakuruHosp1").attribute_values == {MOH: "MOH-0042"}


def test_an_object_with_unusable_attribute_values_is_an_error_and_nothing_is_stored(data):
    result = post_metadata(
        data,
        {
            "dataElements": [
                {"id": "VlTested01a", "name": "Renamed", "attributeValues": values(("not-a-uid", "x"))}
            ]
        },
    )
    assert result["status"] == "ERROR"
    assert any("attribute reference 'not-a-uid' is not a DHIS2 UID" in text for text in messages(result))
    assert DataElement.objects.get(uid="VlTested01a").name == "Viral load tested"
