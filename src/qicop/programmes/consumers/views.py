"""Pages of consumer involvement: the network's overview of the measures, a country's register (names only
for the country's own participants, as each representative chose), and the forms that keep the register."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qicop.core.forms import add_service_errors
from qicop.core.i18n import by_display_name
from qicop.integrations import spreadsheet
from qicop.network import selectors as network_selectors
from qicop.programmes.consumers import exports, forms, selectors, services
from qicop.programmes.consumers import permissions as rules
from qicop.programmes.models import ConsumerRepresentative, ConsumerRole

NOT_NAMED = ConsumerRepresentative.Appearance.HIDDEN


def _page(request, slug, iso2=None):
    viewer, network = network_selectors.network_page(request.user, slug)
    if not rules.can_see_register(viewer, network):
        raise PermissionDenied
    country = network_selectors.country_in_network(network, iso2) if iso2 else None
    return viewer, network, country


def _keeper(request, slug, iso2):
    viewer, network, country = _page(request, slug, iso2)
    if not rules.can_keep_register(viewer, network, country.pk):
        raise PermissionDenied
    return viewer, network, country


@login_required
def consumer_overview(request, slug):
    viewer, network, _country = _page(request, slug)
    countries = by_display_name(network_selectors.countries_of_network(network))
    figures = selectors.measures(viewer, network, countries)
    return render(
        request,
        "programmes/consumers/overview.html",
        {"network": network, "rows": [figures[c.pk] for c in countries]},
    )


def shown_as(representative: ConsumerRepresentative, *, keeper: bool) -> str:
    """How a representative appears on the register to a country's participant (the keepers see the full
    name, with the choice written next to it)."""
    if keeper:
        return representative.full_name
    if representative.appearance == ConsumerRepresentative.Appearance.NAME:
        return representative.full_name
    if representative.appearance == ConsumerRepresentative.Appearance.INITIALS:
        return representative.initials
    return _("A representative (not named)")


@login_required
def consumer_register(request, slug, iso2):
    viewer, network, country = _page(request, slug, iso2)
    keeper = rules.can_keep_register(viewer, network, country.pk)
    listed = rules.can_see_representatives(viewer, network, country.pk)
    representatives = selectors.register(network, country)
    rows = []
    if listed:
        for representative in representatives:
            named = keeper or representative.appearance != NOT_NAMED
            rows.append(
                {
                    "representative": representative,
                    "shown_as": shown_as(representative, keeper=keeper),
                    # the roles of someone not named could name them: kinds only
                    "named": named,
                    "roles": list(representative.roles.all()),
                }
            )
    kinds: dict[str, int] = {}
    for representative in representatives:
        for role in representative.roles.all():
            label = role.get_kind_display()
            kinds[label] = kinds.get(label, 0) + 1
    return render(
        request,
        "programmes/consumers/register.html",
        {
            "network": network,
            "country": country,
            "rows": rows,
            "listed": listed,
            "keeper": keeper,
            "count": len(representatives),
            "not_named": sum(r.appearance == NOT_NAMED for r in representatives),
            "kinds": sorted(kinds.items()),
            "figures": selectors.country_measures(viewer, network, country),
        },
    )


def _form_page(request, network, country, form, template_context, status_ok=200):
    return render(
        request,
        "programmes/consumers/form.html",
        {"network": network, "country": country, "form": form, **template_context},
        status=400 if form.errors else status_ok,
    )


def _representative_values(form) -> dict:
    return {key: form.cleaned_data.get(key) for key in services.REPRESENTATIVE_FIELDS}


@login_required
def consumer_add(request, slug, iso2):
    _viewer, network, country = _keeper(request, slug, iso2)
    form = forms.RepresentativeForm(request.POST or None, network=network, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_representative(
                actor=request.user, network=network, country=country, **_representative_values(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Representative added to the register: now record their roles."))
            return redirect("programmes:consumer_register", network.slug, country.iso2)
    return _form_page(
        request, network, country, form, {"title": _("Add a consumer representative"), "button": _("Add")}
    )


@login_required
def consumer_edit(request, slug, iso2, representative_id):
    _viewer, network, country = _keeper(request, slug, iso2)
    representative = selectors.representative_in(network, country, representative_id)
    initial = {key: getattr(representative, key) for key in services.REPRESENTATIVE_FIELDS}
    form = forms.RepresentativeForm(request.POST or None, initial=initial, network=network, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_representative(
                actor=request.user, representative=representative, **_representative_values(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Representative saved."))
            return redirect("programmes:consumer_register", network.slug, country.iso2)
    return _form_page(
        request,
        network,
        country,
        form,
        {
            "title": _("Change a consumer representative"),
            "button": _("Save"),
            "representative": representative,
        },
    )


def _role_values(form) -> dict:
    return {key: form.cleaned_data.get(key) for key in services.ROLE_FIELDS}


@login_required
def consumer_role_add(request, slug, iso2, representative_id):
    _viewer, network, country = _keeper(request, slug, iso2)
    representative = selectors.representative_in(network, country, representative_id)
    form = forms.RoleForm(request.POST or None, network=network, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_role(actor=request.user, representative=representative, **_role_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Role added."))
            return redirect("programmes:consumer_register", network.slug, country.iso2)
    return _form_page(
        request,
        network,
        country,
        form,
        {"title": _("Add a role"), "button": _("Add the role"), "representative": representative},
    )


@login_required
def consumer_role_edit(request, slug, iso2, role_id):
    _viewer, network, country = _keeper(request, slug, iso2)
    role: ConsumerRole = selectors.role_in(network, country, role_id)
    initial = {key: getattr(role, key) for key in services.ROLE_FIELDS}
    form = forms.RoleForm(request.POST or None, initial=initial, network=network, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(actor=request.user, role=role, **_role_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Role saved."))
            return redirect("programmes:consumer_register", network.slug, country.iso2)
    return _form_page(
        request,
        network,
        country,
        form,
        {"title": _("Change a role"), "button": _("Save"), "representative": role.representative},
    )


@login_required
def consumer_register_csv(request, slug, iso2):
    """The register as CSV, as the viewer sees it on the page: those who see only the counts get none."""
    viewer, network, country = _page(request, slug, iso2)
    if not rules.can_see_representatives(viewer, network, country.pk):
        raise PermissionDenied
    keeper = rules.can_keep_register(viewer, network, country.pk)
    rows = exports.register_rows(selectors.register(network, country), keeper=keeper, shown_as=shown_as)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{country.iso2.lower()}-consumer-register.csv"'
    spreadsheet.write_people_csv(rows, response, columns=exports.columns(keeper=keeper))
    return response


@login_required
def consumer_remove(request, slug, iso2, representative_id):
    """A page that asks first; the POST removes the representative and their roles."""
    _viewer, network, country = _keeper(request, slug, iso2)
    representative = selectors.representative_in(network, country, representative_id)
    if request.method == "POST":
        services.remove_representative(actor=request.user, representative=representative)
        messages.success(request, _("Representative removed from the register, with their roles."))
        return redirect("programmes:consumer_register", network.slug, country.iso2)
    return render(
        request,
        "programmes/consumers/remove.html",
        {
            "network": network,
            "country": country,
            "representative": representative,
            "roles": list(
                representative.roles.select_related("team__org_unit", "meeting", "round__instrument")
            ),
        },
    )


@login_required
def consumer_role_remove(request, slug, iso2, role_id):
    """A page that asks first; the POST ends the role today (it stays in the register) or removes it."""
    _viewer, network, country = _keeper(request, slug, iso2)
    role: ConsumerRole = selectors.role_in(network, country, role_id)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "end":
                services.end_role(actor=request.user, role=role)
                messages.success(request, _("Role ended today: it stays in the register."))
            elif action == "remove":
                services.remove_role(actor=request.user, role=role)
                messages.success(request, _("Role removed from the register."))
            else:
                raise ValidationError(_("Choose whether to end the role today or to remove it."))
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return redirect("programmes:consumer_register", network.slug, country.iso2)
    return render(
        request,
        "programmes/consumers/role_remove.html",
        {
            "network": network,
            "country": country,
            "role": role,
            "representative": role.representative,
            "error": error,
            "ended": role.until is not None
            and role.until <= services.country_today(role.representative.country),
        },
        status=400 if error else 200,
    )
