"""Case studies and resources in the search index: published case studies only (a draft has no entry at
all), found by every member of the network, observers included."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.urls import reverse

from qicop.knowledge.models import CaseStudy, Resource
from qicop.network.models import Member, Topic
from qicop.search.index import Entry, register, reindex_object
from qicop.search.models import SearchEntry


def case_study_entry(case) -> Entry | None:

    if case.status != CaseStudy.Status.PUBLISHED:
        return None
    body = "\n".join(
        part
        for part in (
            case.summary,
            case.country.name,
            ", ".join(u.name for u in case.org_units.all()),
            ", ".join(t.name for t in case.topics.all()),
            ", ".join(a.full_name for a in case.authors.all()),
            case.context,
            case.aim,
            case.changes,
            case.results,
            case.challenges,
            case.lessons,
        )
        if part
    )
    return Entry(
        network_id=case.network_id,
        audience=SearchEntry.Audience.MEMBERS,
        title=case.title,
        body=body,
        url=reverse("knowledge:case_detail", args=[case.network.slug, case.pk]),
        language=case.language,
        country_id=case.country_id,
        topic_ids=[t.pk for t in case.topics.all()],
        year=(case.published_at or case.updated_at).year,
        updated_at=case.updated_at,
    )


def case_study_queryset():

    return CaseStudy.objects.select_related("network", "country").prefetch_related(
        "org_units", "topics", "authors"
    )


def resource_entry(resource) -> Entry:
    body = "\n".join(
        part
        for part in (
            resource.get_kind_display(),
            resource.description,
            resource.country.name if resource.country else "",
            ", ".join(t.name for t in resource.topics.all()),
            resource.original_name,
        )
        if part
    )
    return Entry(
        network_id=resource.network_id,
        audience=SearchEntry.Audience.MEMBERS,
        title=resource.title,
        body=body,
        url=reverse("knowledge:resource_detail", args=[resource.network.slug, resource.pk]),
        language=resource.language,
        country_id=resource.country_id,
        topic_ids=[t.pk for t in resource.topics.all()],
        year=resource.year,
        updated_at=resource.updated_at,
    )


def resource_queryset():

    return Resource.objects.select_related("network", "country").prefetch_related("topics")


def _reindex(model, pks) -> None:
    for obj in model.objects.filter(pk__in=list(pks)).only("pk"):
        reindex_object(obj)


def _relation_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Topics, places and authors are many-to-many: their changes send no post_save of the case study or
    resource, whoever makes them (a service, the admin, the demo, a shell). Re-index the entries named."""
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:
        if action != "pre_clear":
            reindex_object(instance)
        return
    # ``instance`` is the topic, place or member; ``model`` the case study or resource.
    accessor = "resources" if model._meta.model_name == "resource" else "case_studies"
    if action == "pre_clear":  # the rows are about to go: remember whose entries to refresh
        instance._search_cleared = list(getattr(instance, accessor).values_list("pk", flat=True))
    elif action == "post_clear":
        _reindex(model, getattr(instance, "_search_cleared", ()))
    else:
        _reindex(model, pk_set or ())


def _named_thing_saved(sender, instance, raw=False, created=False, **kwargs):
    """A topic renamed, a member's name corrected: their names are in the entries' text."""

    if raw or created:
        return
    if isinstance(instance, Topic):
        _reindex(CaseStudy, instance.case_studies.values_list("pk", flat=True))
        _reindex(Resource, instance.resources.values_list("pk", flat=True))
    else:
        _reindex(CaseStudy, instance.case_studies.values_list("pk", flat=True))


def _topic_deleting(sender, instance, **kwargs):
    """A deleted topic's many-to-many rows go without a signal: note whose entries name it."""
    instance._search_named_by = (
        list(instance.case_studies.values_list("pk", flat=True)),
        list(instance.resources.values_list("pk", flat=True)),
    )


def _topic_deleted(sender, instance, **kwargs):

    cases, resources = getattr(instance, "_search_named_by", ((), ()))
    _reindex(CaseStudy, cases)  # each re-index waits for the commit (reindex_object)
    _reindex(Resource, resources)


def register_case_studies() -> None:
    """Register "case_study" and "resource" with qicop.search.index.register, and follow the changes
    their entries' text depends on but whose post_save is not theirs."""

    register(CaseStudy, "case_study", build=case_study_entry, queryset=case_study_queryset)
    register(Resource, "resource", build=resource_entry, queryset=resource_queryset)
    for through in (CaseStudy.topics.through, CaseStudy.org_units.through, CaseStudy.authors.through):
        m2m_changed.connect(
            _relation_changed, sender=through, dispatch_uid=f"search-m2m-{through._meta.label}", weak=False
        )
    m2m_changed.connect(
        _relation_changed,
        sender=Resource.topics.through,
        dispatch_uid="search-m2m-resource-topics",
        weak=False,
    )
    post_save.connect(_named_thing_saved, sender=Topic, dispatch_uid="search-topic-renamed", weak=False)
    post_save.connect(_named_thing_saved, sender=Member, dispatch_uid="search-member-renamed", weak=False)
    pre_delete.connect(_topic_deleting, sender=Topic, dispatch_uid="search-topic-deleting", weak=False)
    post_delete.connect(_topic_deleted, sender=Topic, dispatch_uid="search-topic-deleted", weak=False)
