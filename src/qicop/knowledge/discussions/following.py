"""Following topics, and the member's notification pages: their notifications, how they are e-mailed,
and the topics they follow (each with a way to stop). Read, check, act, respond, as in views.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.pagination import paginate
from qicop.knowledge import notifications
from qicop.knowledge.discussions import permissions as rules
from qicop.knowledge.discussions import selectors
from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.discussions.forms import NotificationSettingsForm
from qicop.knowledge.models import Post
from qicop.network.models import Member
from qicop.network.permissions import viewer_for


@login_required
@require_POST
def topic_follow(request, slug, topic_slug):
    """Follow a topic of a network where the member takes part in discussions (outsiders 404, observers
    403, as on the discussions page), or stop following it."""
    viewer = viewer_for(request.user)
    network = selectors.discussions_network(viewer, slug)
    topic = selectors.topic_of_discussions(network, topic_slug)
    if not rules.can_write(viewer, network):
        raise PermissionDenied
    member = Member.objects.get(pk=viewer.member_id)
    follow = request.POST.get("action") != "unfollow"
    discussions.topic_follow(actor=request.user, member=member, topic=topic, follow=follow)
    messages.success(
        request,
        _("You follow “%(topic)s”: new discussions in it are notified to you.") % {"topic": topic.name}
        if follow
        else _("You no longer follow “%(topic)s”.") % {"topic": topic.name},
    )
    return redirect(f"{reverse('knowledge:discussions', args=[network.slug])}?topic={topic.slug}")


@login_required
@require_POST
def followed_topic_stop(request, subscription_id):
    """Stop following a topic from the notification settings page (one's own only; 404 otherwise), even
    in a network one has left since."""
    viewer = viewer_for(request.user)
    if viewer.member_id is None:
        raise Http404
    followed = selectors.followed_topic(viewer.member_id, subscription_id)
    discussions.topic_follow(actor=request.user, member=followed.member, topic=followed.topic, follow=False)
    messages.success(request, _("You no longer follow “%(topic)s”.") % {"topic": followed.topic.name})
    return redirect("knowledge:notification_settings")


@login_required
def notification_list(request):
    """The member's notifications, newest first; the ones shown are marked read (the page still shows
    which were new)."""
    viewer = viewer_for(request.user)
    if viewer.member_id is None:
        page = paginate(request, Post.objects.none())
        rows = []
    else:
        page = paginate(request, selectors.notifications_of(viewer.member_id))
        # Checked again now: what the member may no longer read is named neutrally, never by its title.
        threads = selectors.readable_thread_ids(viewer, [n.thread for n in page.object_list if n.thread])
        case_studies = selectors.readable_case_study_ids(
            viewer, [n.case_study for n in page.object_list if n.case_study]
        )
        rows = [
            {
                "notification": n,
                "new": n.read_at is None,
                "readable": (n.thread_id is None or n.thread_id in threads)
                and (n.case_study_id is None or n.case_study_id in case_studies),
            }
            for n in page.object_list
        ]
        notifications.mark_read(page.object_list)
    return render(request, "knowledge/notification_list.html", {"page": page, "rows": rows})


@login_required
def notification_settings(request):
    viewer = viewer_for(request.user)
    if viewer.member_id is None:
        raise Http404
    member = Member.objects.get(pk=viewer.member_id)
    form = NotificationSettingsForm(
        request.POST or None,
        initial={
            "email": notifications.email_setting(member.pk),
            "weekly_digest": notifications.weekly_digest_setting(member.pk),
        },
    )
    if request.method == "POST" and form.is_valid():
        notifications.settings_update(
            actor=request.user,
            member=member,
            email=form.cleaned_data["email"],
            weekly_digest=form.cleaned_data["weekly_digest"] or None,
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("knowledge:notification_settings")
    return render(
        request,
        "knowledge/notification_settings.html",
        {"form": form, "followed_topics": selectors.followed_topics(member.pk)},
        status=400 if request.method == "POST" else 200,
    )
