"""A certified coach's certificate: a PDF in the coach's language for the coach, the country's keepers and
its certifying body (nobody else learns that it exists), naming the coach, the country, the network, the
dates, the certifying body and the competencies, with a signed code that anyone may verify on a public page
— which says whether the certificate is in force today, expired or withdrawn, and names nothing more."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from coaches_world import coaches_of
from qicop.core.when import when
from qicop.programmes.certificates import documents
from qicop.programmes.models import CoachCertification

ROOT = "/n/vln/programmes/certified-coaches/"


def certificate_url(certification) -> str:
    return f"{ROOT}{certification.pk}/certificate.pdf"


def verify(code: str) -> str:
    response = Client().get(f"{ROOT}verify/?code={quote(code)}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["faith", "carla", "kim"])
def test_the_coach_the_keepers_and_the_certifying_body_download_the_certificate(world, persona):
    coaches = coaches_of(world)
    response = world.client_for(persona).get(certificate_url(coaches.faith))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    assert f"qi-coach-certificate-ke-{coaches.faith.pk}.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("persona", ["dan", "henri", "olga", "oscar"])
def test_nobody_else_learns_that_the_certificate_exists(world, persona):
    coaches = coaches_of(world)
    assert world.client_for(persona).get(certificate_url(coaches.faith)).status_code == 404


def test_a_haitian_coachs_certificate_is_his_and_haitis_keepers_not_kenyas(world):
    coaches = coaches_of(world)
    assert world.client_for("henri").get(certificate_url(coaches.henri)).status_code == 200
    for persona in ("faith", "kim"):  # Kenya's focal point and certifying body
        assert world.client_for(persona).get(certificate_url(coaches.henri)).status_code == 404


def test_a_candidate_has_no_certificate(world):
    coaches = coaches_of(world)
    for persona in ("dan", "faith", "carla", "kim"):
        assert world.client_for(persona).get(certificate_url(coaches.dan)).status_code == 404


def test_the_certificate_names_the_coach_country_network_dates_body_competencies_and_a_code(world):
    coaches = coaches_of(world)
    faith = CoachCertification.objects.select_related("member", "country", "network", "decided_by").get(
        pk=coaches.faith.pk
    )
    html = documents.certificate_html(faith)
    assert "Faith Focal" in html and "Kenya" in html and "Virtual Learning Network" in html
    assert when(faith.decided_on, "long_date") in html and when(faith.valid_until, "long_date") in html
    assert "Decided by Kim Member, for the QI coach certifying body of Kenya" in html
    assert all(competency.name in html for competency in coaches.competencies)
    code = documents.certificate_code(faith)
    assert code in html and f"{ROOT}verify/?code=" in html


def test_a_haitian_coachs_certificate_is_in_french(world):
    coaches = coaches_of(world)
    henri = CoachCertification.objects.select_related("member", "country", "network").get(pk=coaches.henri.pk)
    html = documents.certificate_html(henri)  # Henri follows his browser: Haiti's language, French
    assert 'lang="fr"' in html and when(henri.valid_until, "long_date", language="fr") in html


def test_a_genuine_code_is_confirmed_publicly_naming_only_the_coach_country_and_dates(world):
    coaches = coaches_of(world)
    page = verify(documents.certificate_code(coaches.faith))
    assert "This certificate is genuine." in page
    assert "Faith Focal is certified as a QI coach in Kenya" in page
    assert when(coaches.faith.valid_until, "date") in page and "in force today" in page
    assert "@example.org" not in page and "knowledge" not in page.lower()
    assert 'href="/n/vln/members/' not in page  # visitors get no network menu


def test_an_ended_certificate_verifies_as_expired(world):
    coaches = coaches_of(world)
    page = verify(documents.certificate_code(coaches.rose))
    assert "This certificate is genuine." in page and "Rose Lapsée" in page
    assert "expired" in page and "in force today" not in page


def test_a_withdrawn_certificate_verifies_as_withdrawn(world):
    coaches = coaches_of(world)
    code = documents.certificate_code(coaches.henri)
    CoachCertification.objects.filter(pk=coaches.henri.pk).update(status=CoachCertification.Status.WITHDRAWN)
    page = verify(code)
    assert "withdrawn by the certifying body" in page and "in force today" not in page


def test_a_forged_or_mistyped_code_is_not_genuine(world):
    coaches = coaches_of(world)
    code = documents.certificate_code(coaches.faith)
    forged = code.replace(f"{coaches.faith.pk}-", f"{coaches.henri.pk}-", 1)
    for bad in (forged, code[:-2], "nonsense", code + "x"):
        page = verify(bad)
        assert "This code is not genuine" in page and "Faith Focal" not in page and "Henri" not in page


def test_a_code_of_another_network_does_not_verify_here(world):
    coaches = coaches_of(world)
    code = documents.certificate_code(coaches.faith)
    page = Client().get(f"/n/acn/programmes/certified-coaches/verify/?code={quote(code)}").content.decode()
    assert "This code is not genuine" in page


def test_a_deleted_certification_no_longer_verifies(world):
    coaches = coaches_of(world)
    code = documents.certificate_code(coaches.rose)
    coaches.rose.delete()
    assert "This code is not genuine" in verify(code)


def test_the_empty_form_asks_for_a_code(world):
    page = verify("")
    assert 'name="code"' in page
    assert "This certificate is genuine" not in page and "This code is not genuine" not in page
    assert Client().get("/n/no-such-network/programmes/certified-coaches/verify/").status_code == 404
