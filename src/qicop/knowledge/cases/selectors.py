"""Reads of case studies, resources and topics, always scoped to what the viewer may see.

Fetching one object answers 404 alike for "missing" and "not yours to see" (a draft of someone else), so
nobody can probe for drafts; list pages load what a row shows in a fixed number of queries.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from qicop.dashboards import pipeline
from qicop.dashboards.selectors import quality_url
from qicop.indicators.models import OrgUnit
from qicop.indicators.permissions import published_data_reader
from qicop.knowledge.cases import permissions as rules
from qicop.knowledge.cases.permissions import may_read_live
from qicop.knowledge.discussions.permissions import readable_threads
from qicop.knowledge.models import Attachment, CaseStudy, CaseStudyChart, CaseStudyVersion, Resource, Thread
from qicop.meetings.models import Meeting
from qicop.network import permissions as network_permissions
from qicop.network import selectors as network_selectors
from qicop.network.models import Member, Network, Topic
from qicop.network.permissions import Viewer

TOPIC_PAGE_LIMIT = 20  # items of each kind on a topic page
ORG_UNIT_CHOICES_LIMIT = 300
ORG_UNIT_MAX_LEVEL = 3


def knowledge_network(request, slug: str) -> tuple[Viewer, Network]:
    """The viewer and the network of a knowledge page; 404 for anyone outside the network."""
    return network_selectors.network_page(request.user, slug)


# Case studies


def _authored_by(member_id: int | None) -> Q:
    if member_id is None:
        return Q(pk__in=[])
    through = CaseStudy.authors.through.objects.filter(member_id=member_id).values("casestudy_id")
    return Q(pk__in=through)


def case_studies_for_viewer(viewer: Viewer, network: Network) -> QuerySet[CaseStudy]:
    """Published case studies, plus the drafts and those in review the viewer writes or reviews."""
    cases = CaseStudy.objects.filter(network=network)
    if viewer.is_coordinator(network):
        return cases
    visible = Q(status=CaseStudy.Status.PUBLISHED)
    if network_permissions.is_participant(viewer, network):
        visible |= _authored_by(viewer.member_id)
        if viewer.user_id is not None:
            visible |= Q(created_by_id=viewer.user_id)
        if viewer.is_focal_point_for(network, viewer.country_id):
            visible |= Q(country_id=viewer.country_id)
    return cases.filter(visible)


def with_row_details(cases: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    return cases.select_related("country").prefetch_related(
        Prefetch("authors", queryset=Member.objects.only("id", "full_name")),
        Prefetch("topics", queryset=Topic.objects.only("id", "name", "slug")),
    )


def case_study_list(
    viewer: Viewer,
    network: Network,
    *,
    country: int | None = None,
    topic: int | None = None,
    outcome: str = "",
    language: str = "",
    year: int | None = None,
    status: str = "",
) -> QuerySet[CaseStudy]:
    cases = case_studies_for_viewer(viewer, network)
    if country:
        cases = cases.filter(country_id=country)
    if topic:
        cases = cases.filter(topics__id=topic)
    if outcome:
        cases = cases.filter(outcome=outcome)
    if language:
        cases = cases.filter(language=language)
    if year:
        cases = cases.filter(Q(published_at__year=year) | Q(published_at__isnull=True, updated_at__year=year))
    if status:
        cases = cases.filter(status=status)
    return with_row_details(cases.distinct()).order_by("-published_at", "-updated_at", "-id")


def waiting_for_review(viewer: Viewer, network: Network) -> QuerySet[CaseStudy]:
    """The case studies in review that ``viewer`` reviews: all for a coordinator, their country's for a
    focal point, none for others."""
    cases = CaseStudy.objects.filter(network=network, status=CaseStudy.Status.REVIEW)
    if viewer.is_coordinator(network):
        return cases
    if viewer.is_focal_point_for(network, viewer.country_id):
        return cases.filter(country_id=viewer.country_id)
    return cases.none()


def case_study_for_viewer(viewer: Viewer, network: Network, case_id: int) -> CaseStudy:
    case = (
        CaseStudy.objects.filter(network=network, pk=case_id)
        .select_related("country", "network", "created_by")
        .prefetch_related("authors", "topics", "org_units")
        .first()
    )
    if case is None or not rules.can_see_case_study(viewer, case, author_ids(case)):
        raise Http404("No such case study")
    return case


def author_ids(case: CaseStudy) -> set[int]:
    return {a.pk for a in case.authors.all()}


def published_case_studies(network: Network, *, limit: int = 30) -> list[CaseStudy]:
    """For feeds: published only, whoever asks."""
    cases = CaseStudy.objects.filter(network=network, status=CaseStudy.Status.PUBLISHED)
    return list(with_row_details(cases).order_by("-published_at", "-id")[:limit])


def case_study_years(network: Network) -> list[int]:
    dates = CaseStudy.objects.filter(network=network, published_at__isnull=False).dates(
        "published_at", "year", order="DESC"
    )
    return [d.year for d in dates]


def attachments_of(case: CaseStudy) -> QuerySet[Attachment]:
    return case.attachments.select_related("added_by").order_by("created_at", "id")


def attachment_of(case: CaseStudy, attachment_id: int) -> Attachment:
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such attachment")
    return attachment


def review_comments_of(case: CaseStudy):
    return case.review_comments.select_related("author").order_by("created_at", "id")


def org_unit_choices(country_id: int | None) -> QuerySet[OrgUnit]:
    """The org units one may name in a case study or chart: the country's, down to districts (level 3),
    at most a few hundred, so that the page stays light."""
    if country_id is None:
        return OrgUnit.objects.none()
    ids = list(
        OrgUnit.objects.filter(country_id=country_id, level__lte=ORG_UNIT_MAX_LEVEL)
        .order_by("level", "path")
        .values_list("pk", flat=True)[:ORG_UNIT_CHOICES_LIMIT]
    )
    return OrgUnit.objects.filter(pk__in=ids).order_by("path")


def author_choices(network: Network, country_id: int | None) -> QuerySet[Member]:
    if country_id is None:
        return Member.objects.none()
    return (
        Member.objects.filter(memberships__network=network, country_id=country_id)
        .exclude(memberships__role="observer", memberships__network=network)
        .distinct()
        .order_by("full_name", "id")
    )


# Versions


def versions_of(case: CaseStudy) -> QuerySet[CaseStudyVersion]:
    return case.versions.select_related("author__member").order_by("-number")


@dataclass(frozen=True)
class FieldDiff:
    label: str
    lines: list[tuple[str, str]]  # (css class, text): escaped by the template


DIFF_FIELDS = [
    ("title", gettext_lazy("Title")),
    ("summary", gettext_lazy("Summary")),
    ("status", gettext_lazy("Status")),
    ("country", gettext_lazy("Country")),
    ("org_units", gettext_lazy("Where")),
    ("topics", gettext_lazy("Topics")),
    ("authors", gettext_lazy("Authors")),
    ("language", gettext_lazy("Language")),
    ("improvement_model", gettext_lazy("Improvement model")),
    ("outcome", gettext_lazy("Outcome")),
    ("context", gettext_lazy("Context and problem")),
    ("aim", gettext_lazy("Aim")),
    ("changes", gettext_lazy("Changes tested")),
    ("results", gettext_lazy("Results")),
    ("challenges", gettext_lazy("Implementation challenges")),
    ("lessons", gettext_lazy("Lessons and advice for others")),
    ("charts", gettext_lazy("Charts")),
    ("attachments", gettext_lazy("Attachments")),
]


def _as_text(value) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)


def version_diff(case: CaseStudy, number: int) -> tuple[CaseStudyVersion, CaseStudyVersion | None, list]:
    """Version ``number`` and the one before, with the fields that changed as unified diff lines."""
    version = case.versions.select_related("author__member").filter(number=number).first()
    if version is None:
        raise Http404("No such version")
    previous = case.versions.filter(number__lt=number).order_by("-number").first()
    before = previous.data if previous else {}
    changes = []
    for name, label in DIFF_FIELDS:
        old, new = _as_text(before.get(name)), _as_text(version.data.get(name))
        if old == new:
            continue
        lines = []
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1):
            if line.startswith(("---", "+++")):
                continue
            css = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
            lines.append((css, line))
        changes.append(FieldDiff(str(label), lines))
    return version, previous, changes


# Live charts


@dataclass(frozen=True)
class ChartView:
    chart: CaseStudyChart
    svg: str  # drawn by qicop.charts from our own numbers: safe to inline
    summary: str
    has_data: bool
    live: bool  # False: the viewer may not see the current data
    flags: tuple = ()  # implausible values the chart left out of its limits (dashboards.checks)
    quality_url: str | None = None  # where the viewer may see them listed


def draw_chart(user, chart: CaseStudyChart) -> tuple[str, str, bool, tuple]:
    """The chart as the dashboards draw it now, for ``user``: (svg, summary, has data, flagged points), by
    the dashboards' chart pipeline (series, SPC, saved phases and notes), with the case study's options."""

    options = pipeline.ChartOptions.of(chart.options or {})
    result = pipeline.indicator_chart(user, chart.indicator, chart.org_unit, options)
    svg = result.drawing().to_svg(id_prefix=f"cs{chart.pk}")
    return svg, result.summary, result.has_data, tuple(result.flags)


def snapshot_svg(chart: CaseStudyChart) -> str:

    svg, _summary, _has_data, _flags = draw_chart(published_data_reader(chart.case_study.network_id), chart)
    return svg


def charts_of(case: CaseStudy) -> list[CaseStudyChart]:
    return list(
        case.charts.select_related("indicator", "org_unit__country", "case_study").order_by("position", "id")
    )


def chart_views(user, case: CaseStudy) -> list[ChartView]:
    views = []
    for chart in charts_of(case):
        if may_read_live(user, chart):
            svg, summary, has_data, flags = draw_chart(user, chart)
            where = quality_url(user, case.network, chart.org_unit) if flags else None
            views.append(ChartView(chart, svg, summary, has_data, True, flags, where))
        else:
            views.append(ChartView(chart, "", "", False, False))
    return views


def chart_of(case: CaseStudy, chart_id: int) -> CaseStudyChart:
    chart = case.charts.select_related("indicator", "org_unit__country").filter(pk=chart_id).first()
    if chart is None:
        raise Http404("No such chart")
    return chart


# Resources


def resources_for_viewer(
    viewer: Viewer,
    network: Network,
    *,
    topic: int | None = None,
    country: int | None = None,
    language: str = "",
    year: int | None = None,
    kind: str = "",
) -> QuerySet[Resource]:
    resources = Resource.objects.filter(network=network)
    if topic:
        resources = resources.filter(topics__id=topic)
    if country:
        resources = resources.filter(country_id=country)
    if language:
        resources = resources.filter(language=language)
    if year:
        resources = resources.filter(year=year)
    if kind:
        resources = resources.filter(kind=kind)
    return (
        resources.distinct()
        .select_related("country", "added_by")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.only("id", "name", "slug")))
        .order_by("-year", "title", "id")
    )


def resource_for_viewer(viewer: Viewer, network: Network, resource_id: int) -> Resource:
    resource = (
        Resource.objects.filter(network=network, pk=resource_id)
        .select_related("country", "added_by")
        .prefetch_related("topics")
        .first()
    )
    if resource is None:
        raise Http404("No such resource")
    return resource


def resource_years(network: Network) -> list[int]:
    years = Resource.objects.filter(network=network, year__isnull=False).values_list("year", flat=True)
    return sorted(set(years.order_by().distinct()), reverse=True)


# Topics


def topic_in_network(network: Network, slug: str) -> Topic:
    topic = Topic.objects.filter(network=network, slug=slug).first()
    if topic is None:
        raise Http404("No such topic")
    return topic


def topic_page(viewer: Viewer, network: Network, topic: Topic) -> dict:
    """Everything on ``topic`` the viewer may read, each kind bounded."""

    cases = with_row_details(
        CaseStudy.objects.filter(network=network, status=CaseStudy.Status.PUBLISHED, topics=topic)
    ).order_by("-published_at", "-id")
    resources = (
        Resource.objects.filter(network=network, topics=topic)
        .select_related("country")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.only("id", "name", "slug")))
        .order_by("-year", "title", "id")
    )
    found = {
        "case_studies": list(cases[:TOPIC_PAGE_LIMIT]),
        "resources": list(resources[:TOPIC_PAGE_LIMIT]),
        "meetings": None,
        "threads": None,
    }
    if rules.can_see_meetings_and_discussions(viewer, network):
        found["meetings"] = list(
            Meeting.objects.filter(network=network, topics=topic).order_by("-start", "-id")[:TOPIC_PAGE_LIMIT]
        )
        # The discussions list's own rule: not hidden, and not about a draft the viewer may not read.
        found["threads"] = list(
            Thread.objects.filter(network=network, topic=topic, hidden=False)
            .filter(readable_threads(viewer, network))
            .order_by("-last_post_at", "-id")[:TOPIC_PAGE_LIMIT]
        )
    return found
