"""Every write of discussions: starting threads, replying (with files), editing, accepting an answer,
following threads and topics, and moderation (hiding, locking, reports). Each service is atomic, writes
its audit entry, and leaves e-mails to after the commit (see notifications.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.knowledge import notifications
from qicop.knowledge.discussions import permissions as rules
from qicop.knowledge.discussions.files import attach_files
from qicop.knowledge.discussions.selectors import members_named, mention_keys
from qicop.knowledge.models import Notification, Post, PostReport, Subscription, Thread, TopicSubscription
from qicop.network.models import Member, Topic

MAX_BODY = 20_000
MAX_TITLE = 200


def mentioned_members(body: str, *, network_id: int) -> set[int]:
    """The members of the network that ``body`` mentions."""
    return set(members_named(mention_keys(body), network_id=network_id).values())


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write a message."))
    if len(body) > MAX_BODY:
        raise ValidationError(
            _("A message has at most %(max)s characters; this one has %(count)s.")
            % {"max": f"{MAX_BODY:,}", "count": f"{len(body):,}"}
        )
    return body


def _follow(member: Member, thread: Thread) -> None:
    Subscription.objects.get_or_create(member=member, thread=thread)


def _add_post(*, thread: Thread, author: Member, body: str, quote_of: Post | None, files=()) -> Post:
    post = Post.objects.create(thread=thread, author=author, body=body, quote_of=quote_of)
    if files:
        attach_files(post, files)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at, post_count=F("post_count") + 1)
    thread.last_post_at = post.created_at
    thread.post_count += 1
    return post


@transaction.atomic
def thread_start(
    *,
    actor,
    author: Member,
    network,
    title: str,
    body: str,
    topic=None,
    meeting=None,
    case_study=None,
    chart: tuple[str, str] | None = None,
    files=(),
) -> Thread:
    """Start a discussion with its first post (and its ``files``, all accepted or none: see files.py).
    Preconditions: the author may write in ``network`` and may see what the thread is attached to.
    Effects: the author follows it; mentioned members are notified of the mention, the other followers
    of its topic of the new discussion (once each, never the author)."""
    title = (title or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise ValidationError(_("A title has 1 to %(max)s characters.") % {"max": MAX_TITLE})
    body = _check_body(body)
    code, uid = chart or ("", "")
    thread = Thread.objects.create(
        network=network,
        title=title,
        topic=topic,
        meeting=meeting,
        case_study=case_study,
        chart_indicator=code,
        chart_org_unit=uid,
        created_by=author,
    )
    post = _add_post(thread=thread, author=author, body=body, quote_of=None, files=files)
    _follow(author, thread)
    mentioned = mentioned_members(body, network_id=network.pk) - {author.pk}
    notifications.notify(kind=Notification.Kind.MENTION, thread=thread, post=post, member_ids=mentioned)
    if topic is not None:
        notifications.notify(
            kind=Notification.Kind.NEW_THREAD,
            thread=thread,
            post=post,
            member_ids=topic_followers(topic.pk) - mentioned - {author.pk},
        )
    audit(actor=actor, verb="discussion.start", target=thread, title=title)
    return thread


@transaction.atomic
def post_reply(
    *, actor, author: Member, thread: Thread, body: str, quote_of: Post | None = None, files=()
) -> Post:
    """Reply to ``thread``, with ``files`` (all accepted or none: see files.py). Effects: the author
    follows it; every other follower is notified of the reply, mentioned members of the mention, and
    followers of its topic in mailing-list mode of the post (one notification each, the mention winning,
    then the thread's followers)."""
    thread = Thread.objects.select_for_update(of=("self",)).select_related("case_study").get(pk=thread.pk)
    if thread.locked:
        raise ValidationError(_("This discussion is locked: it takes no more replies."))
    if thread.hidden:
        raise ValidationError(_("This discussion was hidden by a moderator."))
    body = _check_body(body)
    if quote_of is not None and quote_of.thread_id != thread.pk:
        quote_of = None
    post = _add_post(thread=thread, author=author, body=body, quote_of=quote_of, files=files)
    _follow(author, thread)
    mentioned = mentioned_members(body, network_id=thread.network_id) - {author.pk}
    followers = set(
        Subscription.objects.filter(thread=thread).exclude(member=author).values_list("member_id", flat=True)
    )
    notifications.notify(kind=Notification.Kind.MENTION, thread=thread, post=post, member_ids=mentioned)
    notifications.notify(
        kind=Notification.Kind.REPLY, thread=thread, post=post, member_ids=followers - mentioned
    )
    if thread.topic_id:
        others = topic_followers(thread.topic_id) - followers - mentioned - {author.pk}
        notifications.notify_every_post(thread=thread, post=post, member_ids=others)
    audit(actor=actor, verb="discussion.reply", target=post, thread=thread.pk)
    return post


@transaction.atomic
def post_edit(*, actor, post: Post, body: str) -> Post:
    """The author corrects their post; the page shows it was edited. Members the edit mentions for the
    first time are notified (those the earlier text mentioned, or who were already notified of a
    mention in this post, are not: an edit never notifies anyone twice)."""
    body = _check_body(body)
    thread = post.thread
    before = mentioned_members(post.body, network_id=thread.network_id)
    post.body = body
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at", "updated_at"])
    after = mentioned_members(body, network_id=thread.network_id)
    if after - before:
        told = set(
            Notification.objects.filter(post=post, kind=Notification.Kind.MENTION).values_list(
                "member_id", flat=True
            )
        )
        notifications.notify(
            kind=Notification.Kind.MENTION,
            thread=thread,
            post=post,
            member_ids=after - before - told - {post.author_id},
        )
    audit(actor=actor, verb="discussion.edit", target=post)
    return post


@transaction.atomic
def answer_accept(*, actor, thread: Thread, post: Post | None) -> Thread:
    """Mark ``post`` as the answer (``None`` withdraws the mark). Its author is notified."""
    if post is not None and (post.thread_id != thread.pk or post.hidden):
        raise ValidationError(_("Only a visible post of this discussion can be the answer."))
    thread.accepted_post = post
    thread.save(update_fields=["accepted_post", "updated_at"])
    acting_member = getattr(actor, "member", None)
    if post is not None and post.author_id and post.author_id != getattr(acting_member, "pk", None):
        notifications.notify(
            kind=Notification.Kind.ACCEPTED, thread=thread, post=post, member_ids={post.author_id}
        )
    audit(actor=actor, verb="discussion.accept", target=thread, post=post.pk if post else None)
    return thread


@transaction.atomic
def thread_follow(*, actor, member: Member, thread: Thread, follow: bool) -> None:
    if follow:
        _follow(member, thread)
    else:
        Subscription.objects.filter(member=member, thread=thread).delete()
    audit(actor=actor, verb="discussion.follow" if follow else "discussion.unfollow", target=thread)


def topic_followers(topic_id: int) -> set[int]:
    return set(TopicSubscription.objects.filter(topic_id=topic_id).values_list("member_id", flat=True))


@transaction.atomic
def topic_follow(*, actor, member: Member, topic: Topic, follow: bool) -> None:
    """``member`` follows ``topic`` (or stops). Precondition: the caller checked that they take part in
    discussions of the topic's network."""
    if follow:
        TopicSubscription.objects.get_or_create(member=member, topic=topic)
    else:
        TopicSubscription.objects.filter(member=member, topic=topic).delete()
    verb = "discussion.follow_topic" if follow else "discussion.unfollow_topic"
    audit(actor=actor, verb=verb, target=topic)


@transaction.atomic
def post_hide(*, actor, post: Post, hidden: bool) -> Post:
    """A moderator hides a post (participants see that it was hidden) or shows it again."""
    post.hidden = hidden
    post.save(update_fields=["hidden", "updated_at"])
    if hidden:
        Thread.objects.filter(pk=post.thread_id, accepted_post=post).update(accepted_post=None)
    audit(actor=actor, verb="discussion.hide_post" if hidden else "discussion.show_post", target=post)
    return post


@transaction.atomic
def thread_moderate(
    *, actor, thread: Thread, hidden: bool | None = None, locked: bool | None = None
) -> Thread:
    """A moderator hides or shows, locks or unlocks a thread."""
    changed = []
    if hidden is not None:
        thread.hidden = hidden
        changed.append("hidden")
    if locked is not None:
        thread.locked = locked
        changed.append("locked")
    thread.save(update_fields=[*changed, "updated_at"])
    audit(actor=actor, verb="discussion.moderate", target=thread, hidden=thread.hidden, locked=thread.locked)
    return thread


def post_report(*, actor, reporter: Member, post: Post, reason: str) -> PostReport:
    """A member reports a post to the moderators, once per post. The network's coordinators are notified
    (in the site, and by e-mail as each chose) of the first open report of a post: further reports of
    it wait on the moderation page with the first until it is resolved."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what is wrong with this post."))
    if len(reason) > 500:
        raise ValidationError(_("A reason has at most 500 characters."))
    try:
        with transaction.atomic():
            # Under the post's lock, so that two reports at once do not both count as the first.
            Post.objects.select_for_update().filter(pk=post.pk).first()
            already_open = PostReport.objects.filter(post=post, resolved_at__isnull=True).exists()
            report = PostReport.objects.create(post=post, reporter=reporter, reason=reason)
            if not already_open:
                notifications.notify_report(post=post, exclude={reporter.pk})
            audit(actor=actor, verb="discussion.report", target=post)
    except IntegrityError:
        raise ValidationError(_("You have already reported this post.")) from None
    return report


@transaction.atomic
def report_resolve(*, actor, report: PostReport) -> PostReport:
    report.resolved_at = timezone.now()
    report.resolved_by = actor
    report.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
    audit(actor=actor, verb="discussion.resolve_report", target=report)
    return report


@transaction.atomic
def thread_address(*, actor, thread: Thread, member_ids) -> set[int]:
    """Put ``thread`` to these members (the people a question is addressed to, e.g. by a feature above
    this one): those of them who may read it follow it and are told of its first post as a mention (in the
    site, and by e-mail as each chose), once: not again if its text already mentioned them, never its
    author. Returns who was addressed."""
    first = thread.posts.order_by("created_at", "pk").first()
    if first is None:
        raise ValidationError(_("This discussion has no post yet."))
    addressed = rules.readers_among(thread, set(member_ids) - {first.author_id})
    for member_id in sorted(addressed):
        Subscription.objects.get_or_create(member_id=member_id, thread=thread)
    told = set(
        Notification.objects.filter(post=first, kind=Notification.Kind.MENTION).values_list(
            "member_id", flat=True
        )
    )
    notifications.notify(
        kind=Notification.Kind.MENTION, thread=thread, post=first, member_ids=addressed - told
    )
    audit(actor=actor, verb="discussion.address", target=thread, members=sorted(addressed))
    return addressed
