"""Every URL, for every persona: → the status a GET must give.

The test walks the URL configuration: a new URL without a row here fails the suite, so nobody can add a
page or an endpoint without deciding who may see it.
(The Django admin is covered in tests/core/test_admin.py.)
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from matrix_rows import (
    agenda,
    delegations,
    deviance,
    exchange,
    fhir,
    improvement_changes,
    improvement_collaboratives,
    improvement_pdsa,
    improvement_presentations,
    improvement_reports,
    improvement_shared,
    improvement_teams,
    knowledge_cases,
    knowledge_discussions,
    mail,
    mailin,
    materials,
    network_indicators,
    proceedings,
    programmes_assessments,
    programmes_certificates,
    programmes_coaches,
    programmes_consumers,
    programmes_gaps,
    programmes_workplans,
    series,
    weekly_digest,
)
from matrix_rows.common import api_members_only, expect, members_only, participants_only, post_only
from personas import PERSONAS

# url name → (path builder, expected status by persona); each feature of the meetings app keeps its rows in
# its own module of matrix_rows/, merged below.
MATRIX = {
    "portal:home": (lambda w: "/", expect(302, oscar=200, anonymous=200)),
    "portal:set_language": (lambda w: "/language/", expect(405)),
    "core:healthz": (lambda w: "/healthz/", expect(200)),
    # Everyone gets the page: someone signed in is asked whether to continue or switch account (issue 12).
    "accounts:login": (lambda w: "/accounts/login/", expect(200)),
    "accounts:logout": (lambda w: "/accounts/logout/", expect(405)),
    "portal:profile": (lambda w: "/accounts/profile/", expect(200, anonymous=302)),
    "accounts:api_tokens": (lambda w: "/accounts/profile/tokens/", expect(200, anonymous=302)),
    "accounts:api_token_revoke": (lambda w: "/accounts/profile/tokens/1/revoke/", post_only()),
    "accounts:password_change": (lambda w: "/accounts/password/", expect(200, anonymous=302)),
    "accounts:password_change_done": (lambda w: "/accounts/password/done/", expect(200, anonymous=302)),
    "accounts:password_reset": (lambda w: "/accounts/password/reset/", expect(200)),
    "accounts:password_reset_done": (lambda w: "/accounts/password/reset/sent/", expect(200)),
    "accounts:password_reset_confirm": (lambda w: "/accounts/password/reset/MQ/bad-token/", expect(200)),
    "accounts:password_reset_complete": (lambda w: "/accounts/password/reset/complete/", expect(200)),
    "network:accept_invitation": (lambda w: "/invite/not-a-real-token/", expect(404)),
    "portal:network_home": (lambda w: "/n/vln/", members_only()),
    "portal:country_detail": (lambda w: "/n/vln/countries/KE/", members_only()),
    "network:member_directory": (lambda w: "/n/vln/members/", members_only()),
    "network:member_detail": (lambda w: f"/n/vln/members/{w.kim.pk}/", members_only()),
    "network:member_roles": (lambda w: f"/n/vln/members/{w.kim.pk}/roles/", post_only()),
    "network:invitations": (
        lambda w: "/n/vln/invitations/",
        expect(403, carla=200, faith=200, oscar=404, anonymous=302),
    ),
    "network:invitation_revoke": (lambda w: "/n/vln/invitations/1/withdraw/", post_only()),
    "indicators:data_home": (lambda w: "/n/vln/data/", members_only()),
    "indicators:import_upload": (
        lambda w: "/n/vln/data/import/",
        expect(403, carla=200, faith=200, dan=200, oscar=404, anonymous=302),
    ),
    "indicators:template_download": (
        lambda w: "/n/vln/data/template.xlsx",
        expect(403, carla=200, faith=200, dan=200, oscar=404, anonymous=302),
    ),
    "indicators:export": (lambda w: "/n/vln/data/export/", members_only()),
    "indicators:import_list": (lambda w: "/n/vln/data/imports/", members_only()),
    "indicators:import_detail": (lambda w: "/n/vln/data/imports/999/", members_only(404)),
    "indicators:import_conflicts_csv": (lambda w: "/n/vln/data/imports/999/conflicts.csv", members_only(404)),
    "indicators:import_rerun": (lambda w: "/n/vln/data/imports/999/run-again/", post_only()),
    "indicators:completeness": (
        lambda w: "/n/vln/data/completeness/",
        expect(403, carla=200, oscar=404, anonymous=302),
    ),
    "indicators:publish": (
        lambda w: "/n/vln/data/publish/",
        expect(403, carla=200, faith=200, oscar=404, anonymous=302),
    ),
    "dashboards:dashboard": (lambda w: "/n/vln/dashboard/", members_only()),
    "dashboards:compare": (lambda w: "/n/vln/compare/unknown/", members_only(404)),
    "dashboards:chart": (lambda w: "/n/vln/charts/unknown/NoSuchUnit1/", members_only(404)),
    # Findings name values before they are published: the country's people and coordinators, not observers.
    "dashboards:data_quality": (
        lambda w: "/n/vln/data/quality/",
        expect(200, olga=403, oscar=404, anonymous=302),
    ),
    "meetings:list": (lambda w: "/n/vln/meetings/", participants_only()),
    "meetings:find_a_time": (lambda w: "/n/vln/meetings/find-a-time/", participants_only()),
    "meetings:calendar_feed": (lambda w: "/n/vln/meetings/calendar/", post_only()),
    "meetings:detail": (lambda w: f"/n/vln/meetings/{w.meeting.pk}/", participants_only()),
    "meetings:register": (lambda w: f"/n/vln/meetings/{w.meeting.pk}/register/", post_only()),
    "meetings:ics": (lambda w: f"/n/vln/meetings/{w.meeting.pk}/meeting.ics", participants_only()),
    "meetings:attendance": (
        lambda w: f"/n/vln/meetings/{w.meeting.pk}/attendance/",
        expect(403, carla=200, oscar=404, anonymous=302),
    ),
    "meetings:minutes": (
        lambda w: f"/n/vln/meetings/{w.meeting.pk}/minutes/",
        expect(403, carla=200, oscar=404, anonymous=302),
    ),
    "meetings:feed": (lambda w: "/calendar/not-a-token.ics", expect(404)),
    "portal:search": (lambda w: "/n/vln/search/?q=second+95", members_only()),
    "dhis2:data_value_sets": (lambda w: "/api/dataValueSets", expect(409, anonymous=401)),
    "dhis2:data_values": (lambda w: "/api/dataValues", expect(400, anonymous=401)),
    "dhis2:metadata": (lambda w: "/api/metadata", expect(200, anonymous=401)),
    "dhis2:system_info": (lambda w: "/api/system/info", expect(200, anonymous=401)),
    "dhis2:system_ping": (lambda w: "/api/system/ping", expect(200)),
    "dhis2:me": (lambda w: "/api/me", expect(200, anonymous=401)),
    # Metadata is readable by every signed-in account; what each sees is the metadata selector's rule
    # (an account with no membership sees empty lists, and no object by uid).
    "dhis2:metadata_list": (lambda w: "/api/organisationUnits", expect(200, anonymous=401)),
    "dhis2:metadata_object": (lambda w: "/api/organisationUnits/NoSuchUnit1", expect(404, anonymous=401)),
    "dhis2:data_set_template": (
        lambda w: "/api/dataSets/NoSuchSet01/dataValueSet",
        expect(404, anonymous=401),
    ),
    "dhis2:task_summary": (
        lambda w: "/api/system/taskSummaries/DATAVALUE_IMPORT/NoSuchJob01",
        expect(404, anonymous=401),
    ),
    "dhis2:task_summaries": (
        lambda w: "/api/system/taskSummaries/DATAVALUE_IMPORT",
        expect(200, anonymous=401),
    ),
    "dhis2:task": (lambda w: "/api/system/tasks/DATAVALUE_IMPORT/NoSuchJob01", expect(404, anonymous=401)),
    "dhis2:tasks": (lambda w: "/api/system/tasks/METADATA_IMPORT", expect(200, anonymous=401)),
    "api:api-root": (lambda w: "/api/v1/", expect(404)),
    "api:openapi-json": (lambda w: "/api/v1/openapi.json", expect(200)),
    "api:openapi-view": (lambda w: "/api/v1/docs", expect(200)),
    "api:list_networks": (lambda w: "/api/v1/networks", expect(200, anonymous=401)),
    "api:get_network": (lambda w: "/api/v1/networks/vln", api_members_only()),
    "api:list_countries": (lambda w: "/api/v1/networks/vln/countries", api_members_only()),
    "api:get_country": (lambda w: "/api/v1/networks/vln/countries/KE", api_members_only()),
    "api:list_organisations": (lambda w: "/api/v1/networks/vln/organisations", api_members_only()),
    "api:list_members": (lambda w: "/api/v1/networks/vln/members", api_members_only()),
    "api:get_member": (lambda w: f"/api/v1/networks/vln/members/{w.kim.pk}", api_members_only()),
    "api:me": (lambda w: "/api/v1/me", expect(200, anonymous=401)),
}
for feature in (
    agenda,
    delegations,
    deviance,
    exchange,
    fhir,
    mail,
    mailin,
    materials,
    network_indicators,
    proceedings,
    series,
    knowledge_cases,
    knowledge_discussions,
    improvement_collaboratives,
    improvement_teams,
    improvement_pdsa,
    improvement_reports,
    improvement_changes,
    improvement_presentations,
    improvement_shared,
    programmes_assessments,
    programmes_certificates,
    programmes_coaches,
    programmes_consumers,
    programmes_gaps,
    programmes_workplans,
    weekly_digest,
):
    assert not set(feature.ROWS) & set(MATRIX), feature.__name__
    MATRIX.update(feature.ROWS)


def url_name(key: str) -> str:
    """A row's URL name: a key may add a variant after a space ("improvement:team_detail (shared)") to grade
    the same URL on another object, whose rules differ."""
    return key.split(" ", 1)[0]


# URLs that are not ours to grade: the admin (its own test) and file serving.
IGNORED_NAMESPACES = {"admin"}


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in IGNORED_NAMESPACES:
                continue
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_has_a_row_in_the_authorization_matrix():
    missing = _url_names(get_resolver()) - {url_name(key) for key in MATRIX}
    assert not missing, f"Add these URLs to the authorization matrix: {sorted(missing)}"


def test_the_matrix_names_no_url_that_does_not_exist():
    stale = {key for key in MATRIX if url_name(key) not in _url_names(get_resolver())}
    assert not stale, f"These rows name URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_exactly_the_status_the_matrix_expects(world, persona):
    client = world.client_for(persona)
    wrong = []
    for name, (build_path, statuses) in sorted(MATRIX.items()):
        path = build_path(world)
        status = client.get(path).status_code
        if status != statuses[persona]:
            wrong.append(f"{name} {path}: expected {statuses[persona]}, got {status}")
    assert not wrong, "\n".join(wrong)
