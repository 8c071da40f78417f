"""The improvement app's pages on the demo, for the page sweeps (weight, codes, JavaScript, landmarks) and
the translation sweep: a Kenyan team's workspace, its chart, a studied PDSA cycle and its Study page, a
report's form and the team's reports, the learning-session report, the change-idea library and an idea."""

from __future__ import annotations


def improvement_pages() -> list[str]:
    from qicop.improvement.models import Collaborative, PdsaCycle, TeamReport

    kenya = Collaborative.objects.filter(network__slug="virtual", country__iso2="KE").order_by("id").first()
    team = kenya.teams.order_by("id").first()
    one = f"/n/virtual/improvement/{kenya.pk}/"
    workspace = f"{one}teams/{team.pk}/"
    studied = (
        PdsaCycle.objects.filter(team__collaborative=kenya)
        .exclude(result="")
        .select_related("change_idea")
        .order_by("team_id", "start", "id")
        .first()
    )
    cycle = f"{one}teams/{studied.team_id}/cycles/{studied.pk}/"
    report = TeamReport.objects.filter(team=team).order_by("-month").first()
    month = f"{report.month:%Y-%m}"
    return [
        workspace,
        f"{workspace}charts/{kenya.key_measure.code}/",
        f"{workspace}aim/",
        cycle,
        f"{cycle}study/",
        f"{workspace}reports/",
        f"{workspace}reports/{month}/",
        f"{workspace}reports/{month}/edit/",
        f"{one}report/",
        "/n/virtual/change-ideas/",
        f"/n/virtual/change-ideas/{studied.change_idea_id}/",
    ]
