"""The consumer register as CSV, and taking a representative or a role out of it.

The CSV holds what the viewer sees on the page: the keepers every name, the appearance chosen and the
consent; the country's participants each representative as they chose to appear, and of someone who chose
not to appear neither name nor what their roles link to. A representative is removed (with their roles)
and a role ended or removed only by the keepers, after a page that asks first, and each removal is audited
without the name."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from consumers_world import consumers_of
from qicop.core.models import AuditEntry
from qicop.programmes.consumers import services
from qicop.programmes.models import ConsumerRepresentative, ConsumerRole

BASE = "/n/vln/programmes/consumers/"


def _csv(client, path) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("persona", ["faith", "carla"])
def test_the_keepers_csv_names_everyone_with_their_choice_consent_and_roles(world, persona):
    consumers_of(world)
    rows = _csv(world.client_for(persona), BASE + "KE/register.csv")
    by_name = {row["representative"]: row for row in rows}
    assert set(by_name) == {"Grace Wanjiru", "Peter Otieno", "Achieng Secretname"}
    achieng = by_name["Achieng Secretname"]
    assert achieng["appearance"] == "Not at all (counted, never named)"
    assert achieng["consent_on"] == "2026-03-01" and achieng["consent_how"] == "Written"
    assert achieng["roles"] == "National quality committee, since 2026-01-01"
    assert by_name["Peter Otieno"]["appearance"] == "By initials"


@pytest.mark.parametrize("persona", ["kim", "dan"])
def test_a_countrys_participant_gets_the_register_as_the_page_shows_it_and_no_hidden_name(world, persona):
    work = consumers_of(world)
    services.add_role(
        actor=world.faith.user,
        representative=work.achieng,
        kind="other",
        description="Treatment literacy trainer",
        since=datetime.date(2026, 2, 1),
    )
    response = world.client_for(persona).get(BASE + "KE/register.csv")
    text = response.content.decode("utf-8-sig")
    assert "Achieng" not in text and "Secretname" not in text and "Treatment literacy" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["representative", "roles"]  # no consent, no appearance
    shown = sorted(row["representative"] for row in rows)
    assert shown == sorted(["Grace Wanjiru", "P.O.", "A representative (not named)"])
    hidden = next(r for r in rows if r["representative"] == "A representative (not named)")
    assert "National quality committee, since 2026-01-01" in hidden["roles"] and "Other" in hidden["roles"]


@pytest.mark.parametrize("persona", ["henri", "olga"])
def test_those_who_see_only_the_counts_get_no_csv(world, persona):
    consumers_of(world)
    assert world.client_for(persona).get(BASE + "KE/register.csv").status_code == 403


def test_the_register_page_links_the_csv_for_those_who_see_the_names(world):
    consumers_of(world)
    assert "register.csv" in world.client_for("dan").get(BASE + "KE/").content.decode()
    assert "register.csv" not in world.client_for("henri").get(BASE + "KE/").content.decode()


def test_the_csv_reads_a_fixed_number_of_queries_however_long_the_register(
    world, django_assert_max_num_queries
):
    work = consumers_of(world)
    for number in range(5):  # more representatives and roles than the world has: the same queries
        representative = services.add_representative(
            actor=world.faith.user,
            network=world.network,
            country=world.kenya,
            full_name=f"Extra Person {number}",
            appearance="name",
            consent_on=datetime.date(2026, 3, 1),
            consent_how="written",
        )
        services.add_role(
            actor=world.faith.user,
            representative=representative,
            kind="assessment",
            round=work.programmes.kenya_2026,
            since=datetime.date(2026, 3, 2),
        )
    client = world.client_for("faith")
    with django_assert_max_num_queries(11):
        client.get(BASE + "KE/register.csv")


def test_removing_a_representative_asks_first_then_takes_their_roles_too_and_is_audited_without_the_name(
    world,
):
    work = consumers_of(world)
    client = world.client_for("faith")
    path = BASE + f"KE/{work.peter.pk}/remove/"
    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Peter Otieno" in text and "National quality committee" in text
    assert ConsumerRepresentative.objects.filter(pk=work.peter.pk).exists()  # asking removes nothing
    response = client.post(path)
    assert response.status_code == 302 and response["Location"].endswith(BASE + "KE/")
    assert not ConsumerRepresentative.objects.filter(pk=work.peter.pk).exists()
    assert not ConsumerRole.objects.filter(pk=work.committee.pk).exists()
    entry = AuditEntry.objects.get(verb="consumer.remove")
    assert entry.actor == world.faith.user and entry.target_id == str(work.peter.pk)
    assert entry.data == {"country": "KE", "roles": 1}
    assert "Peter" not in str(entry.data)


@pytest.mark.parametrize("persona", ["kim", "dan", "henri"])
def test_only_the_keepers_remove_a_representative(world, persona):
    work = consumers_of(world)
    response = world.client_for(persona).post(BASE + f"KE/{work.grace.pk}/remove/")
    assert response.status_code == 403
    assert ConsumerRepresentative.objects.filter(pk=work.grace.pk).exists()


def test_haitis_representative_is_not_removed_through_kenyas_register(world):
    work = consumers_of(world)
    response = world.client_for("faith").post(BASE + f"KE/{work.jean.pk}/remove/")
    assert response.status_code == 404
    assert ConsumerRepresentative.objects.filter(pk=work.jean.pk).exists()


def test_ending_a_role_keeps_it_in_the_register_with_today_in_its_country_as_its_last_day(world):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    work = consumers_of(world)
    client = world.client_for("carla")
    path = BASE + f"KE/roles/{work.committee.pk}/remove/"
    assert "End it today" in client.get(path).content.decode()
    response = client.post(path, {"action": "end"})
    assert response.status_code == 302
    work.committee.refresh_from_db()
    # The coordinator in Bangkok ends a Kenyan role: its last day is today in Nairobi.
    assert work.committee.until == timezone.localdate(timezone=ZoneInfo("Africa/Nairobi"))
    assert AuditEntry.objects.filter(verb="consumer.role_end", target_id=str(work.peter.pk)).exists()
    again = client.post(path, {"action": "end"})
    assert again.status_code == 400
    assert "This role has already ended" in again.content.decode()


def test_removing_a_role_leaves_the_representative_and_no_trace_of_the_role(world):
    work = consumers_of(world)
    response = world.client_for("faith").post(
        BASE + f"KE/roles/{work.committee.pk}/remove/", {"action": "remove"}
    )
    assert response.status_code == 302
    assert not ConsumerRole.objects.filter(pk=work.committee.pk).exists()
    assert ConsumerRepresentative.objects.filter(pk=work.peter.pk).exists()
    assert AuditEntry.objects.filter(verb="consumer.role_remove").count() == 1


def test_a_role_post_without_a_choice_says_what_to_choose(world):
    work = consumers_of(world)
    response = world.client_for("faith").post(BASE + f"KE/roles/{work.committee.pk}/remove/", {})
    assert response.status_code == 400
    assert "Choose whether to end the role today or to remove it." in response.content.decode()
    assert ConsumerRole.objects.filter(pk=work.committee.pk, until=None).exists()


def test_a_role_that_has_not_begun_cannot_be_ended_only_removed(world):
    from django.utils import timezone

    work = consumers_of(world)
    later = services.add_role(
        actor=world.faith.user,
        representative=work.grace,
        kind="committee",
        since=timezone.localdate() + datetime.timedelta(days=10),
    )
    with pytest.raises(ValidationError, match="has not begun yet"):
        services.end_role(actor=world.faith.user, role=later)


def test_the_register_links_the_keepers_to_removal_and_others_not(world):
    work = consumers_of(world)
    keeper = world.client_for("faith").get(BASE + "KE/").content.decode()
    assert f"KE/{work.grace.pk}/remove/" in keeper and f"roles/{work.committee.pk}/remove/" in keeper
    member = world.client_for("kim").get(BASE + "KE/").content.decode()
    assert "/remove/" not in member
