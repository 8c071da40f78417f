"""The demo network, assembled from each app's demo data. Loading is idempotent."""

from qicop.accounts.models import User
from qicop.deviance import demo as deviance_demo
from qicop.deviance.receivers import refreshed_once
from qicop.improvement import demo as improvement_demo
from qicop.indicators.demo import load_indicators_demo
from qicop.knowledge.cases import demo as demo_cases
from qicop.knowledge.discussions import demo as demo_discussions
from qicop.meetings.agenda import demo as agenda_demo
from qicop.meetings.delegations import demo as delegations_demo
from qicop.meetings.demo import load_meetings_demo
from qicop.meetings.materials import demo as materials_demo
from qicop.meetings.proceedings import demo as proceedings_demo
from qicop.network.demo import DEMO_PASSWORD, demo_logins, load_network_demo
from qicop.programmes import demo as programmes_demo
from qicop.programmes.coaches import demo as coaches_demo
from qicop.programmes.coaches.framework import load_framework
from qicop.programmes.consumers import demo as consumers_demo
from qicop.programmes.instruments.loader import load_instruments
from qicop.programmes.workplans import demo as workplans_demo
from qicop.search.index import batched

DEMO_LOGINS = demo_logins()

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "load_demo"]


def load_demo(seed: int = 2026, *, with_data: bool = True) -> bool:
    """Load every part of the demo that is not there yet. Returns whether anything was created.

    ``with_data=False`` leaves out the three years of indicator data (tests of pages that do not show it).
    Each demo object is put in the search index once, at the end, however many steps touched it.
    """

    # The data's hidden improvement shifts become the positive-deviance feed's signals: refreshed once, at
    # the end, rather than after each import, publication and chart note of the steps below.
    with batched(), refreshed_once():
        created = _load(seed, with_data)
    if created:
        deviance_demo.date_first_sightings()  # as a network that ran all along would have seen them
    return created


def _load(seed: int, with_data: bool) -> bool:

    created = load_network_demo(seed=seed)
    created = load_meetings_demo() or created
    _enrich_meetings()
    _knowledge()
    # The shipped instruments, always (a version already loaded is skipped: a query or two per file).
    created = bool(load_instruments().loaded) or created
    created = bool(load_framework()) or created  # the QI coaches' shared competency framework
    if not with_data:
        return created
    coordinator = User.objects.get(email="coordinator@example.org")
    created = load_indicators_demo(actor=coordinator, seed=seed) or created
    demo_cases.load_demo()  # now the case studies' charts can show the data
    # Collaboratives, their teams and PDSA cycles, dated from the steps in the data just loaded.
    created = improvement_demo.load_demo(seed=seed) or created
    # Fifteen years of national programme assessments of six countries, on the instruments loaded above.
    created = programmes_demo.load_demo(seed=seed) or created
    # On those rounds and teams: work plans, the consumer register, and thirty QI coaches at every stage.
    created = workplans_demo.load_demo() or created
    created = consumers_demo.load_demo() or created
    created = coaches_demo.load_demo() or created
    return created


def _enrich_meetings() -> None:
    """Each feature of the meetings app adds its part to the demo meetings (each step is idempotent)."""

    agenda_demo.load_demo()  # presenters, panellists, case presentations and topics
    materials_demo.load_demo()  # slides, documents and recordings
    delegations_demo.load_demo()  # delegations 2010–2012 and attendance of the virtual sessions
    proceedings_demo.load_demo()  # minutes, evaluations and published proceedings


def _knowledge() -> None:
    """Case studies, resources and discussions (each step is idempotent)."""

    demo_cases.load_demo()  # case studies (their live charts once the data is there), resources, topics
    demo_discussions.load_demo()
