"""The writes of assessment rounds and each of their refusals."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from programmes_world import _texts, programmes_of
from qicop.core.models import AuditEntry
from qicop.programmes.assessments import services
from qicop.programmes.assessments.services import Given
from qicop.programmes.models import Answer, AssessmentRound, Domain, Instrument, Item

S = AssessmentRound.Status


def _start(world, work, **fields):
    arguments = {
        "actor": world.faith.user,
        "network": world.network,
        "country": world.kenya,
        "instrument": work.instrument,
        "year": 2027,
        "assessed_by": AssessmentRound.Assessor.SELF,
    }
    return services.start_round(**(arguments | fields))


def _messages(error) -> str:
    return " ".join(error.value.messages)


def test_a_round_starts_as_a_draft_and_is_audited(world):
    work = programmes_of(world)
    round_ = _start(world, work, assessors=[world.dan], assessor_names="A. Consultant")
    assert (round_.status, round_.year, round_.started_from) == (S.DRAFT, 2027, None)
    assert list(round_.assessors.all()) == [world.dan]
    assert not round_.answers.exists()
    assert AuditEntry.objects.filter(verb="assessment_round.start", target_id=str(round_.pk)).exists()


def test_a_second_round_of_an_instrument_for_a_country_and_year_is_refused(world):
    work = programmes_of(world)
    with pytest.raises(ValidationError) as refused:
        _start(world, work, year=2026)
    assert refused.value.message_dict["year"] == [
        "Kenya already has a round of National quality management programme assessment for 2026: open it "
        "from the rounds list, or choose another year."
    ]


def test_a_replaced_version_cannot_start_a_round(world):
    work = programmes_of(world)
    Instrument.objects.filter(pk=work.instrument.pk).update(current=False)
    work.instrument.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _start(world, work)
    assert "replaced" in refused.value.message_dict["instrument"][0]


def test_starting_from_last_year_without_an_earlier_round_is_refused(world):
    work = programmes_of(world)
    with pytest.raises(ValidationError) as refused:
        _start(world, work, country=world.haiti, year=2020, from_last_year=True)
    assert "Haiti has no earlier round" in refused.value.message_dict["from_last_year"][0]


def test_starting_from_last_year_copies_the_latest_earlier_rounds_answers(world):
    work = programmes_of(world)
    Answer.objects.filter(round=work.kenya_2026, item=work.items[0]).update(comment="Committee met twice")
    round_ = _start(world, work, from_last_year=True)
    assert round_.started_from == work.kenya_2026
    copied = {a.item.code: (a.level, a.evidence, a.comment) for a in round_.answers.select_related("item")}
    assert copied["leadership-1"] == (2, "Minutes of the committee", "Committee met twice")
    assert [copied[i.code][0] for i in work.items] == [2, 3, 2, 2]


def _version_2(work) -> Instrument:
    """Version 2: measurement-2 renamed (carried), a new item in leadership, leadership-2 dropped."""
    v2 = Instrument.objects.create(
        slug=work.instrument.slug,
        version=2,
        kind=work.instrument.kind,
        names=work.instrument.names,
        levels=[0, 1, 2, 3, 4, 5],
        evidence_from=3,
    )
    Instrument.objects.filter(pk=work.instrument.pk).update(current=False)
    levels = {str(level): _texts(f"level {level}") for level in range(6)}
    for order, code in enumerate(["leadership", "measurement"]):
        domain = Domain.objects.create(instrument=v2, code=code, names=_texts(code), order=order)
        codes = (
            [("leadership-1", "leadership-1"), ("leadership-new", "leadership-new")]
            if code == "leadership"
            else [("measurement-1", "measurement-1"), ("measurement-data-use", "measurement-2")]
        )
        for number, (item_code, lineage) in enumerate(codes):
            Item.objects.create(
                domain=domain,
                code=item_code,
                lineage=lineage,
                texts=_texts(item_code),
                level_texts=levels,
                order=number,
            )
    return v2


def test_starting_from_last_year_across_a_version_change_follows_the_lineage(world):
    work = programmes_of(world)
    v2 = _version_2(work)
    round_ = _start(world, work, instrument=v2, from_last_year=True)
    assert round_.started_from == work.kenya_2026
    copied = {a.item.code: a.level for a in round_.answers.select_related("item")}
    # 2026's levels were leadership-1: 2, leadership-2: 3, measurement-1: 2, measurement-2: 2
    assert copied == {"leadership-1": 2, "measurement-1": 2, "measurement-data-use": 2}
    assert all(a.item.domain.instrument_id == v2.pk for a in round_.answers.select_related("item__domain"))


def test_a_new_version_cannot_start_a_second_round_in_a_year_the_old_one_has(world):
    work = programmes_of(world)
    v2 = _version_2(work)
    with pytest.raises(ValidationError) as refused:
        _start(world, work, instrument=v2, year=2026)
    assert "already has a round" in refused.value.message_dict["year"][0]


def _items(round_):
    return {item.code: item for item in Item.objects.filter(domain__instrument=round_.instrument_id)}


def test_saving_answers_changes_only_what_was_given_and_is_audited(world):
    work = programmes_of(world)
    round_ = work.kenya_2026
    items = _items(round_)
    services.save_answers(
        actor=world.dan.user,
        round_=round_,
        answers={items["leadership-1"]: Given(level=4, evidence="Quality plan 2026", comment="Signed")},
    )
    answer = Answer.objects.get(round=round_, item=items["leadership-1"])
    assert (answer.level, answer.evidence, answer.comment) == (4, "Quality plan 2026", "Signed")
    assert Answer.objects.get(round=round_, item=items["leadership-2"]).level == 3
    entry = AuditEntry.objects.get(verb="assessment_round.answer", target_id=str(round_.pk))
    assert entry.data["items"] == ["leadership-1"]


def test_a_level_that_needs_evidence_is_refused_without_it_naming_the_item_and_nothing_is_saved(world):
    work = programmes_of(world)
    round_ = work.kenya_2026
    items = _items(round_)
    with pytest.raises(ValidationError) as refused:
        services.save_answers(
            actor=world.faith.user,
            round_=round_,
            answers={
                items["leadership-1"]: Given(level=1),
                items["leadership-2"]: Given(level=4, evidence="  "),
            },
        )
    message = refused.value.message_dict[f"evidence_{items['leadership-2'].pk}"][0]
    assert message.startswith("\u201cLeadership question 2\u201d: level 4 needs evidence")
    assert Answer.objects.get(round=round_, item=items["leadership-1"]).level == 2


def test_a_level_off_the_scale_is_refused(world):
    work = programmes_of(world)
    item = _items(work.kenya_2026)["leadership-1"]
    with pytest.raises(ValidationError) as refused:
        services.save_answers(actor=world.faith.user, round_=work.kenya_2026, answers={item: Given(level=7)})
    assert refused.value.message_dict[f"level_{item.pk}"] == ["Choose one of the instrument's levels."]


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (S.LOCKED, "This round is locked: nobody changes its answers any more."),
        (S.SUBMITTED, "This round is submitted: it changes only once the coordinator sends it back"),
        (S.CONFIRMED, "This round is confirmed: its answers no longer change."),
    ],
)
def test_answers_of_a_round_that_is_no_draft_are_refused_for_everyone(world, status, words):
    work = programmes_of(world)
    round_ = work.kenya_2026
    round_.status = status
    round_.save()
    item = _items(round_)["leadership-1"]
    with pytest.raises(ValidationError) as refused:
        services.save_answers(actor=world.carla.user, round_=round_, answers={item: Given(level=0)})
    assert words in _messages(refused)
    with pytest.raises(ValidationError):
        services.submit_round(actor=world.carla.user, round_=round_)


def test_a_round_with_unanswered_items_cannot_be_submitted_and_they_are_listed(world):
    work = programmes_of(world)
    round_ = _start(world, work)
    items = _items(round_)
    services.save_answers(
        actor=world.faith.user,
        round_=round_,
        answers={items["leadership-1"]: Given(level=1), items["leadership-2"]: Given(level=2)},
    )
    with pytest.raises(ValidationError) as refused:
        services.submit_round(actor=world.faith.user, round_=round_)
    assert _messages(refused) == (
        "Answer every item before submitting; still without a level: Measurement \u2014 Measurement "
        "question 1; Measurement \u2014 Measurement question 2."
    )
    assert AssessmentRound.objects.get(pk=round_.pk).status == S.DRAFT


def test_a_round_goes_from_draft_to_submitted_confirmed_and_locked(world):
    work = programmes_of(world)
    round_ = work.kenya_2026
    services.submit_round(actor=world.faith.user, round_=round_)
    assert round_.status == S.SUBMITTED and round_.submitted_at
    services.confirm_round(actor=world.carla.user, round_=round_)
    assert (round_.status, round_.confirmed_by) == (S.CONFIRMED, world.carla.user)
    services.lock_round(actor=world.carla.user, round_=round_)
    round_.refresh_from_db()
    assert round_.status == S.LOCKED and round_.locked_at
    verbs = set(AuditEntry.objects.filter(target_id=str(round_.pk)).values_list("verb", flat=True))
    assert {"assessment_round.submit", "assessment_round.confirm", "assessment_round.lock"} <= verbs


def test_confirming_locking_and_returning_refuse_a_round_in_the_wrong_state(world):
    work = programmes_of(world)
    with pytest.raises(ValidationError, match="Only a submitted round can be confirmed"):
        services.confirm_round(actor=world.carla.user, round_=work.kenya_2026)
    with pytest.raises(ValidationError, match="Only a confirmed round can be locked"):
        services.lock_round(actor=world.carla.user, round_=work.kenya_2026)
    with pytest.raises(ValidationError, match="Only a submitted round can be sent back to draft"):
        services.return_round(actor=world.carla.user, round_=work.kenya_2025, reason="Typo")


def test_sending_a_round_back_to_draft_needs_a_reason_and_reopens_it(world):
    work = programmes_of(world)
    round_ = services.submit_round(actor=world.faith.user, round_=work.kenya_2026)
    with pytest.raises(ValidationError) as refused:
        services.return_round(actor=world.carla.user, round_=round_, reason=" ")
    assert "Say why" in refused.value.message_dict["reason"][0]
    services.return_round(actor=world.carla.user, round_=round_, reason="Evidence of 1.2 is missing")
    assert AssessmentRound.objects.get(pk=round_.pk).status == S.DRAFT
    entry = AuditEntry.objects.get(verb="assessment_round.return")
    assert entry.data == {"reason": "Evidence of 1.2 is missing"}


def test_sharing_and_unsharing_a_round_is_audited_once_per_change(world):
    work = programmes_of(world)
    services.share_round(actor=world.faith.user, round_=work.kenya_2026, shared=True)
    services.share_round(actor=world.faith.user, round_=work.kenya_2026, shared=True)
    services.share_round(actor=world.faith.user, round_=work.kenya_2026, shared=False)
    assert not AssessmentRound.objects.get(pk=work.kenya_2026.pk).shared
    verbs = list(AuditEntry.objects.filter(target_id=str(work.kenya_2026.pk)).values_list("verb", flat=True))
    assert verbs.count("assessment_round.share") == 1 and verbs.count("assessment_round.unshare") == 1
