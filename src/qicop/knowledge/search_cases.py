"""Case studies and resources in the search index: published case studies only (a draft has no entry at
all), found by every member of the network, observers included."""

from __future__ import annotations

from django.urls import reverse

from qicop.search.index import Entry, register
from qicop.search.models import SearchEntry


def case_study_entry(case) -> Entry | None:
    from qicop.knowledge.models import CaseStudy

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
    from qicop.knowledge.models import CaseStudy

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
    from qicop.knowledge.models import Resource

    return Resource.objects.select_related("network", "country").prefetch_related("topics")


def register_case_studies() -> None:
    """Register "case_study" and "resource" with qicop.search.index.register."""
    from qicop.knowledge.models import CaseStudy, Resource

    # Topics, places and authors are many-to-many: the services call reindex_object after setting them.
    register(CaseStudy, "case_study", build=case_study_entry, queryset=case_study_queryset)
    register(Resource, "resource", build=resource_entry, queryset=resource_queryset)
