"""Writes of case studies, their charts and attachments, and resources: each atomic and audited.

Every save of a case study writes a CaseStudyVersion (the whole text as it then was, who, and why), so the
history page can say who changed what. Permission is the caller's to check (``cases.permissions``); these
functions refuse only what is wrong whoever asks (a transition from the wrong status, a file that is not
what it claims to be).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qicop.core.audit import audit
from qicop.core.uploads import check_upload, safe_file_name
from qicop.knowledge import notifications
from qicop.knowledge.cases.selectors import snapshot_svg
from qicop.knowledge.models import (
    Attachment,
    CaseStudy,
    CaseStudyChart,
    CaseStudyVersion,
    Notification,
    Resource,
    ReviewComment,
)
from qicop.network.models import Network
from qicop.search.index import reindex_object

TEXT_FIELDS = (
    "title",
    "summary",
    "improvement_model",
    "outcome",
    "context",
    "aim",
    "changes",
    "results",
    "challenges",
    "lessons",
    "language",
)


def _member(actor):
    return getattr(actor, "member", None) if getattr(actor, "is_authenticated", False) else None


def _snapshot(case: CaseStudy) -> dict:
    data = {name: getattr(case, name) for name in TEXT_FIELDS}
    data["status"] = case.status
    data["country"] = case.country.name
    data["org_units"] = sorted(u.name for u in case.org_units.all())
    data["topics"] = sorted(t.name for t in case.topics.all())
    data["authors"] = sorted(a.full_name for a in case.authors.all())
    data["charts"] = [
        f"{c.indicator.name} — {c.org_unit.name}: {c.caption}".rstrip(": ")
        for c in case.charts.select_related("indicator", "org_unit")
    ]
    data["attachments"] = [
        f"{a.title} ({a.original_name})" for a in case.attachments.order_by("created_at", "id")
    ]
    return data


def _record_version(case: CaseStudy, *, actor, note: str = "") -> CaseStudyVersion:
    """Bump the case study's version and keep its current state under that number."""
    locked = CaseStudy.objects.select_for_update().get(pk=case.pk)
    number = max(locked.version, case.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    CaseStudy.objects.filter(pk=case.pk).update(version=number)
    case.version = number
    return CaseStudyVersion.objects.create(
        case_study=case,
        number=number,
        data=_snapshot(case),
        status=case.status,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:300],
    )


class VersionConflict(ValidationError):
    """Someone saved the case study after the editor opened it: nothing is written."""

    def __init__(self, current: int):
        self.current = current
        super().__init__(
            _(
                "Someone saved this case study while you were editing (version %(number)s). Your text is "
                "below; compare it with the current version before saving again."
            )
            % {"number": current},
            code="version_conflict",
        )


def _set_relations(case: CaseStudy, *, topics=None, org_units=None, authors=None) -> None:
    if topics is not None:
        case.topics.set(topics)
    if org_units is not None:
        wrong = [u for u in org_units if u.country_id != case.country_id]
        if wrong:
            raise ValidationError(
                {
                    "org_units": _("These places are not in the case study's country: %(names)s")
                    % {"names": ", ".join(u.name for u in wrong)}
                }
            )
        case.org_units.set(org_units)
    if authors is not None:
        # A case study always keeps at least one author. Its byline, the notifications of its review
        # and publication, and the right of a plain member to edit the draft all follow its authors: an
        # empty list would leave it to nobody but the coordinators and the focal point. Whoever edits it
        # (coordinators included) hands it over by ticking the new authors, never by emptying the list.
        if not authors:
            raise ValidationError(
                {
                    "authors": _(
                        "A case study keeps at least one author: tick at least one. To hand it over, "
                        "tick the new authors before removing the old ones."
                    )
                },
                code="no_author",
            )
        case.authors.set(authors)


@transaction.atomic
def case_study_create(
    *, actor, network: Network, fields: dict, topics=(), org_units=(), authors=(), note: str = ""
) -> CaseStudy:
    """A new draft; whoever writes it is its first author."""
    case = CaseStudy(network=network, created_by=actor, status=CaseStudy.Status.DRAFT, **fields)
    case.full_clean(exclude=["network", "created_by", "version"])
    case.save()
    member = _member(actor)
    chosen = list(authors)
    if member is not None and member not in chosen:
        chosen.insert(0, member)
    _set_relations(case, topics=topics, org_units=org_units, authors=chosen or None)
    _record_version(case, actor=actor, note=note or _("First draft"))
    audit(actor=actor, verb="case_study.create", target=case, title=case.title)
    reindex_object(case)
    return case


@transaction.atomic
def case_study_update(
    *,
    actor,
    case_study: CaseStudy,
    fields: dict,
    topics=None,
    org_units=None,
    authors=None,
    note: str = "",
    expected_version: int | None = None,
) -> CaseStudy:
    """Save a change of text or metadata as a new version.

    ``authors=None`` keeps the authors; an empty list is refused (see _set_relations). ``expected_version``
    is the version the editor started from (the edit form sends it): if someone saved in the meantime,
    VersionConflict is raised under the row lock and nothing is written (optimistic locking)."""
    locked = CaseStudy.objects.select_for_update().get(pk=case_study.pk)
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict(locked.version)
    # Whatever the workflow did since the object was read (status, publication) is kept as it is now.
    case_study.status, case_study.published_at = locked.status, locked.published_at
    changed = sorted(name for name, value in fields.items() if getattr(case_study, name) != value)
    for name, value in fields.items():
        setattr(case_study, name, value)
    case_study.full_clean(exclude=["network", "created_by", "version"])
    case_study.save()
    _set_relations(
        case_study, topics=topics, org_units=org_units, authors=None if authors is None else list(authors)
    )
    _record_version(case_study, actor=actor, note=note)
    audit(actor=actor, verb="case_study.update", target=case_study, fields=changed, note=note[:300])
    reindex_object(case_study)
    return case_study


def _notify_authors(case: CaseStudy, kind: str, *, actor) -> None:
    member = _member(actor)
    Notification.objects.bulk_create(
        [
            Notification(member=author, kind=kind, case_study=case)
            for author in case.authors.all()
            if member is None or author.pk != member.pk
        ]
    )


def _move(case: CaseStudy, *, actor, status: str, allowed_from: set[str], verb: str, note: str) -> CaseStudy:
    locked = CaseStudy.objects.select_for_update().get(pk=case.pk)
    if locked.status not in allowed_from:
        raise ValidationError(
            _("This case study is “%(status)s”: that step is not possible now.")
            % {"status": locked.get_status_display()},
            code="status",
        )
    case.status = status
    update = ["status", "updated_at"]
    if status == CaseStudy.Status.PUBLISHED:
        case.published_at = timezone.now()
        update.append("published_at")
    case.save(update_fields=update)
    _record_version(case, actor=actor, note=note)
    audit(actor=actor, verb=verb, target=case, status=status)
    return case


@transaction.atomic
def case_study_submit(*, actor, case_study: CaseStudy) -> CaseStudy:
    """Draft → in review: the coordinators and the country's focal point may now comment, and are told
    so in the site and by e-mail (as each chose), except whoever submitted it."""
    _move(
        case_study,
        actor=actor,
        status=CaseStudy.Status.REVIEW,
        allowed_from={CaseStudy.Status.DRAFT},
        verb="case_study.submit",
        note=_("Submitted for review"),
    )
    member = _member(actor)
    notifications.notify_submitted(case_study=case_study, exclude={member.pk} if member else set())
    return case_study


@transaction.atomic
def case_study_publish(*, actor, case_study: CaseStudy) -> CaseStudy:
    """Publish: every member of the network may read it, search finds it, the feed carries it, and each
    chart keeps a drawing of the published data as it stands now."""

    _move(
        case_study,
        actor=actor,
        status=CaseStudy.Status.PUBLISHED,
        allowed_from={CaseStudy.Status.DRAFT, CaseStudy.Status.REVIEW},
        verb="case_study.publish",
        note=pgettext("case study", "Published"),
    )
    snapshot_charts(case_study)
    _notify_authors(case_study, Notification.Kind.PUBLISHED, actor=actor)
    return case_study


def snapshot_charts(case_study: CaseStudy) -> None:
    """Keep each chart's drawing of the published data (called on publication)."""

    now = timezone.now()
    for chart in case_study.charts.select_related("indicator", "org_unit", "case_study"):
        chart.snapshot_svg = snapshot_svg(chart)
        chart.snapshot_at = now
        chart.save(update_fields=["snapshot_svg", "snapshot_at"])


@transaction.atomic
def case_study_return_to_draft(*, actor, case_study: CaseStudy) -> CaseStudy:
    """Back to draft (from review or published): it disappears from search, feeds and lists of others."""
    return _move(
        case_study,
        actor=actor,
        status=CaseStudy.Status.DRAFT,
        allowed_from={CaseStudy.Status.REVIEW, CaseStudy.Status.PUBLISHED},
        verb="case_study.draft",
        note=_("Back to draft"),
    )


@transaction.atomic
def case_study_comment(*, actor, case_study: CaseStudy, body: str) -> ReviewComment:
    """A reviewer's comment; the authors are notified."""
    member = _member(actor)
    if member is None:
        raise ValidationError(_("Only members of the network comment on case studies."))
    comment = ReviewComment(case_study=case_study, author=member, body=body.strip())
    comment.full_clean()
    comment.save()
    _notify_authors(case_study, Notification.Kind.REVIEW, actor=actor)
    audit(actor=actor, verb="case_study.review_comment", target=case_study, comment=comment.pk)
    return comment


# Charts


@transaction.atomic
def case_study_add_chart(
    *, actor, case_study: CaseStudy, indicator, org_unit, caption: str = "", options: dict | None = None
) -> CaseStudyChart:
    if indicator.network_id != case_study.network_id:
        raise ValidationError({"indicator": _("That indicator is not one of this network's.")})
    if org_unit.country_id != case_study.country_id:
        raise ValidationError({"org_unit": _("That place is not in the case study's country.")})
    position = (case_study.charts.aggregate(p=Max("position"))["p"] or 0) + 1
    chart = CaseStudyChart.objects.create(
        case_study=case_study,
        indicator=indicator,
        org_unit=org_unit,
        caption=caption.strip(),
        options=options or {},
        position=position,
    )
    if case_study.status == CaseStudy.Status.PUBLISHED:
        snapshot_charts(case_study)
    _record_version(case_study, actor=actor, note=_("Chart added"))
    audit(actor=actor, verb="case_study.chart_add", target=case_study, chart=chart.pk)
    return chart


@transaction.atomic
def case_study_remove_chart(*, actor, chart: CaseStudyChart) -> None:
    case = chart.case_study
    audit(actor=actor, verb="case_study.chart_remove", target=case, chart=chart.pk)
    chart.delete()
    _record_version(case, actor=actor, note=_("Chart removed"))


# Files


def _store_file(obj, upload, *, title_field: str) -> None:
    """Check the upload by its content, then write it to private storage; sets the file columns."""
    checked = check_upload(upload)
    obj.content_type = checked.content_type
    obj.size = checked.size
    obj.original_name = safe_file_name(upload.name, checked.extension)
    obj.file.save(obj.original_name, upload, save=False)


def _delete_on_commit(field) -> None:
    name, storage = field.name, field.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def attachment_add(*, actor, case_study: CaseStudy, title: str, upload) -> Attachment:
    """Attach a checked file; a refused file raises ValidationError and leaves nothing behind."""
    attachment = Attachment(case_study=case_study, title=title.strip(), added_by=_member(actor))
    _store_file(attachment, upload, title_field="title")
    try:
        attachment.save()
        _record_version(
            case_study, actor=actor, note=_("File attached: %(title)s") % {"title": attachment.title}
        )
        audit(actor=actor, verb="case_study.attach", target=case_study, attachment=attachment.pk)
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    """Remove a file; the removal is a version of the case study, as its addition was."""
    case = attachment.case_study
    audit(actor=actor, verb="case_study.attachment_delete", target=case, attachment=attachment.pk)
    _delete_on_commit(attachment.file)
    attachment.delete()
    _record_version(case, actor=actor, note=_("File removed: %(title)s") % {"title": attachment.title})


# Resources


def _check_file_or_link(upload, url: str, *, had_file: bool = False) -> None:
    if upload is not None and url:
        raise ValidationError(_("Give either a file or a link, not both."), code="file_or_link")
    if upload is None and not url and not had_file:
        raise ValidationError(_("Give a file or a link."), code="file_or_link")


@transaction.atomic
def resource_create(*, actor, network: Network, fields: dict, topics=(), upload=None) -> Resource:
    """A guideline, tool, template or policy: an uploaded file (checked by content) or a link."""
    _check_file_or_link(upload, fields.get("url", ""))
    resource = Resource(network=network, added_by=_member(actor), **fields)
    resource.full_clean(exclude=["network", "file", "added_by"])
    if upload is not None:
        _store_file(resource, upload, title_field="title")
    try:
        resource.save()
        resource.topics.set(topics)
        audit(actor=actor, verb="resource.create", target=resource, title=resource.title)
    except Exception:
        if resource.file:
            resource.file.storage.delete(resource.file.name)
        raise
    reindex_object(resource)
    return resource


@transaction.atomic
def resource_update(*, actor, resource: Resource, fields: dict, topics=None, upload=None) -> Resource:
    """Change a resource; a new file replaces the old one, a link replaces a file (and the reverse)."""
    _check_file_or_link(upload, fields.get("url", ""), had_file=bool(resource.file))
    old_file = resource.file.name if resource.file else ""
    storage = resource.file.storage
    for name, value in fields.items():
        setattr(resource, name, value)
    resource.full_clean(exclude=["network", "file", "added_by"])
    if upload is not None:
        _store_file(resource, upload, title_field="title")
    elif resource.url:
        resource.file = None
        resource.original_name, resource.content_type, resource.size = "", "", 0
    resource.save()
    if old_file and resource.file.name != old_file:
        transaction.on_commit(lambda: storage.delete(old_file))
    if topics is not None:
        resource.topics.set(topics)
    audit(actor=actor, verb="resource.update", target=resource, title=resource.title)
    reindex_object(resource)
    return resource


@transaction.atomic
def resource_delete(*, actor, resource: Resource) -> None:
    audit(actor=actor, verb="resource.delete", target=resource, title=resource.title)
    if resource.file:
        _delete_on_commit(resource.file)
    resource.delete()
