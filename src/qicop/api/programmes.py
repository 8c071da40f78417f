"""Read endpoints of national quality programmes (instruments, assessment rounds, the gap map, the register
of certified coaches), with the pages' permissions exactly: a round a page would not show is 404 here,
whatever the identifier — a draft is its country's (and its named assessors' and the coordinator's) and
nobody else's. Observers read what the gap map shows them: confirmed rounds that countries share, their
domains' levels but not their answers. The register gives public fields only, as its page does.

Texts come in the language asked (``?language=fr``), else the caller's profile language, else the request's.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

from django.conf import settings
from django.http import Http404
from django.utils import timezone, translation
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from qicop.api.network import ERRORS, NO_NUL, Pages, ShapedPage, Slug
from qicop.network import selectors as network_selectors
from qicop.programmes import permissions
from qicop.programmes.assessments import selectors as rounds
from qicop.programmes.certificates import selectors as coach_register
from qicop.programmes.coaches import permissions as coach_rules
from qicop.programmes.coaches.stages import EXPIRING_DAYS, stage_of
from qicop.programmes.gaps import selectors as gaps
from qicop.programmes.models import Answer, AssessmentRound, Instrument, Item, text_in
from qicop.programmes.scores import domain_results

router = Router(tags=["programmes"])

LANGUAGE = "^(|" + "|".join(code for code, _name in settings.LANGUAGES) + ")$"
LANGUAGE_HELP = "en, fr or pt; by default the caller's profile language."


def in_language(view):
    """Runs the endpoint, its paginator and its shaping of rows in the language asked (validated by the
    endpoint's ``language`` parameter), else the caller's."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        asked = request.GET.get("language") or getattr(request.user, "language", "") or None
        with translation.override(asked or translation.get_language()):
            return view(request, *args, **kwargs)

    return wrapper


# --- instruments ------------------------------------------------------------------------------------------


class LevelOut(Schema):
    level: int
    definition: str


class ItemOut(Schema):
    code: str
    lineage: str = Field(..., description="The code the item carries across versions.")
    text: str
    levels: list[LevelOut]


class DomainOut(Schema):
    code: str = Field(..., description="Stable across versions of the instrument.")
    name: str
    items: list[ItemOut]


class InstrumentOut(Schema):
    slug: str
    version: int
    current: bool = Field(..., description="The version new rounds use.")
    kind: str = Field(..., description='"national", "nqps" or "facility".')
    name: str
    description: str
    levels: list[int]
    evidence_from: int | None = Field(None, description="Evidence is needed from this level up.")
    domains: list[DomainOut]


def _instrument_out(instrument: Instrument) -> dict:
    return {
        "slug": instrument.slug,
        "version": instrument.version,
        "current": instrument.current,
        "kind": instrument.kind,
        "name": instrument.name,
        "description": instrument.description,
        "levels": instrument.levels,
        "evidence_from": instrument.evidence_from,
        "domains": [
            {
                "code": domain.code,
                "name": domain.name,
                "items": [
                    {
                        "code": item.code,
                        "lineage": item.lineage,
                        "text": item.text,
                        "levels": [
                            {"level": int(level), "definition": text_in(texts)}
                            for level, texts in sorted(item.level_texts.items(), key=lambda kv: int(kv[0]))
                        ],
                    }
                    for item in domain.items.all()
                ],
            }
            for domain in instrument.domains.all()
        ],
    }


def _instruments():
    return Instrument.objects.order_by("slug", "-version").prefetch_related("domains__items")


@router.get("/networks/{slug}/instruments", response={200: list[InstrumentOut], **ERRORS})
@in_language
@paginate(Pages)
def list_instruments(
    request, slug: Slug, language: str = Query("", pattern=LANGUAGE, description=LANGUAGE_HELP)
):
    """Every version of every instrument, with its domains, items and level definitions: for every member
    of the network."""
    network_selectors.network_page(request.user, slug)
    return ShapedPage(_instruments(), lambda rows: [_instrument_out(i) for i in rows])


@router.get(
    "/networks/{slug}/instruments/{instrument}/versions/{version}", response={200: InstrumentOut, **ERRORS}
)
@in_language
def get_instrument_version(
    request,
    slug: Slug,
    instrument: Slug,
    version: int,
    language: str = Query("", pattern=LANGUAGE, description=LANGUAGE_HELP),
):
    network_selectors.network_page(request.user, slug)
    found = _instruments().filter(slug=instrument, version=version).first() if 0 < version < 2**15 else None
    if found is None:
        raise Http404("No such instrument version")
    return _instrument_out(found)


# --- assessment rounds ------------------------------------------------------------------------------------


class DomainLevelOut(Schema):
    code: str
    name: str
    level: float | None = Field(None, description="The mean of the answered items' levels.")
    answered: int
    items: int


class RoundOut(Schema):
    id: int
    country: str = Field(..., description="ISO code.")
    country_name: str
    instrument: str = Field(..., description="The instrument's slug.")
    instrument_version: int
    instrument_name: str
    year: int
    status: str = Field(..., description='"draft", "submitted", "confirmed" or "locked".')
    shared: bool
    assessed_by: str = Field(..., description='"self" or "external".')
    domains: list[DomainLevelOut]
    overall: float | None = Field(None, description="The mean of the domains' levels, as the gap map shows.")


class AnswerOut(Schema):
    domain: str = Field(..., description="The domain's code.")
    item: str = Field(..., description="The item's code.")
    item_text: str
    level: int | None
    level_definition: str
    evidence: str
    comment: str


class RoundDetailOut(RoundOut):
    started_from: int | None = None
    comments: str | None = Field(None, description="For those who may read the round's page.")
    answers: list[AnswerOut] | None = Field(
        None,
        description="Every item, answered or not: for those who may read the round's page (not observers).",
    )


class RoundFilters(Schema):
    country: str = Field("", pattern=NO_NUL, description="ISO code.")
    instrument: str = Field("", pattern=NO_NUL, description="The instrument's slug (every version).")
    year: int | None = Field(None, ge=1900, le=2200)
    language: str = Field("", pattern=LANGUAGE, description=LANGUAGE_HELP)


def _round_out(round_: AssessmentRound, results) -> dict:
    domains = [
        {"code": d.code, "name": d.name, "level": d.level, "answered": d.answered, "items": d.items}
        for d in results
    ]
    return {
        "id": round_.pk,
        "country": round_.country.iso2,
        "country_name": round_.country.display_name,
        "instrument": round_.instrument.slug,
        "instrument_version": round_.instrument.version,
        "instrument_name": round_.instrument.name,
        "year": round_.year,
        "status": round_.status,
        "shared": round_.shared,
        "assessed_by": round_.assessed_by,
        "domains": domains,
        "overall": gaps.overall_level(d.level for d in results),
    }


def _rounds_out(rows: list[AssessmentRound]) -> list[dict]:
    results = domain_results(rows)
    return [_round_out(r, results[r.pk]) for r in rows]


@router.get("/networks/{slug}/assessment-rounds", response={200: list[RoundOut], **ERRORS})
@in_language
@paginate(Pages)
def list_assessment_rounds(request, slug: Slug, filters: Query[RoundFilters]):
    """The rounds the caller may see, newest first, each with its domains' levels: a country's own rounds
    at every step for its people, other countries' confirmed shared ones, all for the coordinator; for
    observers, the confirmed shared rounds."""
    viewer, network = network_selectors.network_page(request.user, slug)
    found = rounds.readable_rounds(viewer, network).select_related("country", "instrument")
    if filters.country:
        found = found.filter(country__iso2=filters.country.upper())
    if filters.instrument:
        found = found.filter(instrument__slug=filters.instrument)
    if filters.year is not None:
        found = found.filter(year=filters.year)
    found = found.order_by("-year", "country__iso2", "instrument__slug", "id")
    return ShapedPage(found, _rounds_out)


@router.get("/networks/{slug}/assessment-rounds/{round_id}", response={200: RoundDetailOut, **ERRORS})
@in_language
def get_assessment_round(
    request,
    slug: Slug,
    round_id: int,
    language: str = Query("", pattern=LANGUAGE, description=LANGUAGE_HELP),
):
    """A round with its domains' levels and, for those who may read its page, its answers."""
    viewer, network = network_selectors.network_page(request.user, slug)
    round_ = rounds.readable_round(viewer, network, round_id)
    out = {**_rounds_out([round_])[0], "started_from": None, "comments": None, "answers": None}
    if permissions.can_view_round(viewer, round_):
        out["started_from"] = round_.started_from_id
        out["comments"] = round_.comments
        out["answers"] = _answers(round_)
    return out


def _answers(round_: AssessmentRound) -> list[dict]:
    """Every item of the round's instrument, answered or not (two queries)."""
    answers = {a.item_id: a for a in Answer.objects.filter(round=round_)}
    items = (
        Item.objects.filter(domain__instrument_id=round_.instrument_id)
        .select_related("domain")
        .order_by("domain__order", "domain_id", "order", "id")
    )
    out = []
    for item in items:
        answer = answers.get(item.pk)
        level = answer.level if answer else None
        out.append(
            {
                "domain": item.domain.code,
                "item": item.code,
                "item_text": item.text,
                "level": level,
                "level_definition": item.level_text(level) if level is not None else "",
                "evidence": answer.evidence if answer else "",
                "comment": answer.comment if answer else "",
            }
        )
    return out


# --- the gap map ------------------------------------------------------------------------------------------


class ColumnOut(Schema):
    code: str
    name: str


class GapRowOut(Schema):
    country: str
    country_name: str
    round: int
    year: int
    shared: bool
    levels: dict[str, float | None] = Field(..., description="By domain code.")
    overall: float | None


class DistributionOut(Schema):
    code: str
    name: str
    counts: list[int] = Field(..., description="Countries at each level, 0 to 5.")
    unrated: int


class InstrumentRefOut(Schema):
    slug: str
    version: int
    name: str


class GapMapOut(Schema):
    instrument: InstrumentRefOut | None = Field(None, description="None while no instrument is loaded.")
    columns: list[ColumnOut] = Field(..., description="Domains, weakest first.")
    rows: list[GapRowOut] = Field(..., description="Each country's latest round on the map, lowest first.")
    missing: list[str] = Field(..., description="ISO codes of the network's countries without a round.")
    distribution: list[DistributionOut]


class GapMapFilters(Schema):
    instrument: str = Field(
        "", pattern=NO_NUL, description="The instrument's slug; the national one by default."
    )
    language: str = Field("", pattern=LANGUAGE, description=LANGUAGE_HELP)


@router.get("/networks/{slug}/gap-map", response={200: GapMapOut, **ERRORS})
@in_language
def get_gap_map(request, slug: Slug, filters: Query[GapMapFilters]):
    """The gap map as its page computes it: each country's latest confirmed round the caller may see on
    it (shared ones; a country's own too for its people; all for the coordinator)."""
    viewer, network = network_selectors.network_page(request.user, slug)
    instrument = gaps.chosen_instrument(gaps.gap_map_instruments(), filters.instrument)
    if instrument is None:
        return {"instrument": None, "columns": [], "rows": [], "missing": [], "distribution": []}
    found = gaps.gap_map(viewer, network, instrument)
    return {
        "instrument": {"slug": instrument.slug, "version": instrument.version, "name": instrument.name},
        "columns": [{"code": code, "name": name} for code, name in found.columns],
        "rows": [
            {
                "country": row.country.iso2,
                "country_name": row.country.display_name,
                "round": row.round.pk,
                "year": row.round.year,
                "shared": row.round.shared,
                "levels": row.levels,
                "overall": row.overall,
            }
            for row in found.rows
        ],
        "missing": [country.iso2 for country in found.missing],
        "distribution": [
            {"code": code, "name": d.name, "counts": d.counts, "unrated": d.unrated}
            for (code, _name), d in zip(found.columns, found.distribution, strict=True)
        ],
    }


# --- the register of certified coaches --------------------------------------------------------------------


class CoachOut(Schema):
    name: str
    country: str = Field(..., description="ISO code.")
    country_name: str
    stage: str = Field(..., description='"certified", "expiring" (within 90 days of its end) or "lapsed".')
    stage_name: str
    certified_on: date | None
    valid_until: date


class CoachFilters(Schema):
    country: str = Field("", pattern=NO_NUL, description="ISO code.")
    stage: str = Field(
        "",
        pattern="^(|certified|expiring|lapsed|all)$",
        description='"certified", "expiring", "lapsed" or "all"; by default the coaches in force '
        "(certified and expiring), as the register's page lists them.",
    )
    language: str = Field("", pattern=LANGUAGE, description=LANGUAGE_HELP)


def _coaches_out(rows: list, today: date) -> list[dict]:
    out = []
    for certification in rows:
        stage = stage_of(certification.status, certification.valid_until, 0, today)
        out.append(
            {
                "name": certification.member.full_name,
                "country": certification.country.iso2,
                "country_name": certification.country.display_name,
                "stage": stage.value,
                "stage_name": str(stage.label),
                "certified_on": certification.decided_on,
                "valid_until": certification.valid_until,
            }
        )
    return out


@router.get("/networks/{slug}/coaches", response={200: list[CoachOut], **ERRORS})
@in_language
@paginate(Pages)
def list_coaches(request, slug: Slug, filters: Query[CoachFilters]):
    """The register of certified QI coaches, public fields only (names, countries, dates, stage), each
    coach at their latest certification: for every member of the network, observers too."""
    viewer, network = network_selectors.network_page(request.user, slug)
    if not coach_rules.can_see_register(viewer, network):
        raise Http404("No such network")
    today = timezone.localdate()
    found = coach_register.latest_certifications(network).select_related("member", "country")
    soon = today + timedelta(days=EXPIRING_DAYS)
    if filters.stage == "":
        found = found.filter(valid_until__gte=today)
    elif filters.stage == "certified":
        found = found.filter(valid_until__gt=soon)
    elif filters.stage == "expiring":
        found = found.filter(valid_until__gte=today, valid_until__lte=soon)
    elif filters.stage == "lapsed":
        found = found.filter(valid_until__lt=today)
    if filters.country:
        found = found.filter(country__iso2=filters.country.upper())
    found = found.order_by("country__iso2", "member__full_name", "pk")
    return ShapedPage(found, lambda rows: _coaches_out(rows, today))
