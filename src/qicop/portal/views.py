"""Pages drawn from several apps: each reads through the apps' own selectors and writes through their
services, so that what a page shows is decided once, in the app that owns it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.accounts.forms import PreferencesForm
from qicop.accounts.services import update_preferences
from qicop.core.i18n import by_display_name, language_codes
from qicop.core.pagination import paginate
from qicop.dashboards.dashboard import country_panel
from qicop.dashboards.indicator_series import last_periods
from qicop.improvement.selectors import visible_collaboratives
from qicop.meetings.permissions import can_see_meetings
from qicop.meetings.selectors import upcoming as upcoming_meetings
from qicop.network import permissions, selectors
from qicop.network.forms import ProfileForm
from qicop.network.models import Member, Role
from qicop.network.services import record_visit, update_member_profile
from qicop.portal.changes import changes_since
from qicop.portal.owed import waiting_for
from qicop.programmes import permissions as programme_permissions
from qicop.programmes.certificates.selectors import country_coaches
from qicop.programmes.coaches import permissions as coach_permissions
from qicop.programmes.consumers import permissions as consumer_permissions
from qicop.programmes.consumers.selectors import level_from, measures
from qicop.programmes.gaps import permissions as results_permissions
from qicop.programmes.gaps.selectors import latest_results


def home(request):
    """Signed-in people go straight to their network when they have one; others see what qicop is."""
    viewer = permissions.viewer_for(request.user)
    networks = list(selectors.networks_for_viewer(viewer)) if viewer.is_authenticated else []
    if len(networks) == 1 and "stay" not in request.GET:
        return redirect("portal:network_home", slug=networks[0].slug)
    waiting = waiting_for(request.user, viewer, networks) if viewer.is_authenticated else []
    return render(
        request,
        "portal/home.html",
        {"networks": networks, "waiting": waiting, "name_networks": len(networks) > 1},
    )


@require_POST
def set_language(request):
    """Switch the interface language; remembered on the profile of a signed-in user, in a cookie otherwise."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in language_codes():
        messages.error(request, _("Unknown language."))
        return response
    if request.user.is_authenticated:
        update_preferences(user=request.user, language=language, time_zone=request.user.time_zone)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_required
def profile(request):
    """Your account's language and time zone (accounts) and, for a member, what the network reads about
    you (network): two forms, each saved by its own service."""
    user = request.user
    member = Member.objects.filter(user=user).select_related("country", "organisation").first()
    prefs_form = PreferencesForm(initial={"language": user.language, "time_zone": user.time_zone})
    profile_form = ProfileForm(instance=member) if member else None
    if request.method == "POST" and request.POST.get("form") == "preferences":
        prefs_form = PreferencesForm(request.POST)
        if prefs_form.is_valid():
            update_preferences(user=user, **prefs_form.cleaned_data)
            messages.success(request, _("Preferences saved."))
            response = redirect("portal:profile")
            response.delete_cookie("qicop_language")
            return response
    elif request.method == "POST" and request.POST.get("form") == "profile" and member:
        profile_form = ProfileForm(request.POST, request.FILES, instance=member)
        if profile_form.is_valid():
            try:
                update_member_profile(actor=user, member=member, **profile_form.cleaned_data)
            except ValidationError as error:
                profile_form.add_error(None, error)
            else:
                messages.success(request, _("Profile saved."))
                return redirect("portal:profile")
    status = 400 if prefs_form.errors or (profile_form is not None and profile_form.errors) else 200
    return render(
        request,
        "portal/profile.html",
        {
            "member": member,
            "prefs_form": prefs_form,
            "profile_form": profile_form,
        },
        status=status,
    )


@login_required
def network_home(request, slug):
    """The network at a glance, what is waiting for the reader (portal.owed) and what changed since their
    last visit (portal.changes), which this visit moves on (at most once every few minutes)."""
    viewer, network = selectors.network_page(request.user, slug)
    since = record_visit(member_id=viewer.member_id, network=network)
    countries = by_display_name(selectors.countries_of_network(network))
    upcoming = upcoming_meetings(network) if can_see_meetings(viewer, network) else []
    return render(
        request,
        "portal/network_home.html",
        {
            "network": network,
            "countries": countries,
            "overview": selectors.network_overview(network),
            "can_invite": permissions.can_manage_invitations(viewer, network),
            "upcoming": upcoming,
            "waiting": waiting_for(request.user, viewer, [network]),
            "changes": changes_since(
                request.user, viewer, network, since=since, countries=countries, upcoming=upcoming[:5]
            ),
        },
    )


@login_required
def country_detail(request, slug, iso2):
    viewer, network = selectors.network_page(request.user, slug)
    country = selectors.country_in_network(network, iso2)
    members = selectors.members_of_network(network, country=country.iso2)
    page = paginate(request, members, per_page=50)
    data = country_panel(request.user, network, country, last_periods("Monthly", 36, timezone.localdate()))
    programme_results = _programme_results(viewer, network, country)
    return render(
        request,
        "portal/country_detail.html",
        {
            "network": network,
            "country": country,
            "organisations": selectors.organisations_of_network(network, country=country),
            "page": page,
            "focal_points": [m for m in page if any(r.role == Role.FOCAL_POINT for r in m.network_roles)],
            "can_see_emails": viewer.is_coordinator(network)
            or viewer.is_focal_point_for(network, country.pk),
            "data": data,
            "collaboratives": _country_collaboratives(viewer, network, country),
            "programme_results": programme_results,
            "can_run_rounds": programme_permissions.can_run_rounds(viewer, network, country.pk),
            "consumers": _consumers(viewer, network, country, programme_results),
            "coaches": _coaches(viewer, network, country),
        },
    )


def _coaches(viewer, network, country):
    """The QI coaches line: the country's coaches by stage and its next expiry, for everyone who reads the
    register (two queries)."""
    if not coach_permissions.can_see_register(viewer, network):
        return None
    return country_coaches(network, timezone.localdate(), country)


def _consumers(viewer, network, country, programme_results):
    """The consumer-involvement line: counts for everyone in the network; the level from the results the
    page already read (observers, who see no results here, find it on the consumer-involvement overview)."""
    if not consumer_permissions.can_see_register(viewer, network):
        return None
    figures = measures(viewer, network, [country], levels=False)[country.pk]
    return level_from(figures, programme_results)


def _programme_results(viewer, network, country) -> list:
    """The latest confirmed round of each instrument the viewer may see (none for observers: they see
    the network's gap map only)."""
    if not results_permissions.can_see_country_results(viewer, network):
        return []
    return latest_results(viewer, network, country)


#: The most collaboratives a country page lists; the list page, filtered by the country, has them all.
COUNTRY_COLLABORATIVES = 10


def _country_collaboratives(viewer, network, country) -> list:
    """The collaboratives the country runs (or takes part in) that the viewer may see, newest first."""
    collaboratives = visible_collaboratives(viewer, network).filter(
        Q(country=country) | Q(other_countries=country)
    )
    return list(collaboratives.distinct().order_by("-start", "name")[:COUNTRY_COLLABORATIVES])
