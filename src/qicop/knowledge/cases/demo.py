"""Demo case studies and resources for the virtual network.

Twelve published case studies from twelve countries (English, French for Haiti, Portuguese for
Mozambique), most of them successes, some honest accounts of what went wrong, and one draft. Each
published one carries a live chart of the demo data where the country's improvement shift is (see
qicop.indicators.demo: every country introduced a change in its second year); the month of the shift is
read from the data itself, saved on the chart as a new phase with a note, so the chart tells the story.

Call ``load_demo()`` after ``qicop.demo.load_demo()``; it is idempotent, and called again once the
indicator data is there it adds the charts the first call could not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.utils import timezone

from qicop.dashboards import services as dashboards
from qicop.dashboards.indicator_series import indicator_series, last_periods
from qicop.dashboards.models import ChartSettings
from qicop.indicators.models import NetworkIndicator, OrgUnit
from qicop.knowledge.cases import services as cases
from qicop.knowledge.models import CaseStudy, Notification, Resource
from qicop.meetings.agenda.services import create_topic
from qicop.network.models import Country, Member, Network, Role, Topic

# key → (slug, name, description); the slugs of the meetings' demo topics are reused, so a topic page
# gathers the sessions and the case studies on it.
TOPICS = {
    "dsd": (
        "differentiated-service-delivery",
        "Differentiated service delivery",
        "Multi-month dispensing, community refill groups, fast track.",
    ),
    "vl": (
        "viral-load",
        "Viral load suppression",
        "Testing coverage, sample transport, results back to clinicians, suppression.",
    ),
    "retention": (
        "retention-in-care",
        "Retention in care",
        "Keeping people on treatment: tracing, reminders, return to care.",
    ),
    "consumer": (
        "consumer-involvement",
        "Consumer involvement",
        "People living with HIV on QI teams and clinic committees.",
    ),
    "rapid-art": ("same-day-art", "Same-day ART", "Starting treatment on the day of diagnosis."),
    "data": (
        "data-quality-and-use",
        "Data quality and use",
        "Registers, EMRs, DHIS2 and data in QI meetings.",
    ),
}


@dataclass(frozen=True)
class CaseSeed:
    country: str  # ISO2
    title: str
    outcome: str
    indicator: str  # network indicator code of the live chart
    topics: tuple[str, ...]
    summary: str
    context: str
    aim: str
    changes: str
    results: str
    challenges: str
    lessons: str
    language: str = "en"
    model: str = CaseStudy.ImprovementModel.MODEL_FOR_IMPROVEMENT
    unit: str = ""  # org unit code; the country's national total when empty
    change: str = ""  # the note put on the chart where the shift begins
    published: int = 0  # days ago; when 0, its place in the last year and a half, oldest first
    status: str = CaseStudy.Status.PUBLISHED
    extra: dict = field(default_factory=dict)


CASES = [
    CaseSeed(
        "KE",
        "Community refill groups raise viral load suppression in Kenya",
        CaseStudy.Outcome.SUCCESS,
        "third-95",
        ("dsd", "vl"),
        "Stable clients collected six months of ART in community groups; clinic time went to those "
        "with high viral loads, and suppression rose from 85 % to 92 %.",
        "Clinics saw every client each month. Waiting times reached four hours, and clinicians had "
        "no time left for the one in seven clients whose viral load was not suppressed.",
        "Raise viral load suppression among people on ART from 85 % to 92 % within twelve months.",
        "- PDSA 1: six-month refills for stable clients at two pilot facilities\n"
        "- PDSA 2: community refill groups, one member collecting for six\n"
        "- PDSA 3: enhanced adherence counselling slots for every unsuppressed result, within two weeks",
        "Suppression stepped up in the month the refill groups started and has held since: the chart "
        "shows a new phase with its own centre line.",
        "Pharmacy stock had to be planned six months ahead; two facilities ran short in the first "
        "quarter. Some clients did not want neighbours to know their status and chose fast-track "
        "pick-up instead of a group.",
        "Start with the pharmacy: a refill group without stock is a broken promise. Let clients choose "
        "their model of care.",
        change="Community refill groups started",
        # The refill groups are the change of Kenya's collaborative, adopted about ten months ago
        # (indicators/demo.py CHANGE_MONTHS): told once it had held for half a year.
        published=120,
    ),
    CaseSeed(
        "HT",
        "Des comités de patients dans les cliniques améliorent la rétention",
        CaseStudy.Outcome.SUCCESS,
        "retention-12m",
        ("consumer", "retention"),
        "Des personnes vivant avec le VIH siègent aux comités qualité des cliniques ; la rétention à "
        "12 mois est passée de 76 % à 86 %.",
        "Un quart des patients mis sous traitement n'étaient plus suivis un an plus tard. Les équipes "
        "ne savaient pas pourquoi : personne ne le leur demandait.",
        "Porter la rétention sous ARV à 12 mois de 76 % à 85 % dans les sites pilotes.",
        "- Deux patients experts dans chaque comité qualité\n"
        "- Appels des patients manqués par un pair, dans la semaine\n"
        "- Horaires du samedi demandés par les patients eux-mêmes",
        "La rétention a changé de niveau au trimestre où les comités ont commencé ; le graphique montre "
        "la nouvelle phase.",
        "Les déplacements pendant les troubles ont interrompu les visites dans deux sites ; il a fallu "
        "défrayer les patients experts pour leur transport.",
        "Les patients savent pourquoi ils partent : demandez-leur, et donnez-leur une place à la table.",
        language="fr",
        change="Comités de patients en place",
    ),
    CaseSeed(
        "MZ",
        "Paragens únicas aumentam a cobertura de carga viral em Moçambique",
        CaseStudy.Outcome.SUCCESS,
        "vl-coverage",
        ("vl", "dsd"),
        "Consulta, farmácia e colheita de amostra na mesma paragem: a cobertura de carga viral subiu de "
        "72 % para 84 %.",
        "Os utentes passavam por quatro filas; muitos saíam antes da colheita da amostra de carga viral.",
        "Aumentar a cobertura de testagem de carga viral de 72 % para 85 % em doze meses.",
        "- Colheita de amostra no consultório clínico\n"
        "- Lista diária dos utentes elegíveis preparada na véspera\n"
        "- Resultados devolvidos ao clínico por SMS",
        "A cobertura mudou de patamar no mês da introdução da paragem única e manteve-se.",
        "O transporte das amostras falhou em épocas de chuva; foi preciso um acordo com motociclistas.",
        "Leve o teste ao utente, não o utente ao teste.",
        language="pt",
        change="Paragem única introduzida",
    ),
    CaseSeed(
        "UG",
        "Consumer involvement in clinic QI committees",
        CaseStudy.Outcome.SUCCESS,
        "retention-12m",
        ("consumer", "retention"),
        "Peer representatives joined facility QI committees and co-designed appointment reminders; "
        "12-month retention rose by ten points.",
        "QI committees met monthly but were made of staff only; the reasons clients missed visits were "
        "guessed, not known.",
        "Retain 85 % of people starting ART at 12 months in the region.",
        "- Two peer representatives on every committee\n"
        "- SMS and phone reminders written with clients\n"
        "- Exit interviews with clients who returned after missing visits",
        "Retention shifted upward in the month peers joined, across the region's facilities.",
        "Staff were uneasy at first about discussing performance in front of clients; the committee "
        "agreed ground rules on confidentiality.",
        "Agree the rules of the room before the first meeting; pay peers for their time.",
        model=CaseStudy.ImprovementModel.COLLABORATIVE,
        change="Peers joined the QI committees",
    ),
    CaseSeed(
        "MW",
        "Same-day ART in Malawi's district hospitals",
        CaseStudy.Outcome.SUCCESS,
        "same-day-art",
        ("rapid-art",),
        "A counsellor at the testing point and a starter pack in the consulting room: same-day "
        "initiation went from 55 % to 75 %.",
        "People diagnosed on a Friday started ART the next week, if they came back.",
        "Start 80 % of newly diagnosed people on ART the same day.",
        "- ART starter packs kept in the consulting rooms\n"
        "- A counsellor walks each newly diagnosed person to the clinician\n"
        "- Daily huddle reviewing yesterday's diagnoses",
        "The share started the same day stepped up when the counsellor escort began.",
        "Clinicians worried about starting before baseline tests; a short guideline settled it.",
        "Remove the walk between the test and the pill.",
        change="Counsellor escort and starter packs",
    ),
    CaseSeed(
        "ZW",
        "Sample transport riders close the viral load gap",
        CaseStudy.Outcome.SUCCESS,
        "vl-coverage",
        ("vl",),
        "Scheduled motorbike riders for samples and results raised viral load coverage by twelve points.",
        "Samples waited days for a vehicle; some were rejected at the laboratory.",
        "Viral load coverage of 90 % in the province.",
        "- Riders on a fixed weekly route\n- Cool boxes and rejection feedback\n- Results logbook",
        "Coverage rose in the month the routes began, with fewer rejected samples.",
        "Fuel price rises threatened the routes twice.",
        "Budget the routes as recurrent costs, not a project.",
        model=CaseStudy.ImprovementModel.LEAN,
        change="Rider routes started",
    ),
    CaseSeed(
        "ZM",
        "Enhanced adherence counselling for every high viral load",
        CaseStudy.Outcome.SUCCESS,
        "third-95",
        ("vl",),
        "Every unsuppressed result triggered a counselling session within two weeks.",
        "Unsuppressed results sat in files; clients heard about them months later.",
        "Suppression of 92 % among those tested.",
        "- A weekly list of high results\n- Counselling within 14 days\n- Repeat test after three months",
        "Suppression shifted up once the weekly list was in use.",
        "Zambia counts suppression below 200 copies/mL since 2024: compare with care.",
        "A result nobody acts on is a wasted test.",
        change="Weekly high viral load list",
    ),
    CaseSeed(
        "NA",
        "Fast-track pharmacy pick-up for stable clients",
        CaseStudy.Outcome.SUCCESS,
        "retention-12m",
        ("dsd", "retention"),
        "Stable clients skip the queue and collect in ten minutes; retention improved.",
        "Long queues cost clients a day's work each month.",
        "Retention at 12 months of 90 %.",
        "- Fast-track counter\n- Appointment slots by the hour\n- Stable client card",
        "Retention stepped up after the fast track opened.",
        "Defining 'stable' took three PDSA cycles.",
        "Write the eligibility rule on one page.",
        change="Fast-track counter opened",
    ),
    CaseSeed(
        "HT",
        "Ruptures de réactifs : ce que nous avons appris",
        CaseStudy.Outcome.CHALLENGE,
        "vl-coverage",
        ("vl", "data"),
        "La couverture de charge virale a progressé, puis les ruptures de réactifs ont annulé une "
        "partie des gains dans deux départements.",
        "La couverture de la charge virale stagnait à 72 %.",
        "Atteindre 90 % de couverture.",
        "- Prélèvements sur papier buvard\n- Liste des patients éligibles\n"
        "- Réunion mensuelle avec le laboratoire",
        "La couverture a progressé au moment des premiers changements, mais pas partout ni durablement.",
        "Les réactifs ont manqué trois mois ; les échantillons se sont accumulés ; les cliniciens ont "
        "cessé de prescrire le test.",
        "Suivez les stocks de réactifs avec le même soin que la couverture.",
        language="fr",
        unit="HT_NORTH",
        change="Papier buvard introduit",
    ),
    CaseSeed(
        "MZ",
        "Início no mesmo dia: os desafios da implementação",
        CaseStudy.Outcome.CHALLENGE,
        "same-day-art",
        ("rapid-art",),
        "O início no mesmo dia melhorou, mas a falta de conselheiros aos fins de semana travou o "
        "progresso em metade das unidades.",
        "Metade dos diagnosticados iniciava o TARV semanas depois.",
        "Iniciar 80 % no mesmo dia.",
        "- Kits de início\n- Conselheiro no ponto de testagem",
        "Houve uma mudança de patamar, mas abaixo da meta.",
        "Sem conselheiros ao fim de semana; rotação de pessoal.",
        "Planeie a cobertura de pessoal antes de mudar o fluxo.",
        language="pt",
        unit="MZ_NORTH",
        change="Kits de início distribuídos",
    ),
    CaseSeed(
        "TH",
        "When the EMR migration hid our data",
        CaseStudy.Outcome.CHALLENGE,
        "same-day-art",
        ("data", "rapid-art"),
        "Same-day ART improved, but for months nobody could see it: an EMR migration broke the reports.",
        "Hospitals moved to a new electronic record in the middle of the project.",
        "Start 80 % of newly diagnosed people on ART the same day.",
        "- Same-day initiation protocol\n- Manual tally sheets during the migration",
        "The chart shows the shift, reconstructed afterwards from registers.",
        "The team lost its monthly feedback loop for five months; motivation dropped.",
        "Keep a paper tally until the new system reports correctly.",
        model=CaseStudy.ImprovementModel.OTHER,
        change="Same-day protocol",
    ),
    CaseSeed(
        "NG",
        "Community tracing: slower than we hoped",
        CaseStudy.Outcome.CHALLENGE,
        "retention-12m",
        ("retention",),
        "Tracing clients lost to follow-up improved retention, but only where tracers had phones and "
        "transport.",
        "Clients lost to follow-up were rarely traced.",
        "Return half of the clients lost to follow-up to care.",
        "- Community tracers\n- Weekly lost-to-follow-up lists",
        "Retention rose in the region, unevenly across facilities.",
        "Wrong addresses, no airtime, insecurity in some areas.",
        "Check contact details at every visit, not when the client is gone.",
        unit="NG_NORTH",
        change="Tracers started",
    ),
    CaseSeed(
        "BW",
        "Index testing through assisted partner notification",
        CaseStudy.Outcome.MIXED,
        "same-day-art",
        ("rapid-art",),
        "Work in progress.",
        "Partners of people newly diagnosed were rarely tested.",
        "Test 70 % of named partners.",
        "",
        "",
        "",
        "",
        status=CaseStudy.Status.DRAFT,
    ),
]

RESOURCES = [
    ("WHO consolidated HIV guidelines: service delivery", "guideline", ("dsd",), None, "en", 2021),
    ("Differentiated service delivery decision framework", "tool", ("dsd",), None, "en", 2022),
    ("PDSA worksheet", "template", (), None, "en", 2020),
    ("Run chart and SPC quick guide", "tool", ("data",), None, "en", 2023),
    ("Viral load sample transport SOP", "guideline", ("vl",), "ZW", "en", 2023),
    ("Guide des comités de patients", "guideline", ("consumer",), "HT", "fr", 2022),
    ("Fiche de suivi des patients perdus de vue", "template", ("retention",), "HT", "fr", 2023),
    ("Guia de paragem única", "guideline", ("dsd", "vl"), "MZ", "pt", 2022),
    ("Política nacional de início no mesmo dia", "policy", ("rapid-art",), "MZ", "pt", 2021),
    ("Same-day ART starter pack checklist", "tool", ("rapid-art",), "MW", "en", 2022),
    ("Peer representative terms of reference", "template", ("consumer",), "UG", "en", 2023),
    ("Annual QI collaborative report", "report", ("retention", "vl"), None, "en", 2024),
]


def load_demo() -> None:
    """Create the demo topics, case studies and resources that are not there yet, and the live charts
    of case studies that lack them once the indicator data is loaded."""
    network = Network.objects.filter(slug="virtual").first()
    coordinator = Member.objects.filter(user__email="coordinator@example.org").select_related("user").first()
    if network is None or coordinator is None:
        return
    actor = coordinator.user
    topics = _topics(network, actor)
    countries = {c.iso2: c for c in network.countries.all()}
    for index, seed in enumerate(CASES):
        if seed.country not in countries:
            continue
        case = CaseStudy.objects.filter(network=network, title=seed.title).first()
        if case is None:
            case = _write(network, seed, countries[seed.country], topics, actor, index)
        if seed.status == CaseStudy.Status.PUBLISHED and not case.charts.exists():
            _chart(network, case, seed, actor)
    for title, kind, topic_keys, iso2, language, year in RESOURCES:
        if Resource.objects.filter(network=network, title=title).exists():
            continue
        slug = title.lower().replace(" ", "-")[:60]
        cases.resource_create(
            actor=actor,
            network=network,
            fields={
                "title": title,
                "kind": kind,
                "country": countries.get(iso2) if iso2 else None,
                "language": language,
                "year": year,
                "url": f"https://example.org/resources/{slug}",
                "description": "",
            },
            topics=[topics[k] for k in topic_keys],
        )


def _topics(network: Network, actor) -> dict[str, Topic]:

    found = {}
    for key, (slug, name, description) in TOPICS.items():
        topic = (
            Topic.objects.filter(network=network, slug=slug).first()
            or Topic.objects.filter(network=network, name__iexact=name).first()
        )
        found[key] = topic or create_topic(actor=actor, network=network, name=name, description=description)
    return found


def _author(network: Network, country: Country) -> Member | None:
    fixed = {"KE": "focal.ke@example.org", "HT": "member.ht@example.org"}
    if country.iso2 in fixed:
        member = Member.objects.filter(user__email=fixed[country.iso2]).first()
        if member is not None:
            return member
    return (
        Member.objects.filter(country=country, memberships__network=network, memberships__role=Role.MEMBER)
        .order_by("user__email")
        .first()
    )


def _write(network, seed: CaseSeed, country, topics, actor, index: int) -> CaseStudy:
    author = _author(network, country)
    writer = author.user if author is not None else actor
    case = cases.case_study_create(
        actor=writer,
        network=network,
        fields={
            "title": seed.title,
            "summary": seed.summary,
            "country": country,
            "language": seed.language,
            "improvement_model": seed.model,
            "outcome": seed.outcome,
            "context": seed.context,
            "aim": seed.aim,
            "changes": seed.changes,
            "results": seed.results,
            "challenges": seed.challenges,
            "lessons": seed.lessons,
        },
        topics=[topics[k] for k in seed.topics],
        authors=[author] if author else [],
    )
    if seed.status == CaseStudy.Status.PUBLISHED:
        cases.case_study_submit(actor=writer, case_study=case)
        cases.case_study_publish(actor=actor, case_study=case)
        # Spread over the last year and a half, oldest first, unless the story dates its publication.
        when = timezone.now() - timedelta(days=seed.published or 540 - 40 * index)
        CaseStudy.objects.filter(pk=case.pk).update(published_at=when)
        case.published_at = when
        # The demo's own history: its review and publication notices are not news to e-mail to anyone.
        Notification.objects.filter(case_study=case, emailed_at__isnull=True).update(emailed_at=when)
    return case


def _chart(network, case: CaseStudy, seed: CaseSeed, actor) -> None:
    """A live chart of the seed's indicator where the country's change shows, with the change saved on it
    as a new phase and a note (unless the chart already has settings of its own)."""

    indicator = NetworkIndicator.objects.filter(network=network, code=seed.indicator).first()
    unit = OrgUnit.objects.filter(code=seed.unit or seed.country, country=case.country).first()
    if indicator is None or unit is None:
        return  # the demo was loaded without its indicator data
    periods = last_periods("Monthly", 36, timezone.localdate())
    series = indicator_series(user=actor, indicator=indicator, org_unit=unit, periods=periods)
    shift = _shift_index(series.value(indicator.factor or 1))
    if shift is not None and not ChartSettings.objects.filter(indicator=indicator, org_unit=unit).exists():
        period = series.ids[shift]
        dashboards.save_chart_settings(
            actor=actor, indicator=indicator, org_unit=unit, freeze=None, phase_starts=[period]
        )
        dashboards.annotate(
            actor=actor, indicator=indicator, org_unit=unit, period=period, text=seed.change or seed.title
        )
    cases.case_study_add_chart(
        actor=actor,
        case_study=case,
        indicator=indicator,
        org_unit=unit,
        caption=seed.change,
        options={"rules": "anhoej", "periods": "Monthly"},
    )


def _shift_index(values: np.ndarray, *, margin: int = 6) -> int | None:
    """The month where the series steps up most clearly: the split of the two means with the largest
    t-like statistic, at least ``margin`` points from either end."""
    ok = ~np.isnan(values)
    if ok.sum() < 2 * margin:
        return None
    best, best_score = None, 0.0
    for k in range(margin, len(values) - margin):
        before, after = values[:k][ok[:k]], values[k:][ok[k:]]
        if len(before) < 3 or len(after) < 3:
            continue
        spread = np.sqrt((before.var() + after.var()) / 2) or 1e-9
        score = (after.mean() - before.mean()) / spread * np.sqrt(len(before) * len(after) / len(values))
        if score > best_score:
            best, best_score = k, score
    return best
