"""Demo discussions in the "virtual" network: a few active threads with replies from several countries,
a quote, a mention, an accepted answer and followers; one thread in French from Haiti, one in Portuguese
from Mozambique. Idempotent: ``load_demo()`` does nothing once its first thread exists.

Rows are written directly (not through the services) so that loading the demo sends no e-mail; the
search index follows through its save signals. The notifications it creates count as e-mailed, so that
no digest goes out about them, and stay unread, so the notifications page has something to show.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from qicop.knowledge.discussions.services import mentioned_members
from qicop.knowledge.models import Notification, Post, Subscription, Thread, TopicSubscription
from qicop.network.models import Member, Network, Topic

FIRST_TITLE = "How do you keep viral-load samples moving when the courier fails?"

#: Who follows a whole topic (e-mail → topic slugs): Kenya's focal point follows retention, where Haiti
#: asks how to find clients lost to follow-up, so her home names that discussion as new.
TOPIC_FOLLOWERS = {"focal.ke@example.org": ["retention"], "member.ht@example.org": ["viral-load"]}

# (title, topic (slug, name), starter e-mail, [(author e-mail, hours after the start, body, quoted index)],
#  index of the accepted answer or None, other followers)
THREADS = [
    (
        FIRST_TITLE,
        ("viral-load", "Viral load"),
        "focal.ke@example.org",
        [
            (
                "focal.ke@example.org",
                0,
                "Our sample courier in two counties stopped for three weeks in March: contract renewal. "
                "Samples piled up at facilities and **VL coverage dropped from 78% to 61%**.\n\n"
                "What do you do when the courier fails? Back-up transport, DBS, pooling at hubs?",
                None,
            ),
            (
                "ug.05@example.org",
                5,
                "In Uganda the hub system saved us: facilities send samples to a district hub by "
                "motorbike rider, and the hub ships to the lab. When the national courier fails, "
                "hubs keep collecting, and we switch to **dried blood spots** that keep for weeks.",
                None,
            ),
            (
                "data.ke@example.org",
                9,
                "The hub idea is good. Does DBS give results clinicians trust for switching regimens?",
                1,
            ),
            (
                "ug.05@example.org",
                20,
                "Yes, with the WHO-prequalified assays the threshold of 1,000 copies/ml holds. "
                "We trained lab staff for a week. Our guide: https://example.org/dbs-guide",
                2,
            ),
            (
                "coordinator@example.org",
                26,
                "Thank you both. @focal.ke, could Kenya present the recovery plan at the next session? "
                "Uganda's hub model would be a good case study for the network.",
                None,
            ),
            (
                "focal.ke@example.org",
                30,
                "Gladly. We are piloting hubs in Kisumu from next month and will track VL coverage "
                "on a run chart.",
                None,
            ),
        ],
        3,
        ["mw.05@example.org"],
    ),
    (
        "Comment retrouver les patients perdus de vue après un ouragan ?",
        ("retention", "Retention in care"),
        "member.ht@example.org",
        [
            (
                "member.ht@example.org",
                0,
                "Après le passage de l'ouragan, près de 15 % de nos patients sous TAR ne sont pas "
                "revenus à leur rendez-vous. Les téléphones ne répondent plus. Comment faites-vous "
                "pour les retrouver ?",
                None,
            ),
            (
                "ht.05@example.org",
                6,
                "À Jacmel, nous avons formé des agents de santé communautaires avec une liste des "
                "patients par quartier. Ils ont retrouvé 60 % des patients en un mois.",
                None,
            ),
            (
                "coordinator@example.org",
                12,
                "Très utile. Have other countries faced the same after floods or cyclones? "
                "Mozambique, after Idai?",
                None,
            ),
        ],
        1,
        ["mz.05@example.org"],
    ),
    (
        "Dispensa de ARV para vários meses: como evitar rupturas de stock?",
        ("differentiated-service-delivery", "Differentiated service delivery"),
        "mz.05@example.org",
        [
            (
                "mz.05@example.org",
                0,
                "Em Moçambique passámos para dispensa trimestral (3MMD) em 2023. A retenção melhorou, "
                "mas algumas farmácias ficaram sem stock no fim do trimestre. Como planeiam as "
                "encomendas?",
                None,
            ),
            (
                "mw.05@example.org",
                8,
                "In Malawi we moved the stock review to monthly and added a buffer of six weeks at "
                "district stores. The QI team tracks stock-out days as a balancing measure.",
                None,
            ),
            (
                "mz.06@example.org",
                15,
                "Obrigado. @mw.05, que indicador usam para os dias de ruptura?",
                1,
            ),
        ],
        None,
        ["focal.ke@example.org"],
    ),
]


def _topic(network: Network, slug: str, name: str) -> Topic:
    existing = Topic.objects.filter(network=network, name__icontains=name).first()
    if existing is not None:
        return existing
    topic, _created = Topic.objects.get_or_create(network=network, slug=slug, defaults={"name": name})
    return topic


@transaction.atomic
def load_demo() -> None:
    """Create the demo discussions unless they are already there (needs the demo network)."""
    network = Network.objects.filter(slug="virtual").first()
    if network is None or Thread.objects.filter(network=network, title=FIRST_TITLE).exists():
        return
    emails = {email for t in THREADS for email in (t[2], *(p[0] for p in t[3]), *t[5])} | set(TOPIC_FOLLOWERS)
    members = {m.user.email: m for m in Member.objects.filter(user__email__in=emails).select_related("user")}
    now = timezone.now()
    topics = {slug: _topic(network, slug, name) for _title, (slug, name), *_rest in THREADS}
    for days_ago, (title, (slug, _name), starter, posts, accepted, followers) in zip(
        (9, 4, 2), THREADS, strict=True
    ):
        if starter not in members:
            continue
        _thread(
            network,
            title,
            topics[slug],
            members,
            starter,
            posts,
            accepted,
            followers,
            start=now - timedelta(days=days_ago),
        )
    TopicSubscription.objects.bulk_create(
        TopicSubscription(member=members[email], topic=topics[slug])
        for email, slugs in TOPIC_FOLLOWERS.items()
        for slug in slugs
        if email in members and slug in topics
    )


def _thread(network, title, topic, members, starter, posts, accepted, followers, *, start) -> None:
    thread = Thread.objects.create(network=network, title=title, topic=topic, created_by=members[starter])
    created: list[Post] = []
    for email, hours, body, quoted in posts:
        author = members.get(email)
        if author is None:
            continue
        post = Post.objects.create(
            thread=thread,
            author=author,
            body=body,
            quote_of=created[quoted] if quoted is not None and quoted < len(created) else None,
        )
        at = start + timedelta(hours=hours)
        Post.objects.filter(pk=post.pk).update(created_at=at, updated_at=at)
        post.created_at = at
        created.append(post)
    following = {p.author for p in created} | {members[e] for e in followers if e in members}
    Subscription.objects.bulk_create([Subscription(member=m, thread=thread) for m in following])
    answer = created[accepted] if accepted is not None and accepted < len(created) else None
    Thread.objects.filter(pk=thread.pk).update(
        accepted_post=answer, post_count=len(created), last_post_at=created[-1].created_at, created_at=start
    )
    _notifications(thread, created, following, answer)


def _notifications(thread, posts, following, answer) -> None:
    """Replies notify the followers, mentions the members mentioned (already counted as e-mailed)."""
    now = timezone.now()
    rows = []
    for index, post in enumerate(posts):
        mentioned = mentioned_members(post.body, network_id=thread.network_id) - {post.author_id}
        rows += [
            Notification(member_id=m, kind=Notification.Kind.MENTION, thread=thread, post=post)
            for m in mentioned
        ]
        if index == 0:
            continue
        rows += [
            Notification(member=m, kind=Notification.Kind.REPLY, thread=thread, post=post)
            for m in following
            if m != post.author and m.pk not in mentioned
        ]
    if answer is not None:
        rows.append(
            Notification(member=answer.author, kind=Notification.Kind.ACCEPTED, thread=thread, post=answer)
        )
    created = Notification.objects.bulk_create(rows)
    # Each notification is dated when its post was written (the answer a little after the last post), as
    # it would have been: a reply of 29 November is not news of today.
    last = posts[-1].created_at if posts else now
    by_moment: dict = {}
    for notification in created:
        moment = notification.post.created_at
        if notification.kind == Notification.Kind.ACCEPTED:
            moment = last + timedelta(hours=2)
        by_moment.setdefault(min(moment, now), []).append(notification.pk)
    for moment, pks in by_moment.items():
        Notification.objects.filter(pk__in=pks).update(created_at=moment, emailed_at=moment)
