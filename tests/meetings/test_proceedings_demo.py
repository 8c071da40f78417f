"""The demo: a full series of virtual sessions and three years of all-country meetings, with published
proceedings, minutes, attendance and evaluations; the proceedings PDF renders."""

from django.test import Client

from qicop.meetings.models import Attendance, Evaluation, Meeting, Proceedings
from qicop.meetings.proceedings import demo as proceedings_demo


def signed_in(email):
    from qicop.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_the_demo_publishes_proceedings_for_every_demo_year_and_loads_again_without_duplicates(demo):
    counts = (Proceedings.objects.count(), Evaluation.objects.count(), Attendance.objects.count())
    proceedings_demo.load_demo()
    assert (Proceedings.objects.count(), Evaluation.objects.count(), Attendance.objects.count()) == counts
    published = set(
        Proceedings.objects.filter(published_at__isnull=False).values_list("network__slug", "year")
    )
    assert published == {
        ("all-country", 2010),
        ("all-country", 2011),
        ("all-country", 2012),
        ("virtual", 2016),
        ("virtual", 2017),
    }
    held_virtual = Meeting.objects.filter(network__slug="virtual", kind="virtual", status="held")
    assert held_virtual.count() == 7
    for meeting in held_virtual:
        assert meeting.minutes and meeting.decisions.exists() and meeting.actions.exists()
        assert 3 <= meeting.evaluations.count() <= 5


def test_an_observer_reads_the_demo_proceedings_and_the_coordinator_gets_the_pdf(demo):
    observer = signed_in("observer.na@example.org")
    index = observer.get("/n/all-country/proceedings/").content.decode()
    assert all(f"/n/all-country/proceedings/{year}/" in index for year in (2010, 2011, 2012))
    page = observer.get("/n/all-country/proceedings/2011/").content.decode()
    assert "All-country meeting 2011" in page and "Nairobi" in page and "twelve-month" in page
    page = signed_in("coordinator@example.org").get("/n/virtual/proceedings/2017/").content.decode()
    assert "Running QI collaboratives" in page and "mean rating" in page and "people attended" in page
    pdf = signed_in("coordinator@example.org").get("/n/virtual/proceedings/2017/proceedings.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_in_french_the_proceedings_are_publiés_and_a_case_study_publiée(demo):
    from django.utils import translation

    from qicop.knowledge.models import CaseStudy

    coordinator = signed_in("coordinator@example.org")
    coordinator.post("/language/", {"language": "fr", "next": "/"})
    index = coordinator.get("/n/all-country/proceedings/").content.decode()
    assert "<td>Publiés</td>" in index and "Publié<" not in index
    with translation.override("fr"):
        assert str(CaseStudy.Status.PUBLISHED.label) == "Publiée"
