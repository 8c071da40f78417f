"""Authorization matrix rows: case studies, resources, topics, feeds."""

from __future__ import annotations

from matrix_rows.common import expect, members_only, participants_only, post_only

# Kim's draft: Kim (its author), Kenya's focal point and the coordinator work on it; for everyone else of
# the network it does not exist.
DRAFT_WORKERS = expect(404, carla=200, faith=200, kim=200, oscar=404, anonymous=302)


def _case(w, status: str = "published") -> int:
    from django.utils import timezone

    from qicop.knowledge.models import CaseStudy

    case = CaseStudy.objects.create(
        network=w.network,
        country=w.kenya,
        title="Differentiated service delivery in Nakuru",
        status=status,
        published_at=timezone.now() if status == "published" else None,
        created_by=w.kim.user,
    )
    case.authors.add(w.kim)
    return case.pk


def _chart_snapshot(w) -> str:
    from qicop.indicators.models import NetworkIndicator, OrgUnit
    from qicop.knowledge.models import CaseStudyChart

    case_id = _case(w)
    # get_or_create: the improvement rows (api:…, sorted first) may have built Kenya's data world already.
    unit, _created = OrgUnit.objects.get_or_create(
        uid="KenyaRoot01",
        defaults={"code": "KE", "name": "Kenya", "country": w.kenya, "path": "/KenyaRoot01"},
    )
    indicator = NetworkIndicator.objects.create(network=w.network, code="third-95", name="Third 95")
    chart = CaseStudyChart.objects.create(
        case_study_id=case_id, indicator=indicator, org_unit=unit, snapshot_svg="<svg></svg>"
    )
    return f"/n/vln/case-studies/{case_id}/charts/{chart.pk}/published.svg"


def _attachment(w) -> str:
    from django.core.files.base import ContentFile

    from qicop.knowledge.models import Attachment

    case_id = _case(w)
    attachment = Attachment(
        case_study_id=case_id,
        title="Slides",
        original_name="slides.pdf",
        content_type="application/pdf",
        size=9,
    )
    attachment.file.save("slides.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return f"/n/vln/case-studies/{case_id}/attachments/{attachment.pk}/"


def _private_feed(w) -> str:
    from qicop.knowledge.cases.feeds import private_feed_path

    return private_feed_path(w.kim, w.network)


def _resource(w) -> int:
    from qicop.knowledge.models import Resource

    return Resource.objects.create(
        network=w.network,
        title="DSD guideline",
        kind="guideline",
        url="https://example.org/dsd",
        added_by=w.kim,
    ).pk


def _topic(w) -> str:
    from qicop.network.models import Topic

    Topic.objects.create(network=w.network, slug="retention", name="Retention")
    return "/n/vln/topics/retention/"


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "knowledge:case_list": (lambda w: "/n/vln/case-studies/", members_only()),
    "knowledge:case_create": (lambda w: "/n/vln/case-studies/new/", participants_only()),
    "knowledge:case_feed": (lambda w: "/n/vln/case-studies/feed.atom", members_only()),
    # A member's private feed address works without a session, for whoever holds it (feed readers).
    "knowledge:case_feed_private": (_private_feed, expect(200)),
    "knowledge:case_feed_renew": (lambda w: "/n/vln/case-studies/feed/renew/", post_only()),
    "knowledge:case_detail": (lambda w: f"/n/vln/case-studies/{_case(w)}/", members_only()),
    "knowledge:case_edit": (lambda w: f"/n/vln/case-studies/{_case(w, 'draft')}/edit/", DRAFT_WORKERS),
    "knowledge:case_workflow": (lambda w: f"/n/vln/case-studies/{_case(w, 'draft')}/status/", post_only()),
    "knowledge:case_review": (lambda w: f"/n/vln/case-studies/{_case(w, 'review')}/review/", post_only()),
    "knowledge:case_history": (lambda w: f"/n/vln/case-studies/{_case(w)}/history/", members_only()),
    "knowledge:case_charts": (lambda w: f"/n/vln/case-studies/{_case(w, 'draft')}/charts/", DRAFT_WORKERS),
    "knowledge:case_chart_delete": (
        lambda w: f"/n/vln/case-studies/{_case(w, 'draft')}/charts/1/delete/",
        post_only(),
    ),
    "knowledge:case_chart_snapshot": (_chart_snapshot, members_only()),
    "knowledge:case_attachments": (
        lambda w: f"/n/vln/case-studies/{_case(w, 'draft')}/attachments/",
        DRAFT_WORKERS,
    ),
    "knowledge:case_attachment": (_attachment, members_only()),
    "knowledge:case_attachment_delete": (
        lambda w: f"/n/vln/case-studies/{_case(w)}/attachments/1/delete/",
        post_only(),
    ),
    "knowledge:resource_list": (lambda w: "/n/vln/resources/", members_only()),
    "knowledge:resource_create": (lambda w: "/n/vln/resources/new/", participants_only()),
    "knowledge:resource_detail": (lambda w: f"/n/vln/resources/{_resource(w)}/", members_only()),
    # A link: members are sent on to it.
    "knowledge:resource_download": (lambda w: f"/n/vln/resources/{_resource(w)}/file/", members_only(302)),
    "knowledge:resource_edit": (
        lambda w: f"/n/vln/resources/{_resource(w)}/edit/",
        expect(403, carla=200, kim=200, oscar=404, anonymous=302),
    ),
    "knowledge:resource_delete": (lambda w: f"/n/vln/resources/{_resource(w)}/delete/", post_only()),
    "knowledge:topic_list": (lambda w: "/n/vln/topics/", members_only()),
    "knowledge:topic_detail": (_topic, members_only()),
}
