"""Files attached to answers as their evidence: added and removed on the fill page while the round is a
draft, checked by their content as meeting materials are, stored privately, listed on the fill page and
the round's page, handed out to whoever may read the round, and counted as evidence where the instrument
asks for some."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from programmes_world import programmes_of
from qicop.core.models import AuditEntry
from qicop.programmes.assessments import services
from qicop.programmes.assessments.services import Given, save_answers, start_round, submit_round
from qicop.programmes.models import Answer, AssessmentRound, EvidenceFile

BASE = "/n/vln/programmes/assessments/"
S = AssessmentRound.Status


# Small real files, made here so that every test shows what it attaches.


def pdf_bytes(text: str = "Minutes") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length " + str(len(body)).encode() + b">>stream\n" + body + b"\nendstream endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def docx_bytes(*, macro: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in ["[Content_Types].xml", "_rels/.rels", "word/document.xml"] + (
            ["word/vbaProject.bin"] if macro else []
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2030, 1, 1, 0, 0, 0)), "<x/>")
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files() -> set[Path]:
    root = Path(settings.PRIVATE_ROOT) / "assessments"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def fill_url(work, domain="leadership") -> str:
    return f"{BASE}{work.kenya_2026.pk}/fill/{domain}/"


def as_typed(work, **extra) -> dict:
    """The leadership page as it stands in the world (levels 2 and 3, with written evidence), plus
    ``extra``."""
    first, second = work.items[0], work.items[1]
    data = {
        f"level_{first.pk}": "2",
        f"evidence_{first.pk}": "Minutes of the committee",
        f"level_{second.pk}": "3",
        f"evidence_{second.pk}": "Minutes of the committee",
    }
    data.update(extra)
    return data


def attach(world, work, item, name="minutes.pdf", content=None, persona="dan"):
    return world.client_for(persona).post(
        fill_url(work),
        as_typed(work, **{f"file_{item.pk}": upload(name, content or pdf_bytes())}),
    )


# Attaching


def test_a_named_assessor_attaches_a_pdf_to_an_answer_and_it_is_stored_privately(world):
    work = programmes_of(world)
    item = work.items[0]
    response = attach(world, work, item, name="Committee minutes.pdf")
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.answer == Answer.objects.get(round=work.kenya_2026, item=item)
    assert (evidence.original_name, evidence.content_type, evidence.added_by) == (
        "Committee minutes.pdf",
        "application/pdf",
        world.dan,
    )
    assert evidence.size == len(pdf_bytes()) and len(evidence.sha256) == 64
    path = Path(evidence.file.path)
    assert path.read_bytes() == pdf_bytes() and path.is_relative_to(settings.PRIVATE_ROOT)
    assert "Committee" not in path.name  # a random name, never the uploader's
    entry = AuditEntry.objects.filter(verb="assessment_round.answer").latest("pk")
    assert entry.data["files_added"] == ["Committee minutes.pdf"]


def test_a_word_document_named_pdf_is_kept_as_a_word_document(world):
    work = programmes_of(world)
    attach(world, work, work.items[0], name="plan.pdf", content=docx_bytes())
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "plan.docx"
    assert evidence.content_type.endswith("wordprocessingml.document")


def test_the_fill_page_and_the_round_page_list_the_files_with_their_links(world):
    work = programmes_of(world)
    attach(world, work, work.items[1], name="plan.pdf")
    evidence = EvidenceFile.objects.get()
    link = f"{BASE}{work.kenya_2026.pk}/evidence/{evidence.pk}/"
    fill = world.client_for("faith").get(fill_url(work)).content.decode()
    assert f'href="{link}"' in fill and "plan.pdf" in fill
    assert f'name="remove" value="{evidence.pk}"' in fill
    assert 'enctype="multipart/form-data"' in fill and "<script" not in fill
    page = world.client_for("kim").get(f"{BASE}{work.kenya_2026.pk}/").content.decode()
    assert f'href="{link}"' in page and "plan.pdf" in page


def test_a_file_is_the_evidence_of_a_level_that_needs_some(world):
    work = programmes_of(world)
    first = work.items[0]
    response = world.client_for("dan").post(
        fill_url(work),
        as_typed(
            work,
            **{
                f"level_{first.pk}": "5",
                f"evidence_{first.pk}": "",
                f"file_{first.pk}": upload("report.pdf", pdf_bytes()),
            },
        ),
    )
    assert response.status_code == 302
    answer = Answer.objects.get(round=work.kenya_2026, item=first)
    assert (answer.level, answer.evidence, answer.files.count()) == (5, "", 1)


def test_a_round_whose_high_levels_show_only_files_can_be_submitted(world):
    work = programmes_of(world)
    for item in work.items:
        Answer.objects.filter(round=work.kenya_2026, item=item).update(level=4, evidence="")
    answers = {item: Given(level=4) for item in work.items}
    attachments = {item: upload(f"{item.code}.pdf", pdf_bytes()) for item in work.items}
    save_answers(actor=world.faith.user, round_=work.kenya_2026, answers=answers, attach=attachments)
    assert submit_round(actor=world.faith.user, round_=work.kenya_2026).status == S.SUBMITTED


def test_a_level_needing_evidence_with_neither_text_nor_file_is_refused_and_names_both_ways(world):
    work = programmes_of(world)
    first = work.items[0]
    response = world.client_for("dan").post(
        fill_url(work), as_typed(work, **{f"level_{first.pk}": "4", f"evidence_{first.pk}": ""})
    )
    assert response.status_code == 400
    assert "level 4 needs evidence" in response.content.decode()
    assert "Write it or attach a file, or choose a lower level." in response.content.decode()


def test_removing_the_only_file_of_a_high_level_leaves_the_round_unsubmittable_until_evidence_is_given(
    world, django_capture_on_commit_callbacks
):
    work = programmes_of(world)
    answers = {item: Given(level=4) for item in work.items}
    save_answers(
        actor=world.faith.user,
        round_=work.kenya_2026,
        answers=answers,
        attach={item: upload("a.pdf", pdf_bytes()) for item in work.items},
    )
    first_file = EvidenceFile.objects.get(answer__item=work.items[0])
    with pytest.raises(ValidationError) as refused:
        save_answers(
            actor=world.faith.user,
            round_=work.kenya_2026,
            answers={work.items[0]: Given(level=4)},
            remove=[first_file.pk],
        )
    assert "level 4 needs evidence" in str(refused.value)
    assert EvidenceFile.objects.filter(pk=first_file.pk).exists()


# Removing


def test_ticking_remove_deletes_the_file_and_its_stored_copy_once_saved(
    world, django_capture_on_commit_callbacks
):
    work = programmes_of(world)
    attach(world, work, work.items[0])
    evidence = EvidenceFile.objects.get()
    path = Path(evidence.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("faith").post(fill_url(work), as_typed(work, remove=[evidence.pk]))
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists() and not path.exists()
    entry = AuditEntry.objects.filter(verb="assessment_round.answer").latest("pk")
    assert entry.data["files_removed"] == ["minutes.pdf"]


def test_a_file_of_another_domain_cannot_be_removed_from_this_page(world):
    work = programmes_of(world)
    world.client_for("dan").post(
        fill_url(work, "measurement"),
        {
            f"level_{work.items[2].pk}": "2",
            f"level_{work.items[3].pk}": "2",
            f"file_{work.items[2].pk}": upload("data.pdf", pdf_bytes()),
        },
    )
    other = EvidenceFile.objects.get()
    response = world.client_for("dan").post(fill_url(work), as_typed(work, remove=[other.pk]))
    assert response.status_code == 400
    assert "no longer evidence of these questions" in response.content.decode()
    assert EvidenceFile.objects.filter(pk=other.pk).exists()


# Refusals: the reason is shown, what was typed is kept, nothing is stored.


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("minutes.pdf", b"<html><script>alert(1)</script></html>", "a web page"),
        ("notes.txt", b"just some notes", "not a PDF, PowerPoint, Word, Excel or image file"),
        ("plan.docx", docx_bytes(macro=True), "Office files with macros are not accepted"),
        ("cut.pdf", pdf_bytes()[:-10], "damaged PDF"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_refused_file_says_why_keeps_what_was_typed_and_stores_nothing(world, name, content, reason):
    work = programmes_of(world)
    first, second = work.items[0], work.items[1]
    before = stored_files()
    data = as_typed(
        work,
        **{
            f"level_{first.pk}": "4",
            f"comment_{first.pk}": "Typed and kept",
            f"file_{first.pk}": upload(name, content),
            f"file_{second.pk}": upload("good.pdf", pdf_bytes()),
        },
    )
    response = world.client_for("dan").post(fill_url(work), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert reason in page
    assert "Typed and kept" in page
    assert f'name="level_{first.pk}" id="level_{first.pk}-4" value="4" checked' in page
    assert "“good.pdf” was not stored, because of the other problems on this page" in page
    assert not EvidenceFile.objects.exists() and stored_files() == before
    assert Answer.objects.get(round=work.kenya_2026, item=first).level == 2  # nothing saved


@override_settings(QICOP_UPLOAD_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused_before_it_is_written_anywhere(world):
    work = programmes_of(world)
    before = stored_files()
    response = attach(world, work, work.items[0], content=pdf_bytes() + b"%" * 2000)
    assert response.status_code == 400
    assert "larger than the limit of 1000" in response.content.decode()
    assert not EvidenceFile.objects.exists() and stored_files() == before


def test_an_answer_carries_at_most_five_files(world):
    work = programmes_of(world)
    item = work.items[0]
    for number in range(services.FILES_PER_ANSWER):
        assert attach(world, work, item, name=f"f{number}.pdf").status_code == 302
    page = world.client_for("dan").get(fill_url(work)).content.decode()
    assert "This answer carries 5 files, the most it may" in page
    assert f'name="file_{item.pk}"' not in page
    response = attach(world, work, item, name="sixth.pdf")
    assert response.status_code == 400
    assert "already has 5 files, the most an answer carries" in response.content.decode()
    assert EvidenceFile.objects.count() == services.FILES_PER_ANSWER


def test_a_round_carries_a_bounded_number_of_files(world, monkeypatch):
    work = programmes_of(world)
    monkeypatch.setattr(services, "FILES_PER_ROUND", 1)
    assert attach(world, work, work.items[0]).status_code == 302
    response = attach(world, work, work.items[1])
    assert response.status_code == 400
    assert "A round carries at most 1 evidence files" in response.content.decode()
    assert EvidenceFile.objects.count() == 1


@pytest.mark.parametrize("status", [S.SUBMITTED, S.CONFIRMED, S.LOCKED])
def test_files_of_a_round_no_longer_a_draft_are_neither_added_nor_removed(world, status):
    work = programmes_of(world)
    attach(world, work, work.items[0])
    evidence = EvidenceFile.objects.get()
    AssessmentRound.objects.filter(pk=work.kenya_2026.pk).update(status=status)
    round_ = AssessmentRound.objects.get(pk=work.kenya_2026.pk)
    answers = {work.items[0]: Given(level=2, evidence="x")}
    with pytest.raises(ValidationError) as refused:
        save_answers(
            actor=world.carla.user,
            round_=round_,
            answers=answers,
            attach={work.items[0]: upload("late.pdf", pdf_bytes())},
        )
    assert f"This round is {status}" in str(refused.value)
    with pytest.raises(ValidationError):
        save_answers(actor=world.carla.user, round_=round_, answers=answers, remove=[evidence.pk])
    response = world.client_for("dan").post(fill_url(work), as_typed(work, remove=[evidence.pk]), follow=True)
    assert f"This round is {status}" in response.content.decode()
    assert list(EvidenceFile.objects.all()) == [evidence]


def test_kim_who_reads_but_does_not_fill_the_round_cannot_attach(world):
    work = programmes_of(world)
    assert attach(world, work, work.items[0], persona="kim").status_code == 403
    assert not EvidenceFile.objects.exists()


# Downloading


def test_whoever_reads_the_round_gets_its_files_and_nobody_else(world):
    work = programmes_of(world)
    attach(world, work, work.items[0])
    url = f"{BASE}{work.kenya_2026.pk}/evidence/{EvidenceFile.objects.get().pk}/"
    for persona in ("carla", "faith", "dan", "kim"):
        response = world.client_for(persona).get(url)
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content) == pdf_bytes()
    response = world.client_for("kim").get(url)
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert 'filename="minutes.pdf"' in response["Content-Disposition"]
    for persona in ("henri", "olga", "oscar"):
        assert world.client_for(persona).get(url).status_code == 404, persona
    assert world.client_for("anonymous").get(url).status_code == 302


def test_a_file_of_another_round_is_not_found_through_this_one(world):
    work = programmes_of(world)
    attach(world, work, work.items[0])
    evidence = EvidenceFile.objects.get()
    url = f"{BASE}{work.haiti_2026.pk}/evidence/{evidence.pk}/"
    assert world.client_for("carla").get(url).status_code == 404


def test_office_files_are_always_downloaded_never_shown(world):
    work = programmes_of(world)
    attach(world, work, work.items[0], name="plan.docx", content=docx_bytes())
    url = f"{BASE}{work.kenya_2026.pk}/evidence/{EvidenceFile.objects.get().pk}/"
    response = world.client_for("faith").get(url)
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


# Starting from last year


def test_a_round_started_from_last_year_copies_the_written_evidence_but_not_the_files(world):
    work = programmes_of(world)
    attach(world, work, work.items[1])
    AssessmentRound.objects.filter(pk=work.kenya_2026.pk).update(status=S.LOCKED)
    made = start_round(
        actor=world.faith.user,
        network=world.network,
        country=world.kenya,
        instrument=work.instrument,
        year=2027,
        assessed_by="self",
        from_last_year=True,
    )
    copied = Answer.objects.get(round=made, item=work.items[1])
    assert (copied.level, copied.evidence) == (3, "Minutes of the committee")
    assert not copied.files.exists() and EvidenceFile.objects.count() == 1


def test_pages_with_many_files_ask_no_more_queries(world, django_assert_max_num_queries):
    work = programmes_of(world)
    for item in work.items[:2]:
        for number in range(3):
            attach(world, work, item, name=f"{item.code}-{number}.pdf")
    client = world.client_for("faith")
    client.get(f"{BASE}{work.kenya_2026.pk}/")  # warm the session
    # One more than a round without files (tests/programmes/test_assessments_pages.py): the files.
    with django_assert_max_num_queries(18):
        assert client.get(f"{BASE}{work.kenya_2026.pk}/").status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(fill_url(work)).status_code == 200
