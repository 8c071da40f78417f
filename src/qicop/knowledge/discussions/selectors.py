"""Reads of discussions, scoped to what the viewer may read. Fetching one thread or post answers 404
alike for "missing" and "forbidden"."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import Length, RowNumber
from django.http import Http404
from django.urls import reverse

from qicop.core.markdown import MENTION, mention_key
from qicop.knowledge.cases.permissions import can_see_case_study
from qicop.knowledge.cases.selectors import author_ids
from qicop.knowledge.discussions import permissions as rules
from qicop.knowledge.models import (
    Notification,
    Post,
    PostFile,
    PostReport,
    Subscription,
    Thread,
    TopicSubscription,
)
from qicop.network import selectors as network_selectors
from qicop.network.models import Member, Membership, Network
from qicop.network.permissions import Viewer

THREADS_FOR_LIMIT = 10


def discussions_network(viewer: Viewer, slug: str) -> Network:
    """The network of a discussions page: outsiders 404 (as if missing), observers 403."""
    network = network_selectors.network_for_viewer(viewer, slug)
    if not rules.can_take_part(viewer, network):
        raise PermissionDenied
    return network


def threads_of_network(viewer: Viewer, network: Network, *, topic=None) -> QuerySet[Thread]:
    threads = (
        Thread.objects.filter(network=network)
        .filter(rules.readable_threads(viewer, network))
        .select_related("topic", "created_by", "meeting", "case_study")
    )
    if topic is not None:
        threads = threads.filter(topic=topic)
    return threads.order_by("-last_post_at", "-id")


def thread_for_viewer(viewer: Viewer, network: Network, thread_id: int) -> Thread:
    thread = (
        Thread.objects.filter(network=network, pk=thread_id)
        .select_related("network", "topic", "created_by", "meeting", "case_study", "accepted_post__author")
        .first()
    )
    if thread is None or not rules.can_read_thread(viewer, thread):
        raise Http404("No such discussion")
    return thread


def posts_of_thread(thread: Thread) -> QuerySet[Post]:
    """Every post in order, hidden ones too (the page says they were hidden), with what a row shows:
    the author's country and roles in the thread's network, and its files."""
    roles = Prefetch(
        "author__memberships",
        queryset=Membership.objects.filter(network_id=thread.network_id).order_by("role"),
        to_attr="network_roles",
    )
    return (
        Post.objects.filter(thread=thread)
        .select_related("author__country", "quote_of__author")
        .prefetch_related(roles, "files")
        .order_by("created_at", "id")
    )


def file_of_post(post: Post, file_id: int) -> PostFile:
    found = PostFile.objects.filter(post=post, pk=file_id).first()
    if found is None:
        raise Http404("No such file")
    return found


def post_in_thread(thread: Thread, post_id: int) -> Post:
    post = Post.objects.filter(thread=thread, pk=post_id).select_related("author", "thread").first()
    if post is None:
        raise Http404("No such post")
    return post


# A page of a thread stays under 100 KB whatever its posts (20 of 20,000 characters would make 400 KB): a
# page holds at most PAGE_SIZE posts *and* at most PAGE_BUDGET characters, each post counted for what the
# page shows of it (POST_EXCERPT characters at most; the whole post has its own page), its quote
# (QUOTE_EXCERPT) and POST_COST for its header and buttons. What is shown of a text is also capped once
# rendered (see discussions.views.excerpt_html: at most twice its characters in bytes), so the bound holds
# even for Markdown that escapes to more than it was. The layout is the same for everyone (a post's
# address names its page), and takes one query of lengths, not of texts.
PAGE_BUDGET = 30_000
POST_EXCERPT = 6_000
QUOTE_EXCERPT = 600
POST_COST = 500


def thread_layout(thread: Thread) -> list[list[int]]:
    """The ids of the posts on each page of ``thread``, in order; one empty page for a thread without any."""
    rows = (
        Post.objects.filter(thread=thread)
        .order_by("created_at", "id")
        .annotate(n=Length("body"), q=Length("quote_of__body"))
        .values_list("pk", "n", "q")
    )
    pages: list[list[int]] = []
    current: list[int] = []
    used = 0
    for pk, length, quoted in rows:
        cost = min(length or 0, POST_EXCERPT) + min(quoted or 0, QUOTE_EXCERPT) + POST_COST
        if current and (len(current) >= settings.PAGE_SIZE or used + cost > PAGE_BUDGET):
            pages.append(current)
            current, used = [], 0
        current.append(pk)
        used += cost
    if current or not pages:
        pages.append(current)
    return pages


def page_of_post(post: Post) -> int:
    """The 1-based page of the thread ``post`` is on."""
    for number, ids in enumerate(thread_layout(post.thread), start=1):
        if post.pk in ids:
            return number
    return 1


def post_position(post: Post) -> int:
    """0-based position of ``post`` in its thread (to find its page)."""
    return (
        Post.objects.filter(thread_id=post.thread_id, created_at__lt=post.created_at).count()
        + Post.objects.filter(thread_id=post.thread_id, created_at=post.created_at, pk__lt=post.pk).count()
    )


def is_following(viewer: Viewer, thread: Thread) -> bool:
    if viewer.member_id is None:
        return False
    return Subscription.objects.filter(thread=thread, member_id=viewer.member_id).exists()


def is_following_topic(viewer: Viewer, topic) -> bool:
    if viewer.member_id is None or topic is None:
        return False
    return TopicSubscription.objects.filter(topic=topic, member_id=viewer.member_id).exists()


#: The most followed topics the notification settings page lists (a network has a few dozen topics).
FOLLOWED_TOPICS_LIMIT = 200


def followed_topics(member_id: int) -> list[TopicSubscription]:
    """The topics ``member_id`` follows, by network and name, with their networks: one query."""
    return list(
        TopicSubscription.objects.filter(member_id=member_id)
        .select_related("topic__network")
        .order_by("topic__network__name", "topic__name", "id")[:FOLLOWED_TOPICS_LIMIT]
    )


def followed_topic(member_id: int, subscription_id: int) -> TopicSubscription:
    """One of the member's own followed topics (404 for anyone else's)."""
    found = (
        TopicSubscription.objects.filter(member_id=member_id, pk=subscription_id)
        .select_related("topic", "member")
        .first()
    )
    if found is None:
        raise Http404("No such followed topic")
    return found


#: On the network's home: the new discussions shown of each followed topic (the rest are counted, and the
#: topic's page lists them), and the followed topics shown.
NEW_IN_TOPIC_SHOWN = 3
FOLLOWED_TOPICS_SHOWN = 5


@dataclass
class NewInTopic:
    """A followed topic's discussions started since a moment: the newest few, and how many more."""

    topic: object
    threads: list[Thread]
    more: int


def new_in_followed_topics(viewer: Viewer, network: Network, *, since) -> list[NewInTopic]:
    """The discussions started since ``since`` in the topics of ``network`` that the viewer follows, that
    they may read (hidden ones never: they are no news) and did not start themselves: the newest
    NEW_IN_TOPIC_SHOWN of each topic with the count of the others, for at most FOLLOWED_TOPICS_SHOWN
    topics, the topic with the newest discussion first. One query; none for those who do not take part."""
    if viewer.member_id is None or not rules.can_take_part(viewer, network):
        return []
    by_topic = [F("topic_id")]
    newest_first = [F("created_at").desc(), F("pk").desc()]
    rows = (
        Thread.objects.filter(
            network=network,
            topic__subscriptions__member_id=viewer.member_id,
            created_at__gte=since,
            hidden=False,
        )
        .filter(rules.readable_threads(viewer, network))
        .exclude(created_by_id=viewer.member_id)
        .annotate(
            place=Window(RowNumber(), partition_by=by_topic, order_by=newest_first),
            in_topic=Window(Count("pk"), partition_by=by_topic),
        )
        .filter(place__lte=NEW_IN_TOPIC_SHOWN)
        .select_related("topic", "created_by")
        .order_by("-created_at", "-pk")[: NEW_IN_TOPIC_SHOWN * FOLLOWED_TOPICS_SHOWN]
    )
    found: dict[int, NewInTopic] = {}
    for thread in rows:
        group = found.get(thread.topic_id)
        if group is None:
            if len(found) == FOLLOWED_TOPICS_SHOWN:
                continue
            group = found[thread.topic_id] = NewInTopic(thread.topic, [], thread.in_topic)
        group.threads.append(thread)
        group.more -= 1
    return list(found.values())


def topic_of_discussions(network: Network, topic_slug: str):
    topic = network_selectors.topics_of_network(network).filter(slug=topic_slug).first()
    if topic is None:
        raise Http404("No such topic")
    return topic


@dataclass
class AttachedThreads:
    """The discussions of a meeting, case study or chart, for ``knowledge/_threads_for.html``."""

    network: Network
    threads: list[Thread]
    attach: str  # the query string that attaches a new thread, e.g. "meeting=12"
    can_start: bool

    def __iter__(self):
        return iter(self.threads)

    def __len__(self) -> int:
        return len(self.threads)


def threads_for(
    viewer: Viewer, network: Network, meeting=None, case_study=None, chart=None
) -> AttachedThreads:
    """The discussions attached to a meeting, a case study or a chart ("<indicator code>/<org unit uid>"),
    most recent first (at most THREADS_FOR_LIMIT), and how to start one there. Empty, and no way to start
    one, for those who do not take part in discussions (observers)."""
    if meeting is not None:
        found, attach = {"meeting": meeting}, f"meeting={meeting.pk}"
    elif case_study is not None:
        found, attach = {"case_study": case_study}, f"case_study={case_study.pk}"
    elif chart:
        code, _slash, uid = chart.partition("/")
        found, attach = {"chart_indicator": code, "chart_org_unit": uid}, f"chart={code}/{uid}"
    else:
        raise TypeError("threads_for needs a meeting, a case study or a chart")
    if not rules.can_take_part(viewer, network):
        return AttachedThreads(network, [], attach, can_start=False)
    threads = list(threads_of_network(viewer, network).filter(**found)[:THREADS_FOR_LIMIT])
    return AttachedThreads(network, threads, attach, can_start=rules.can_write(viewer, network))


def notifications_of(member_id: int) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(member_id=member_id)
        .select_related("thread__network", "thread__topic", "post__author", "case_study__network")
        .prefetch_related("case_study__authors")
        .order_by("-created_at", "-id")
    )


def readable_thread_ids(viewer: Viewer, threads) -> set[int]:
    """Which of ``threads`` the viewer may read now (one query a network), by the discussions list's own
    rule: a thread hidden since, or about a case study gone back to draft, is no longer among them."""
    by_network: dict[int, list[int]] = {}
    for thread in threads:
        by_network.setdefault(thread.network_id, []).append(thread.pk)
    readable: set[int] = set()
    for network_id, ids in by_network.items():
        if not rules.can_take_part(viewer, network_id):
            continue
        found = Thread.objects.filter(network_id=network_id, pk__in=ids).filter(
            rules.readable_threads(viewer, network_id)
        )
        readable.update(found.values_list("pk", flat=True))
    return readable


def readable_case_study_ids(viewer: Viewer, case_studies) -> set[int]:
    """Which of ``case_studies`` the viewer may read now (a draft of someone else's is not)."""

    readable = set()
    for case in case_studies:
        member_of = viewer.is_superuser or case.network_id in viewer.network_ids()
        if member_of and can_see_case_study(viewer, case, author_ids(case)):
            readable.add(case.pk)
    return readable


def unread_count(member_id: int | None) -> int:
    """For the header: how many notifications the member has not seen."""
    if member_id is None:
        return 0
    return Notification.objects.filter(member_id=member_id, read_at__isnull=True).count()


def open_reports(network: Network) -> QuerySet[PostReport]:
    return (
        PostReport.objects.filter(post__thread__network=network, resolved_at__isnull=True)
        .select_related("post__thread", "post__author", "reporter")
        .order_by("created_at", "id")
    )


def report_in_network(network: Network, report_id: int) -> PostReport:
    report = (
        PostReport.objects.filter(post__thread__network=network, pk=report_id)
        .select_related("post__thread")
        .first()
    )
    if report is None:
        raise Http404("No such report")
    return report


# Mentions: the same rules name the members a post notifies and the members its page links to.
MAX_MENTIONS = 20


def mention_keys(body: str) -> list[str]:
    """What the mentions of ``body`` name ("#42", "kim"), in order, at most MAX_MENTIONS of them."""
    keys: list[str] = []
    for token in MENTION.findall(body or ""):
        key = mention_key(token)
        if key not in keys:
            keys.append(key)
        if len(keys) >= MAX_MENTIONS:
            break
    return keys


def members_named(keys, *, network_id: int) -> dict[str, int]:
    """Which member of the network each mention key names. A handle that fits several members names
    nobody, and so does a member number of someone outside the network."""
    ids = {int(key[1:]) for key in keys if key.startswith("#")}
    handles = {key for key in keys if not key.startswith("#")}
    if not ids and not handles:
        return {}
    members = Member.objects.filter(memberships__network_id=network_id).distinct()
    found = {f"#{pk}": pk for pk in members.filter(pk__in=ids).values_list("pk", flat=True)} if ids else {}
    if handles:
        by_handle: dict[str, set[int]] = {}
        query = Q()
        for handle in handles:
            query |= Q(user__email__istartswith=f"{handle}@")
        for pk, email in members.filter(query).values_list("pk", "user__email"):
            by_handle.setdefault(email.split("@", 1)[0].lower(), set()).add(pk)
        found |= {handle: next(iter(pks)) for handle, pks in by_handle.items() if len(pks) == 1}
    return found


def mention_links(network: Network, bodies) -> dict[str, str]:
    """Where each mention in ``bodies`` links: the page of the member of ``network`` it names (every
    reader of a discussion may see its network's members; a mention of anyone else stays plain text)."""
    keys: list[str] = []
    for body in bodies:
        keys += [key for key in mention_keys(body) if key not in keys]
    named = members_named(keys, network_id=network.pk)
    return {key: reverse("network:member_detail", args=[network.slug, pk]) for key, pk in named.items()}
