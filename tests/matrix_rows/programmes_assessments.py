"""Authorization matrix rows: programmes, assessments (built by tests/programmes_world.py).

The round rows use Kenya's 2026 draft (and an evidence file Dan attaches to it): Kenyans read it, Dan
fills it as named assessor, Kim reads but cannot fill, Haiti and the observer do not see it (404), and the
rounds list is for participants only (observers see the network's gap map). The instruments' pages are
the coordinator's."""

from __future__ import annotations

from matrix_rows.common import expect, participants_only, post_only
from programmes_world import programmes_of

BASE = "/n/vln/programmes/assessments/"


def _draft(w) -> str:
    return BASE + f"{programmes_of(w).kenya_2026.pk}/"


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _evidence(w) -> str:
    """An evidence file of Kenya's 2026 draft, attached by Dan on first use."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qicop.programmes.assessments.services import Given, save_answers
    from qicop.programmes.models import EvidenceFile

    work = programmes_of(w)
    evidence = EvidenceFile.objects.filter(answer__round=work.kenya_2026).first()
    if evidence is None:
        item = work.items[0]
        save_answers(
            actor=w.dan.user,
            round_=work.kenya_2026,
            answers={item: Given(level=2)},
            attach={item: SimpleUploadedFile("minutes.pdf", PDF)},
        )
        evidence = EvidenceFile.objects.get(answer__round=work.kenya_2026)
    return _draft(w) + f"evidence/{evidence.pk}/"


INSTRUMENTS = "/n/vln/programmes/instruments/"
COORDINATORS_ONLY = expect(403, carla=200, oscar=404, anonymous=302)


def _instrument(w) -> str:
    return INSTRUMENTS + f"{programmes_of(w).instrument.slug}/"


KENYA_DRAFT = expect(200, henri=404, olga=404, oscar=404, anonymous=302)
FILL_KENYA_DRAFT = expect(200, kim=403, henri=404, olga=404, oscar=404, anonymous=302)

# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "programmes:round_list": (lambda w: BASE, participants_only()),
    "programmes:round_create": (
        lambda w: BASE + "new/",
        expect(403, carla=200, faith=200, oscar=404, anonymous=302),
    ),
    "programmes:round_detail": (_draft, KENYA_DRAFT),
    "programmes:round_fill": (lambda w: _draft(w) + "fill/leadership/", FILL_KENYA_DRAFT),
    "programmes:round_evidence": (_evidence, KENYA_DRAFT),
    "programmes:round_csv": (lambda w: _draft(w) + "answers.csv", KENYA_DRAFT),
    "programmes:round_xlsx": (lambda w: _draft(w) + "answers.xlsx", KENYA_DRAFT),
    "programmes:round_submit": (lambda w: _draft(w) + "submit/", post_only()),
    "programmes:round_return": (lambda w: _draft(w) + "return/", post_only()),
    "programmes:round_confirm": (lambda w: _draft(w) + "confirm/", post_only()),
    "programmes:round_lock": (lambda w: _draft(w) + "lock/", post_only()),
    "programmes:round_share": (lambda w: _draft(w) + "share/", post_only()),
    # The shared instruments: the coordinator edits them; everyone else in the network is refused.
    "programmes:instrument_list": (lambda w: INSTRUMENTS, COORDINATORS_ONLY),
    "programmes:instrument_detail": (lambda w: _instrument(w) + "v1/", COORDINATORS_ONLY),
    "programmes:instrument_file": (lambda w: _instrument(w) + "v1.json", COORDINATORS_ONLY),
    "programmes:instrument_new_version": (lambda w: _instrument(w) + "new/", COORDINATORS_ONLY),
}
