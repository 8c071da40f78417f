"""Pages of certified QI coaches: the network's register and a country's (public fields only, for every
member of the network, observers too), their CSV and XLSX, a coach's certificate PDF (the coach, the
country's keepers and certifying body), and the public page that verifies a certificate's code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from qicop.core.i18n import by_display_name
from qicop.core.pagination import paginate
from qicop.integrations import spreadsheet
from qicop.network import selectors as network_selectors
from qicop.network.models import Network
from qicop.programmes.certificates import documents, exports, selectors
from qicop.programmes.coaches import permissions as rules
from qicop.programmes.coaches.portfolio import is_mentor
from qicop.programmes.downloads import xlsx_response


def _register(request, slug):
    viewer, network = network_selectors.network_page(request.user, slug)
    if not rules.can_see_register(viewer, network):
        raise PermissionDenied
    return viewer, network


def _entries(viewer, page, today) -> list[dict]:
    """The listed certifications with their stage in words and whether the viewer may download the
    certificate (the coach, the country's keepers and certifying body)."""
    return [
        {
            "c": c,
            "stage": selectors.stage_in_words(c, today),
            "certificate": rules.can_download_certificate(viewer, c),
        }
        for c in page
    ]


@login_required
def coach_register(request, slug):
    viewer, network = _register(request, slug)
    today = timezone.localdate()
    countries = by_display_name(network.countries.all())
    figures = selectors.counts(network, today, countries)
    page = paginate(request, selectors.in_force(network, today), per_page=selectors.PAGE_SIZE)
    return render(
        request,
        "programmes/certificates/register.html",
        {
            "network": network,
            "rows": [figures[c.pk] for c in countries],
            "page": page,
            "entries": _entries(viewer, page, today),
            "today": today,
        },
    )


def _candidates_url(viewer, network, country, today) -> str:
    """The link to the country's candidates, for those who may open that page (coaches.permissions)."""
    may = (
        rules.can_keep_certification(viewer, network, country.pk)
        or rules.is_certifier_for(viewer, network, country.pk)
        or is_mentor(viewer, network, today)
    )
    if not may:
        return ""
    return reverse("programmes:coach_candidates", args=[network.slug, country.iso2])


@login_required
def coach_register_country(request, slug, iso2):
    viewer, network = _register(request, slug)
    country = network_selectors.country_in_network(network, iso2)
    today = timezone.localdate()
    page = paginate(
        request, selectors.in_force(network, today, country=country), per_page=selectors.PAGE_SIZE
    )
    figures = selectors.counts(network, today, [country])[country.pk]
    expiries = list(selectors.coming_expiries(network, today, country=country)[: selectors.SHOWN])
    lapsed = list(selectors.lapsed(network, today, country=country)[: selectors.SHOWN])
    return render(
        request,
        "programmes/certificates/country.html",
        {
            "network": network,
            "country": country,
            "figures": figures,
            "page": page,
            "entries": _entries(viewer, page, today),
            "expiries": expiries,
            "expiries_more": figures.expiring - len(expiries),
            "lapsed": lapsed,
            "lapsed_more": figures.lapsed - len(lapsed),
            "candidates_url": _candidates_url(viewer, network, country, today),
        },
    )


@login_required
def coach_register_csv(request, slug):
    _viewer, network = _register(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{network.slug}-certified-coaches.csv"'
    rows = exports.register_rows(network, timezone.localdate())
    spreadsheet.write_people_csv(rows, response, columns=exports.COLUMNS)
    return response


@login_required
def coach_register_xlsx(request, slug):
    _viewer, network = _register(request, slug)
    sheets = exports.register_sheets(network, timezone.localdate())
    return xlsx_response(sheets, f"{network.slug}-certified-coaches.xlsx")


@login_required
def coach_certificate(request, slug, certification_id):
    """The certificate PDF: for the coach, the country's focal point, the coordinator and the country's
    certifying body; anyone else is not told that it exists."""
    viewer, network = network_selectors.network_page(request.user, slug)
    certification = selectors.certification_in(network, certification_id)
    if not rules.can_download_certificate(viewer, certification):
        raise Http404
    response = HttpResponse(documents.certificate_pdf(certification), content_type="application/pdf")
    name = f"qi-coach-certificate-{certification.country.iso2.lower()}-{certification.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def coach_verify(request, slug):
    """Public: whether a certificate's code is genuine, naming only the coach, the country, the dates and
    whether the certificate is in force today."""
    network = get_object_or_404(Network, slug=slug)
    code = request.GET.get("code", "").strip()[:200]
    certification = documents.certification_for_code(code, network) if code else None
    state = documents.state_of(certification, timezone.localdate()) if certification else ""
    return render(
        request,
        "programmes/certificates/verify.html",
        {
            # not "network": the base template would draw the network's menu for visitors
            "issuer": network,
            "code": code,
            "certification": certification,
            "state": state,
            "state_words": documents.STATE_WORDS.get(state, ""),
        },
    )
