"""Authorization matrix rows: discussions, notifications, moderation, what's new.

Discussions are for participants: observers get 403 (they read published case studies and resources
only), outsiders 404. The thread of the rows is Kim's, with one post by Kim.
"""

from __future__ import annotations

from matrix_rows.common import expect, members_only, participants_only, post_only

THREADS = "/n/vln/discussions/"


def kims_thread(w):
    from qicop.knowledge.models import Post, Subscription, Thread

    thread = Thread.objects.create(network=w.network, title="Courier delays", created_by=w.kim)
    post = Post.objects.create(thread=thread, author=w.kim, body="Samples wait for days.")
    Subscription.objects.create(member=w.kim, thread=thread)
    return thread, post


def _thread(w) -> str:
    thread, _post = kims_thread(w)
    return f"{THREADS}{thread.pk}/"


def _post(w) -> str:
    thread, post = kims_thread(w)
    return f"{THREADS}{thread.pk}/posts/{post.pk}/"


def _post_file(w) -> str:
    from django.core.files.base import ContentFile

    from qicop.knowledge.models import PostFile

    thread, post = kims_thread(w)
    stored = PostFile(post=post, original_name="routes.pdf", content_type="application/pdf", size=9)
    stored.file.save("routes.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return f"{THREADS}{thread.pk}/posts/{post.pk}/files/{stored.pk}/"


# Kim edits her own post; nobody else does.
KIM_ONLY = expect(403, kim=200, oscar=404, anonymous=302)
# Any participant reports a post, except its author.
OTHERS_REPORT = participants_only() | {"kim": 403}
COORDINATORS_ONLY = expect(403, carla=200, oscar=404, anonymous=302)

# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "knowledge:discussions": (lambda w: THREADS, participants_only()),
    "knowledge:discussion_new": (lambda w: THREADS + "new/", participants_only()),
    "knowledge:thread": (_thread, participants_only()),
    "knowledge:thread_reply": (lambda w: _thread(w) + "reply/", post_only()),
    "knowledge:thread_follow": (lambda w: _thread(w) + "follow/", post_only()),
    "knowledge:thread_moderate": (lambda w: _thread(w) + "moderate/", post_only()),
    # A post's lasting address sends to the page of the thread it is on.
    "knowledge:post_link": (_post, participants_only(302)),
    # The whole of a post cut short on its thread's page: whoever reads the thread.
    "knowledge:post_whole": (lambda w: _post(w) + "whole/", participants_only()),
    "knowledge:post_edit": (lambda w: _post(w) + "edit/", KIM_ONLY),
    "knowledge:post_accept": (lambda w: _post(w) + "accept/", post_only()),
    "knowledge:post_report": (lambda w: _post(w) + "report/", OTHERS_REPORT),
    "knowledge:post_hide": (lambda w: _post(w) + "hide/", post_only()),
    # A post's file: whoever reads the thread, as its text.
    "knowledge:post_file": (_post_file, participants_only()),
    "knowledge:topic_follow": (lambda w: THREADS + "topics/vl/follow/", post_only()),
    "knowledge:followed_topic_stop": (lambda w: "/notifications/settings/topics/1/stop/", post_only()),
    "knowledge:moderation": (lambda w: "/n/vln/moderation/", COORDINATORS_ONLY),
    "knowledge:report_resolve": (lambda w: "/n/vln/moderation/1/resolve/", post_only()),
    # Observers see what is new among what they may read (published case studies and resources).
    "knowledge:whats_new": (lambda w: "/n/vln/whats-new/", members_only()),
    # Everyone's own notifications; an account without a member profile has none (and no settings).
    "knowledge:notifications": (lambda w: "/notifications/", expect(200, anonymous=302)),
    "knowledge:notification_settings": (
        lambda w: "/notifications/settings/",
        expect(200, oscar=404, anonymous=302),
    ),
}
