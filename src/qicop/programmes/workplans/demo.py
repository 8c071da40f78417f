"""The work plans demo: Kenya and Haiti each drafted a plan from their latest confirmed round of the national
programme assessment, with an objective for each of the three weakest domains and action steps with owners
and due dates, some already done. Kenya's focal point owns some of the open steps, so the network's home
shows them to her; this year's draft round shows the plan beside the domains it served.

Due dates count from today, so the plan reads the same whenever the demo is loaded. Idempotent: a round
that has a plan is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from qicop.network.models import Member, Network
from qicop.programmes.demo import NATIONAL
from qicop.programmes.models import AssessmentRound, WorkPlan, WorkPlanAction, WorkPlanObjective
from qicop.programmes.workplans.selectors import proposal

WEAKEST = 3

#: Per country: the owners (the focal point first), and per domain the objective and two action steps; a
#: third step reports to the national QI committee. Each step: (text, due in days from today, done).
PLANS = {
    "KE": {
        "owners": ("focal.ke@example.org", "data.ke@example.org", "ke.05@example.org", "ke.11@example.org"),
        "report": "Report progress to the national QI committee",
        "domains": {
            "leadership": (
                "The ministry funds the quality programme from its own budget line.",
                "Cost the quality programme for the next budget cycle",
                "Present the costed plan to the Director of Medical Services",
            ),
            "structure": (
                "Every county has a named QI coordinator with terms of reference.",
                "Draft the county QI coordinators' terms of reference",
                "Collect the counties' appointment letters",
            ),
            "measurement": (
                "Every facility reviews its viral-load dashboard monthly.",
                "Add the dashboard review to the facility meeting template",
                "Audit the dashboard reviews of ten facilities",
            ),
            "qi-activity": (
                "Every facility in the collaborative runs at least one PDSA ramp a quarter.",
                "List each facility's PDSA ramps of the last quarter",
                "Pair the facilities without a ramp with a coach",
            ),
            "capacity": (
                "Each county has two certified QI coaches.",
                "Enrol ten candidate coaches for certification",
                "Schedule mentor observations of the candidates",
            ),
            "consumers": (
                "Consumers sit on the national QI committee and on a third of the collaborative's teams.",
                "Write the terms of reference of the committee's consumer seats",
                "Invite the network of people living with HIV to nominate team members",
            ),
            "evaluation": (
                "The quality plan is reviewed every year against its indicators, and the review published.",
                "Agree the annual review's indicators with the counties",
                "Publish the review on the ministry's website",
            ),
        },
    },
    "HT": {
        "owners": ("ht.01@example.org", "member.ht@example.org", "ht.05@example.org", "ht.11@example.org"),
        "report": "Présenter l'avancement au comité national qualité",
        "domains": {
            "leadership": (
                "Le ministère inscrit la qualité à son budget.",
                "Chiffrer le programme qualité pour le prochain exercice",
                "Présenter le plan chiffré à la direction générale",
            ),
            "structure": (
                "Chaque département a un coordinateur qualité nommé.",
                "Rédiger les termes de référence des coordinateurs départementaux",
                "Recueillir les lettres de nomination",
            ),
            "measurement": (
                "Chaque établissement revoit son tableau de bord chaque mois.",
                "Ajouter la revue du tableau de bord à l'ordre du jour des réunions",
                "Vérifier les revues de dix établissements",
            ),
            "qi-activity": (
                "Chaque établissement du collaboratif teste un changement par trimestre.",
                "Recenser les cycles PDSA du dernier trimestre",
                "Accompagner les établissements sans cycle avec un coach",
            ),
            "capacity": (
                "Chaque département a deux coachs QI certifiés.",
                "Inscrire huit candidats à la certification des coachs",
                "Planifier les observations des candidats par les mentors",
            ),
            "consumers": (
                "Des représentants des PVVIH siègent au comité national qualité et dans les équipes.",
                "Rédiger les termes de référence des sièges des PVVIH au comité",
                "Demander au réseau des PVVIH de proposer des membres d'équipe",
            ),
            "evaluation": (
                "Le plan qualité est revu chaque année au regard de ses indicateurs.",
                "Choisir les indicateurs de la revue annuelle",
                "Publier la revue annuelle",
            ),
        },
    },
}
#: When each of an objective's three steps is due, in days from today, and whether it is done.
SCHEDULE = ((-150, True), (-20, False), (90, False))


def load_demo() -> bool:
    """Draft Kenya's and Haiti's plans from their latest confirmed rounds, unless there. Needs the
    programmes demo; returns whether anything was created."""
    network = Network.objects.filter(slug="virtual").first()
    if network is None:
        return False
    created = False
    with transaction.atomic():
        for iso2, plan in PLANS.items():
            round_ = (
                AssessmentRound.objects.filter(
                    network=network,
                    country__iso2=iso2,
                    instrument__slug=NATIONAL,
                    status__in=(AssessmentRound.Status.CONFIRMED, AssessmentRound.Status.LOCKED),
                )
                .select_related("instrument", "country")
                .order_by("-year")
                .first()
            )
            if round_ is None or WorkPlan.objects.filter(round=round_).exists():
                continue
            _plan(round_, plan)
            created = True
    return created


def _plan(round_: AssessmentRound, plan: dict) -> None:
    today, now = timezone.localdate(), timezone.now()
    owners = {
        m.user.email: m for m in Member.objects.filter(user__email__in=plan["owners"]).select_related("user")
    }
    focal = owners[plan["owners"][0]]
    drafted = min(round_.confirmed_at + timedelta(days=10), now - timedelta(days=1))
    work_plan = WorkPlan.objects.create(round=round_, created_by=focal.user)
    weakest = [d for d in proposal(round_) if d.level is not None][:WEAKEST]
    actions = []
    for order, domain in enumerate(weakest, start=1):
        objective = WorkPlanObjective.objects.create(
            plan=work_plan,
            domain_code=domain.code,
            domain_name=domain.name,
            text=plan["domains"][domain.code][0],
            order=order,
        )
        steps = (*plan["domains"][domain.code][1:], plan["report"])
        for index, (description, (days, done)) in enumerate(zip(steps, SCHEDULE, strict=True)):
            # The focal point owns the first domain's open steps; the others take a step each.
            owner = focal if order == 1 else owners[plan["owners"][(order + index) % len(plan["owners"])]]
            due = today + timedelta(days=days + 7 * order)
            if due.year < round_.year:  # a step is due from the round's year on
                due = due.replace(year=round_.year, month=1, day=15)
            actions.append(
                WorkPlanAction(
                    objective=objective,
                    description=description,
                    owner=owner,
                    due=due,
                    status=WorkPlanAction.Status.DONE if done else WorkPlanAction.Status.OPEN,
                    done_at=now + timedelta(days=days + 7 * order - 3) if done else None,  # before it was due
                )
            )
    WorkPlanAction.objects.bulk_create(actions)
    WorkPlan.objects.filter(pk=work_plan.pk).update(created_at=drafted, updated_at=drafted)
    WorkPlanObjective.objects.filter(plan=work_plan).update(created_at=drafted, updated_at=drafted)
    WorkPlanAction.objects.filter(objective__plan=work_plan).update(created_at=drafted)
