from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.pagination import paginate
from qicop.meetings.permissions import can_see_meetings
from qicop.meetings.selectors import upcoming as upcoming_meetings
from qicop.network import permissions, selectors, services
from qicop.network.forms import AcceptInvitationForm, DirectoryFilterForm, InvitationForm, MemberRolesForm
from qicop.network.models import Role


def _network(request, slug):
    viewer = permissions.viewer_for(request.user)
    return viewer, selectors.network_for_viewer(viewer, slug)


@login_required
def network_home(request, slug):
    viewer, network = _network(request, slug)
    return render(
        request,
        "network/network_home.html",
        {
            "network": network,
            "countries": list(selectors.countries_of_network(network)),
            "overview": selectors.network_overview(network),
            "can_invite": permissions.can_manage_invitations(viewer, network),
            "upcoming": upcoming_meetings(network) if can_see_meetings(viewer, network) else [],
        },
    )


@login_required
def country_detail(request, slug, iso2):
    viewer, network = _network(request, slug)
    country = selectors.country_in_network(network, iso2)
    members = selectors.members_of_network(network, country=country.iso2)
    page = paginate(request, members, per_page=50)
    from django.utils import timezone

    from qicop.dashboards.dashboard import country_panel
    from qicop.dashboards.indicator_series import last_periods

    data = country_panel(request.user, network, country, last_periods("Monthly", 36, timezone.localdate()))
    return render(
        request,
        "network/country_detail.html",
        {
            "network": network,
            "country": country,
            "organisations": selectors.organisations_of_network(network, country=country),
            "page": page,
            "focal_points": [m for m in page if any(r.role == Role.FOCAL_POINT for r in m.network_roles)],
            "can_see_emails": viewer.is_coordinator(network)
            or viewer.is_focal_point_for(network, country.pk),
            "data": data,
        },
    )


@login_required
def member_directory(request, slug):
    viewer, network = _network(request, slug)
    countries = list(selectors.countries_of_network(network))
    organisations = list(selectors.organisations_of_network(network))
    form = DirectoryFilterForm(request.GET or None, countries=countries, organisations=organisations)
    filters = form.cleaned_data if form.is_valid() else {}
    members = selectors.members_of_network(
        network,
        query=filters.get("q") or "",
        country=filters.get("country") or "",
        organisation=filters.get("organisation"),
        role=filters.get("role") or "",
    )
    page = paginate(request, members)
    rows = [(m, permissions.can_see_email(viewer, network, m)) for m in page]
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "network/member_directory.html",
        {
            "network": network,
            "form": form,
            "page": page,
            "rows": rows,
            "query_string": query_string.urlencode(),
        },
    )


@login_required
def member_detail(request, slug, member_id):
    viewer, network = _network(request, slug)
    member = selectors.member_in_network(network, member_id)
    roles_form = None
    if permissions.can_manage_member(viewer, network, member):
        assignable = permissions.invitable_roles(viewer, network)
        roles_form = MemberRolesForm(
            roles=assignable, initial={"roles": [m.role for m in member.network_roles]}
        )
    return render(
        request,
        "network/member_detail.html",
        {
            "network": network,
            "member": member,
            "show_email": permissions.can_see_email(viewer, network, member),
            "roles_form": roles_form,
            "other_networks": selectors.networks_for_viewer(viewer)
            .filter(memberships__member=member)
            .exclude(pk=network.pk)
            .distinct(),
        },
    )


@login_required
@require_POST
def member_roles(request, slug, member_id):
    viewer, network = _network(request, slug)
    member = selectors.member_in_network(network, member_id)
    if not permissions.can_manage_member(viewer, network, member):
        raise PermissionDenied
    form = MemberRolesForm(request.POST, roles=permissions.invitable_roles(viewer, network))
    if form.is_valid():
        # Roles the viewer may not assign (a focal point and the coordinator role) are kept as they are.
        assignable = {value for value, _label in form.fields["roles"].choices}
        kept = [m.role for m in member.network_roles if m.role not in assignable]
        roles = list(form.cleaned_data["roles"]) + kept
        try:
            services.set_member_roles(actor=request.user, network=network, member=member, roles=roles)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Roles saved."))
            return redirect("network:member_detail", slug=network.slug, member_id=member.pk)
    else:
        messages.error(request, _("Choose at least one role."))
    return redirect("network:member_detail", slug=network.slug, member_id=member.pk)


@login_required
def invitations(request, slug):
    viewer, network = _network(request, slug)
    roles = permissions.invitable_roles(viewer, network)
    if not roles:
        raise PermissionDenied
    if viewer.is_coordinator(network):
        countries = list(selectors.countries_of_network(network))
    else:
        countries = [c for c in selectors.countries_of_network(network) if c.pk == viewer.country_id]
    organisations = [o for o in selectors.organisations_of_network(network) if o.country in countries]
    form = InvitationForm(
        request.POST or None,
        roles=roles,
        countries=countries,
        organisations=organisations,
        initial={"language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(actor=request.user, network=network, **form.cleaned_data)
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("network:invitations", slug=network.slug)
    page = paginate(request, selectors.invitations_for_viewer(viewer, network))
    return render(
        request,
        "network/invitations.html",
        {"network": network, "form": form, "page": page},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def invitation_revoke(request, slug, invitation_id):
    viewer, network = _network(request, slug)
    invitation = selectors.invitations_for_viewer(viewer, network).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    try:
        services.revoke_invitation(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("network:invitations", slug=network.slug)


def accept_invitation(request, token):
    try:
        invitation = services.invitation_from_token(token)
        services.check_invitation_usable(invitation)
    except ValidationError as error:
        return render(
            request,
            "network/invitation_invalid.html",
            {"message": " ".join(error.messages)},
            status=410 if getattr(error, "code", "") in {"used", "revoked", "expired"} else 404,
        )
    existing_account = get_user_model().objects.filter(email=invitation.email).exists()
    if existing_account and not request.user.is_authenticated:
        return render(request, "network/invitation_sign_in.html", {"invitation": invitation})
    form = None
    if not request.user.is_authenticated:
        form = AcceptInvitationForm(
            request.POST or None,
            email=invitation.email,
            initial={
                "full_name": invitation.full_name,
                "language": invitation.language,
                "time_zone": invitation.country.time_zone,
            },
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if form is None:
                member = services.accept_invitation(invitation=invitation, user=request.user)
            else:
                data = form.cleaned_data
                member = services.accept_invitation(
                    invitation=invitation,
                    full_name=data["full_name"],
                    password=data["password1"],
                    language=data["language"],
                    time_zone=data["time_zone"],
                )
                login(request, member.user, backend="qicop.accounts.backends.EmailBackend")
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
            else:
                _attach_errors(form, error)
        else:
            messages.success(request, _("Welcome to %(network)s.") % {"network": invitation.network.name})
            return redirect("network:network_home", slug=invitation.network.slug)
    return render(
        request,
        "network/invitation_accept.html",
        {"invitation": invitation, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def _attach_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
