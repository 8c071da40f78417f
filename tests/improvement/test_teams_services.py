"""The teams' services: adding and changing a team, its members, its driver diagram; each refusal with its
message, nothing half-written, an audit entry for every write."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from improvement_world import improvement_of
from qicop.core.models import AuditEntry
from qicop.dashboards.models import ChartSettings
from qicop.improvement.models import ChangeIdea, DriverNode, Team
from qicop.improvement.teams import services
from qicop.improvement.teams.outline import parse_outline
from qicop.indicators.models import OrgUnit


def _naivasha():
    return OrgUnit.objects.get(uid="NaivashaHC1")


def test_a_team_is_added_with_its_members_and_audited(world):
    work = improvement_of(world)
    team = services.add_team(
        actor=world.faith.user,
        collaborative=work.kenya,
        org_unit=_naivasha(),
        aim="Suppression to 95 %",
        lead=world.kim,
        coach=world.dan,
        members=[
            services.Seat(member=world.kim, role="Nurse"),
            services.Seat(name="Achieng Otieno", role="Peer educator", is_consumer=True),
        ],
    )
    assert team.org_unit.uid == "NaivashaHC1"
    assert [(s.display_name, s.is_consumer) for s in team.members.all()] == [
        ("Kim Member", False),
        ("Achieng Otieno", True),
    ]
    assert AuditEntry.objects.filter(verb="team.create", target_id=str(team.pk)).exists()


def test_a_team_on_an_org_unit_outside_the_collaboratives_countries_is_refused_by_name(world):
    work = improvement_of(world)
    with pytest.raises(ValidationError) as refused:
        services.add_team(actor=world.faith.user, collaborative=work.kenya, org_unit=work.jacmel.org_unit)
    message = refused.value.message_dict["org_unit"][0]
    assert "Hôpital de Jacmel is not in the countries that run this collaborative" in message
    assert "Kenya" in message


def test_a_second_team_on_the_same_org_unit_is_refused(world):
    work = improvement_of(world)
    with pytest.raises(ValidationError) as refused:
        services.add_team(actor=world.faith.user, collaborative=work.kenya, org_unit=work.nakuru_unit)
    assert "already has a team in this collaborative" in refused.value.message_dict["org_unit"][0]
    assert Team.objects.filter(collaborative=work.kenya).count() == 1


def test_a_whole_country_is_no_team(world):
    work = improvement_of(world)
    with pytest.raises(ValidationError) as refused:
        services.add_team(
            actor=world.faith.user, collaborative=work.kenya, org_unit=OrgUnit.objects.get(uid="KenyaRoot01")
        )
    assert "not a whole country" in refused.value.message_dict["org_unit"][0]


def test_a_lead_from_another_country_is_refused(world):
    work = improvement_of(world)
    with pytest.raises(ValidationError) as refused:
        services.update_team(
            actor=world.faith.user, team=work.team, org_unit=work.nakuru_unit, lead=world.henri
        )
    assert (
        "Henri Haïtien is not from a country that runs this collaborative"
        in refused.value.message_dict["lead"][0]
    )


def test_members_are_replaced_and_nobody_is_listed_twice(world):
    work = improvement_of(world)
    with pytest.raises(ValidationError) as refused:
        services.set_team_members(
            actor=world.faith.user, team=work.team, members=[services.Seat(member=world.kim)] * 2
        )
    assert "Kim Member is listed twice" in refused.value.message_dict["members"][0]
    assert work.team.members.count() == 2  # unchanged
    services.set_team_members(
        actor=world.faith.user, team=work.team, members=[services.Seat(member=world.dan)]
    )
    assert [s.member_id for s in work.team.members.all()] == [world.dan.pk]


def test_saving_a_driver_diagram_matches_change_ideas_by_title_and_creates_the_new_ones(world):
    work = improvement_of(world)
    ideas_before = ChangeIdea.objects.count()
    outline = parse_outline(
        "Results acted on\n  Results reach the clinic\n    SAME-DAY VIRAL LOAD RESULT REVIEW\n"
        "    SMS to the client\nClients come back\n  Clients informed\n    sms TO the client\n"
    )
    services.save_driver_diagram(actor=world.kim.user, team=work.team, outline=outline)
    changes = DriverNode.objects.filter(team=work.team, kind=DriverNode.Kind.CHANGE).select_related(
        "change_idea"
    )
    assert [c.change_idea_id == work.idea.pk for c in changes] == [True, False, False]
    sms = ChangeIdea.objects.get(title="SMS to the client")
    assert {c.change_idea_id for c in changes[1:]} == {sms.pk}  # reused, not duplicated
    assert sms.country_id == world.kenya.pk
    assert ChangeIdea.objects.count() == ideas_before + 1
    assert DriverNode.objects.filter(team=work.team, kind=DriverNode.Kind.PRIMARY).count() == 2


def test_saving_again_replaces_the_diagram(world):
    work = improvement_of(world)
    services.save_driver_diagram(actor=world.kim.user, team=work.team, outline=parse_outline("A\n  B\n"))
    services.save_driver_diagram(actor=world.kim.user, team=work.team, outline=parse_outline("C\n"))
    assert list(DriverNode.objects.filter(team=work.team).values_list("text", flat=True)) == ["C"]


def test_an_outline_with_problems_is_never_saved(world):
    work = improvement_of(world)
    with pytest.raises(ValidationError):
        services.save_driver_diagram(
            actor=world.kim.user, team=work.team, outline=parse_outline("A\n\t\tC\n")
        )
    assert not DriverNode.objects.filter(team=work.team).exists()


def test_a_new_phase_is_saved_through_the_dashboards_chart_settings(world):
    work = improvement_of(world)
    services.start_phase(
        actor=world.faith.user, team=work.team, indicator=work.data.indicator, month=work.start
    )
    settings = ChartSettings.objects.get(indicator=work.data.indicator, org_unit=work.nakuru_unit)
    assert settings.phase_starts == [work.start.strftime("%Y%m")]


def test_a_team_lead_without_data_rights_cannot_start_a_phase(world):
    work = improvement_of(world)
    with pytest.raises(PermissionDenied):
        services.start_phase(
            actor=world.kim.user, team=work.team, indicator=work.data.indicator, month=work.start
        )
    assert not ChartSettings.objects.exists()
