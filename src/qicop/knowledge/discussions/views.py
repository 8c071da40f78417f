"""Discussion pages: read, check, act, respond. Outsiders of a network get 404, observers 403 (they do not
take part in discussions), forbidden actions 403; a refused form comes back with what was typed (400)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core import uploads
from qicop.core.markdown import render_markdown
from qicop.core.pagination import paginate
from qicop.core.params import id_or_none
from qicop.indicators.models import NetworkIndicator, OrgUnit
from qicop.knowledge import notifications, whats_new
from qicop.knowledge.discussions import permissions as rules
from qicop.knowledge.discussions import selectors
from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.discussions.forms import (
    PostEditForm,
    ReplyForm,
    ReportForm,
    ThreadForm,
)
from qicop.knowledge.models import CaseStudy, Post
from qicop.meetings import selectors as meeting_selectors
from qicop.network import selectors as network_selectors
from qicop.network.models import Member
from qicop.network.permissions import viewer_for

# ASCII only, as the dashboards' URLs take them (a slug and a DHIS2-style uid): a thread whose chart
# cannot be linked to would break its own page.
CHART = re.compile(r"(?P<code>[-A-Za-z0-9_]{1,50})/(?P<uid>[A-Za-z0-9]{1,11})", re.ASCII)


def _chart_exists(network, code: str, uid: str) -> bool:
    """The chart names one of the network's indicators and a place in one of its countries."""

    return (
        NetworkIndicator.objects.filter(network=network, code=code).exists()
        and OrgUnit.objects.filter(uid=uid, country__in=network.countries.all()).exists()
    )


def _network(request, slug):
    viewer = viewer_for(request.user)
    return viewer, selectors.discussions_network(viewer, slug)


def _author(viewer, network) -> Member:
    if not rules.can_write(viewer, network):
        raise PermissionDenied
    return Member.objects.select_related("user").get(pk=viewer.member_id)


def _thread_url(thread, page: int | None = None) -> str:
    url = reverse("knowledge:thread", args=[thread.network.slug, thread.pk])
    return f"{url}?page={page}" if page and page > 1 else url


def _page_of(names: tuple[str, ...], args: list) -> str | None:
    """The page of a case study or resource, under whichever name the case studies feature gives it."""
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def case_study_url(network, case_study) -> str | None:
    return _page_of(("knowledge:case_detail", "knowledge:case_study"), [network.slug, case_study.pk])


def resource_url(network, resource) -> str | None:
    return _page_of(("knowledge:resource_detail", "knowledge:resource"), [network.slug, resource.pk])


def _attached_to(thread) -> dict | None:
    """What the thread is attached to, as a label and a link back."""
    network = thread.network
    if thread.meeting_id:
        return {
            "label": _("Meeting: %(title)s") % {"title": thread.meeting.title},
            "url": reverse("meetings:detail", args=[network.slug, thread.meeting_id]),
        }
    if thread.case_study_id:
        return {
            "label": _("Case study: %(title)s") % {"title": thread.case_study.title},
            "url": case_study_url(network, thread.case_study),
        }
    if thread.chart_indicator:
        try:
            url = reverse(
                "dashboards:chart", args=[network.slug, thread.chart_indicator, thread.chart_org_unit]
            )
        except NoReverseMatch:  # a thread stored before its chart was checked
            url = None
        return {"label": _chart_label(network, thread.chart_indicator, thread.chart_org_unit), "url": url}
    return None


def _chart_label(network, code: str, uid: str) -> str:
    """ "Chart: <the measure's name>, <the place's name>" (the code and uid of a chart no longer there)."""
    return _chart_labels(network, [(code, uid)])[(code, uid)]


def _chart_labels(network, charts) -> dict[tuple[str, str], str]:
    """Each chart's "Chart: <measure>, <place>", read in two queries however many charts (none for none)."""
    charts = set(charts)
    if not charts:
        return {}
    names = dict(
        NetworkIndicator.objects.filter(
            network=network, code__in={code for code, _uid in charts}
        ).values_list("code", "name")
    )
    units = {
        unit.uid: unit
        for unit in OrgUnit.objects.filter(uid__in={uid for _code, uid in charts}).select_related("country")
    }
    return {
        (code, uid): _("Chart: %(indicator)s, %(unit)s")
        % {"indicator": names.get(code, code), "unit": units[uid].display_name if uid in units else uid}
        for code, uid in charts
    }


# --- Lists and threads -----------------------------------------------------------------------------


@login_required
def discussion_list(request, slug):
    viewer, network = _network(request, slug)
    topics = network_selectors.topics_of_network(network)
    topic = topics.filter(slug=request.GET.get("topic", "")).first() if request.GET.get("topic") else None
    page = paginate(request, selectors.threads_of_network(viewer, network, topic=topic))
    labels = _chart_labels(
        network, [(t.chart_indicator, t.chart_org_unit) for t in page if t.chart_indicator]
    )
    for thread in page:
        thread.chart_label = labels.get((thread.chart_indicator, thread.chart_org_unit), "")
    return render(
        request,
        "knowledge/discussion_list.html",
        {
            "network": network,
            "page": page,
            "topics": topics,
            "topic": topic,
            "query_string": f"topic={topic.slug}" if topic else "",
            "following_topic": selectors.is_following_topic(viewer, topic),
            "can_write": rules.can_write(viewer, network),
            "can_moderate": rules.can_moderate(viewer, network),
        },
    )


def _context_from_query(request, viewer, network) -> dict:
    """A thread started from a meeting, a case study or a chart page is attached to it."""
    query = request.GET
    if query.get("meeting"):
        meeting_id = id_or_none(query["meeting"])
        if meeting_id is None:
            raise Http404
        return {"meeting": meeting_selectors.meeting_in_network(network, meeting_id)}
    if query.get("case_study"):
        case_id = id_or_none(query["case_study"])
        case_study = CaseStudy.objects.filter(network=network, pk=case_id).first() if case_id else None
        if case_study is None or not rules.can_read_case_study_draft(viewer, case_study):
            raise Http404
        return {"case_study": case_study}
    if query.get("chart"):
        match = CHART.fullmatch(query["chart"])
        if match is None or not _chart_exists(network, match["code"], match["uid"]):
            raise Http404
        return {"chart": (match["code"], match["uid"])}
    return {}


@uploads.with_upload_limit
def discussion_new(request, slug, limit):
    viewer, network = _network(request, slug)
    author = _author(viewer, network)
    attached = _context_from_query(request, viewer, network)
    topics = network_selectors.topics_of_network(network)
    posted = request.method == "POST"
    form = ThreadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        topics=topics,
        too_large=limit.skipped,
        initial=_prefill(request),
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            thread = discussions.thread_start(
                actor=request.user,
                author=author,
                network=network,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                topic=form.cleaned_data["topic"],
                files=form.cleaned_data["files"],
                **attached,
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("Your discussion is started; replies will be notified to you."))
            return redirect(_thread_url(thread))
    invalid = request.method == "POST"
    return render(
        request,
        "knowledge/discussion_form.html",
        {"network": network, "form": form, "error": error, "attached": _describe(attached, network)},
        status=400 if invalid else 200,
    )


def _prefill(request) -> dict:
    """A title and a message offered by the link that opened the form (the positive-deviance feed's "Ask
    them how"): shown in the boxes, to be changed before anything is posted; cut to the fields' limits."""
    if request.method != "GET":
        return {}
    return {
        name: request.GET[name][:limit]
        for name, limit in (("title", discussions.MAX_TITLE), ("body", discussions.MAX_BODY))
        if request.GET.get(name)
    }


def _describe(attached: dict, network) -> str:
    if "meeting" in attached:
        return _("Meeting: %(title)s") % {"title": attached["meeting"].title}
    if "case_study" in attached:
        return _("Case study: %(title)s") % {"title": attached["case_study"].title}
    if "chart" in attached:
        return _chart_label(network, *attached["chart"])
    return ""


def excerpt_html(
    text: str, chars: int, *, max_bytes: int | None = None, mentions: dict[str, str] | None = None
) -> tuple[str, bool]:
    """``text`` rendered safely, cut to ``chars`` characters and to ``max_bytes`` bytes of HTML (by default
    twice the characters shown, plus a little: what Markdown that escapes to more would take is cut
    further). ``mentions`` are the links of the mentions it makes (selectors.mention_links). Returns
    (html, whether anything was left out)."""
    text = text or ""
    limit = min(len(text), chars)
    allowed = max_bytes if max_bytes is not None else 2 * limit + 200
    shown = limit
    while shown > 0:
        part = text if shown >= len(text) else Truncator(text).chars(shown)
        html = render_markdown(part, mentions=mentions)
        if len(html.encode()) <= allowed:
            return mark_safe(html), shown < len(text)
        shown = shown // 2 if shown > 40 else 0
    return "", bool(text)


def _post_rows(viewer, thread, posts, mentions: dict[str, str]) -> list[dict]:
    """What each post shows: rendered safely now (nothing rendered is cached), hidden text to moderators;
    a long post is cut on the thread's page (see selectors_discussions.PAGE_BUDGET) and whole on its own."""
    moderator = rules.can_see_hidden_text(viewer, thread.network_id)
    rows = []
    for post in posts:
        post.thread = thread
        quote = None
        if post.quote_of_id and post.quote_of is not None:
            quoted = post.quote_of
            quote = {
                "post": quoted,
                "hidden": quoted.hidden and not moderator,
                "html": excerpt_html(quoted.body, selectors.QUOTE_EXCERPT, mentions=mentions)[0],
            }
        show_text = not post.hidden or moderator
        html, cut = (
            excerpt_html(post.body, selectors.POST_EXCERPT, mentions=mentions) if show_text else ("", False)
        )
        rows.append(
            {
                "post": post,
                "show_text": show_text,
                "files": list(post.files.all()) if show_text else [],
                "html": html,
                "cut": cut,
                "quote": quote,
                "can_edit": rules.can_edit_post(viewer, post),
                "can_report": rules.can_report(viewer, post) and not post.hidden,
                "is_answer": thread.accepted_post_id == post.pk,
            }
        )
    return rows


def _thread_page(request, viewer, network, thread, *, form=None, status=200, error=None):
    page = Paginator(selectors.thread_layout(thread), 1).get_page(request.GET.get("page"))
    posts = list(selectors.posts_of_thread(thread).filter(pk__in=page.object_list[0]))
    quote = None
    if form is None:
        quote_id = id_or_none(request.GET.get("quote"))
        if quote_id is not None:
            quote = Post.objects.filter(thread=thread, pk=quote_id).select_related("author").first()
            if quote is not None and quote.hidden and not rules.can_see_hidden_text(viewer, network):
                quote = None
        form = ReplyForm(initial={"quote_of": quote.pk} if quote else None)
    else:
        quote_id = id_or_none(form.data.get("quote_of"))
        if quote_id is not None:
            quote = Post.objects.filter(thread=thread, pk=quote_id, hidden=False).first()
    if viewer.member_id:
        notifications.mark_read_for_thread(member_id=viewer.member_id, thread=thread)
    answer = thread.accepted_post if thread.accepted_post_id else None
    if answer is not None and answer.hidden:
        answer = None
    shown = [*posts, *(p.quote_of for p in posts if p.quote_of_id and p.quote_of), answer, quote]
    mentions = selectors.mention_links(network, [p.body for p in shown if p is not None])
    return render(
        request,
        "knowledge/thread.html",
        {
            "network": network,
            "thread": thread,
            "page": page,
            "rows": _post_rows(viewer, thread, posts, mentions),
            "answer": answer,
            "answer_html": excerpt_html(answer.body, 400, mentions=mentions)[0] if answer else "",
            "attached": _attached_to(thread),
            "form": form,
            "quote": quote,
            "quote_html": (
                excerpt_html(quote.body, selectors.QUOTE_EXCERPT, mentions=mentions)[0] if quote else ""
            ),
            "error": error,
            "can_reply": rules.can_reply(viewer, thread),
            "can_write": rules.can_write(viewer, network),
            "can_accept": rules.can_accept_answer(viewer, thread),
            "can_moderate": rules.can_moderate(viewer, network),
            "following": selectors.is_following(viewer, thread),
        },
        status=status,
    )


@login_required
def thread_detail(request, slug, thread_id):
    viewer, network = _network(request, slug)
    thread = selectors.thread_for_viewer(viewer, network, thread_id)
    return _thread_page(request, viewer, network, thread)


@uploads.with_upload_limit
@require_POST
def thread_reply(request, slug, thread_id, limit):
    viewer, network = _network(request, slug)
    thread = selectors.thread_for_viewer(viewer, network, thread_id)
    author = _author(viewer, network)
    form = ReplyForm(request.POST, request.FILES, too_large=limit.skipped)
    if not rules.can_reply(viewer, thread):
        return _thread_page(
            request, viewer, network, thread, form=form, status=403, error=_locked_message(thread)
        )
    if not form.is_valid():
        return _thread_page(request, viewer, network, thread, form=form, status=400)
    quote_id = form.cleaned_data["quote_of"]
    quote_of = Post.objects.filter(thread=thread, pk=quote_id).first() if quote_id else None
    try:
        post = discussions.post_reply(
            actor=request.user,
            author=author,
            thread=thread,
            body=form.cleaned_data["body"],
            quote_of=quote_of,
            files=form.cleaned_data["files"],
        )
    except ValidationError as problem:
        return _thread_page(
            request, viewer, network, thread, form=form, status=400, error=" ".join(problem.messages)
        )
    messages.success(request, _("Your reply is posted."))
    return redirect(_post_url(post, thread))


def _locked_message(thread) -> str:
    if thread.locked:
        return _("This discussion is locked by a moderator: it takes no more replies.")
    return _("You cannot reply to this discussion.")


def _post_url(post, thread) -> str:
    post.thread = thread
    return f"{_thread_url(thread, selectors.page_of_post(post))}#post-{post.pk}"


# The whole of one post, however long: at most this many bytes of HTML (20,000 characters of ordinary
# text take about 21 KB; only Markdown that escapes to several times its length is ever cut here).
WHOLE_POST_BYTES = 80_000


@login_required
def post_whole(request, slug, thread_id, post_id):
    """One post on a page of its own: the whole of a post cut short on its thread's page."""
    viewer, network = _network(request, slug)
    thread = selectors.thread_for_viewer(viewer, network, thread_id)
    post = selectors.post_in_thread(thread, post_id)
    post.thread = thread
    show_text = not post.hidden or rules.can_see_hidden_text(viewer, network)
    html, cut = (
        excerpt_html(
            post.body,
            len(post.body),
            max_bytes=WHOLE_POST_BYTES,
            mentions=selectors.mention_links(network, [post.body]),
        )
        if show_text
        else ("", False)
    )
    return render(
        request,
        "knowledge/thread_post.html",
        {
            "network": network,
            "thread": thread,
            "post": post,
            "files": list(post.files.all()) if show_text else [],
            "show_text": show_text,
            "html": html,
            "cut": cut,
            "back": _post_url(post, thread),
        },
    )


@login_required
def post_link(request, slug, thread_id, post_id):
    """A post's lasting address (e-mails, notifications): the page of the thread it is on."""
    viewer, network = _network(request, slug)
    thread = selectors.thread_for_viewer(viewer, network, thread_id)
    post = selectors.post_in_thread(thread, post_id)
    return redirect(_post_url(post, thread))


@login_required
def post_file(request, slug, thread_id, post_id, file_id):
    """A file of a post, for those who may read the thread (404 alike for anyone else and for a file
    that is not there); a hidden post's files go to the moderators only, as its text does."""
    viewer, network = _network(request, slug)
    thread = selectors.thread_for_viewer(viewer, network, thread_id)
    post = selectors.post_in_thread(thread, post_id)
    if post.hidden and not rules.can_see_hidden_text(viewer, network):
        raise Http404("No such file")
    return uploads.private_file_response(selectors.file_of_post(post, file_id), "file")


@login_required
def post_edit(request, slug, thread_id, post_id):
    viewer, network = _network(request, slug)
    thread = selectors.thread_for_viewer(viewer, network, thread_id)
    post = selectors.post_in_thread(thread, post_id)
    post.thread = thread
    if not rules.can_edit_post(viewer, post):
        raise PermissionDenied
    form = PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        discussions.post_edit(actor=request.user, post=post, body=form.cleaned_data["body"])
        messages.success(request, _("Your post is saved."))
        return redirect(_post_url(post, thread))
    return render(
        request,
        "knowledge/thread_post_edit.html",
        {"network": network, "thread": thread, "post": post, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def post_accept(request, slug, thread_id, post_id):
    viewer, network = _network(request, slug)
    thread = selectors.thread_for_viewer(viewer, network, thread_id)
    post = selectors.post_in_thread(thread, post_id)
    if not rules.can_accept_answer(viewer, thread):
        raise PermissionDenied
    withdraw = request.POST.get("action") == "withdraw"
    try:
        discussions.answer_accept(actor=request.user, thread=thread, post=None if withdraw else post)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        messages.success(
            request, _("The mark is withdrawn.") if withdraw else _("This post is marked as the answer.")
        )
    return redirect(_post_url(post, thread))


@login_required
@require_POST
def thread_follow(request, slug, thread_id):
    viewer, network = _network(request, slug)
    thread = selectors.thread_for_viewer(viewer, network, thread_id)
    member = _author(viewer, network)
    follow = request.POST.get("action") != "unfollow"
    discussions.thread_follow(actor=request.user, member=member, thread=thread, follow=follow)
    messages.success(
        request,
        _("You follow this discussion: replies are notified to you.")
        if follow
        else _("You no longer follow this discussion."),
    )
    return redirect(_thread_url(thread))


@login_required
def post_report(request, slug, thread_id, post_id):
    viewer, network = _network(request, slug)
    thread = selectors.thread_for_viewer(viewer, network, thread_id)
    post = selectors.post_in_thread(thread, post_id)
    post.thread = thread
    if not rules.can_report(viewer, post):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            discussions.post_report(
                actor=request.user,
                reporter=_author(viewer, network),
                post=post,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("Thank you: the moderators will look at this post."))
            return redirect(_post_url(post, thread))
    return render(
        request,
        "knowledge/thread_report.html",
        {"network": network, "thread": thread, "post": post, "form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )


# --- Moderation -------------------------------------------------------------------------------------


def _moderator_network(request, slug):
    viewer, network = _network(request, slug)
    if not rules.can_moderate(viewer, network):
        raise PermissionDenied
    return viewer, network


@login_required
@require_POST
def post_hide(request, slug, thread_id, post_id):
    viewer, network = _moderator_network(request, slug)
    thread = selectors.thread_for_viewer(viewer, network, thread_id)
    post = selectors.post_in_thread(thread, post_id)
    hidden = request.POST.get("action") != "show"
    discussions.post_hide(actor=request.user, post=post, hidden=hidden)
    messages.success(request, _("The post is hidden.") if hidden else _("The post is shown again."))
    return redirect(_post_url(post, thread))


@login_required
@require_POST
def thread_moderate(request, slug, thread_id):
    viewer, network = _moderator_network(request, slug)
    thread = selectors.thread_for_viewer(viewer, network, thread_id)
    changes = {
        "hide": {"hidden": True},
        "show": {"hidden": False},
        "lock": {"locked": True},
        "unlock": {"locked": False},
    }.get(request.POST.get("action", ""))
    if changes is None:
        messages.error(request, _("Choose what to do with the discussion."))
        return redirect(_thread_url(thread))
    discussions.thread_moderate(actor=request.user, thread=thread, **changes)
    messages.success(request, _("The discussion is updated."))
    return redirect(_thread_url(thread))


@login_required
def moderation(request, slug):
    _viewer, network = _moderator_network(request, slug)
    page = paginate(request, selectors.open_reports(network))
    return render(request, "knowledge/moderation.html", {"network": network, "page": page})


@login_required
@require_POST
def report_resolve(request, slug, report_id):
    _viewer, network = _moderator_network(request, slug)
    report = selectors.report_in_network(network, report_id)
    if report.resolved_at is None:
        discussions.report_resolve(actor=request.user, report=report)
    messages.success(request, _("The report is resolved."))
    return redirect("knowledge:moderation", slug=network.slug)


# --- What's new -------------------------------------------------------------------------------------


@login_required
def whats_new_page(request, slug):
    viewer, network = network_selectors.network_page(request.user, slug)
    since = whats_new.since_last_visit(request, network)
    news = whats_new.whats_new(viewer, network, since=since)
    for case_study in news["case_studies"]:
        case_study.page_url = case_study_url(network, case_study)
    for resource in news["resources"]:
        resource.page_url = resource_url(network, resource)
    return render(request, "knowledge/whats_new.html", {"network": network, "since": since, **news})
