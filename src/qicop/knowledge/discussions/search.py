"""Discussions in the search index: title and visible posts, found by the network's participants only.

A hidden thread has no entry, nor has a thread about a case study that is not published yet: the index
cannot tell its few readers apart, and drafts never appear in search results. Hidden posts are left out of
the text. A new post re-indexes its thread; publishing a case study re-indexes its threads.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.db.models.signals import post_save
from django.urls import reverse

from qicop.knowledge.models import CaseStudy, Post, Thread
from qicop.search.index import MAX_BODY, Entry, register, reindex_object
from qicop.search.models import SearchEntry


def thread_entry(thread) -> Entry | None:

    if thread.hidden:
        return None
    if thread.case_study_id is not None and thread.case_study.status != CaseStudy.Status.PUBLISHED:
        return None
    parts, size = [], 0
    for post in thread.posts.all():  # visible posts only (see thread_queryset)
        parts.append(post.body)
        size += len(post.body)
        if size > MAX_BODY:
            break
    return Entry(
        network_id=thread.network_id,
        audience=SearchEntry.Audience.PARTICIPANTS,
        title=thread.title,
        body="\n\n".join(parts),
        url=reverse("knowledge:thread", args=[thread.network.slug, thread.pk]),
        topic_ids=[thread.topic_id] if thread.topic_id else [],
        year=thread.created_at.year,
        updated_at=thread.last_post_at or thread.updated_at,
    )


def thread_queryset():

    return Thread.objects.select_related("network", "case_study").prefetch_related(
        Prefetch("posts", queryset=Post.objects.filter(hidden=False).order_by("created_at", "id"))
    )


def _case_study_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for thread in instance.threads.all():
        reindex_object(thread)


def register_discussions() -> None:
    """Register "discussion" with qicop.search.index.register."""

    register(Thread, "discussion", build=thread_entry, queryset=thread_queryset, related={Post: "thread_id"})
    post_save.connect(
        _case_study_saved, sender=CaseStudy, dispatch_uid="search-discussions-case-study", weak=False
    )
