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


def improvement_data() -> list[str]:
    """What people typed into the improvement work (aims, PDSA cycles, reports, diagrams, change ideas'
    descriptions, learning sessions' titles), line by line: the translation sweep reads it as data."""
    from qicop.improvement.models import (
        ChangeIdea,
        Collaborative,
        DriverNode,
        PdsaCycle,
        Team,
        TeamMember,
        TeamReport,
    )
    from qicop.meetings.models import Meeting

    texts = [
        *Collaborative.objects.values_list("aim", "change_package"),
        *Team.objects.values_list("name", "aim"),
        *TeamMember.objects.values_list("name", "role"),
        *DriverNode.objects.values_list("text"),
        *ChangeIdea.objects.values_list("description"),
        *PdsaCycle.objects.values_list(
            "title",
            "objective",
            "prediction",
            "plan",
            "observations",
            "problems",
            "result",
            "learned",
            "next_steps",
        ),
        *TeamReport.objects.values_list("tested", "learned", "barriers", "help_needed", "coach_reason"),
        *Meeting.objects.values_list("title"),
    ]
    lines = {line.strip(" -*#") for row in texts for text in row if text for line in text.splitlines()}
    # The library's list shows a description's first line cut to 160 characters (… included).
    cut = {line[:159] for line in lines if len(line) > 160}
    return [line for line in lines | cut if line]
