"""The reasons behind a suggested score (``scoring.Reason``), in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qicop.improvement.scoring import Reason


def reason_text(reason: Reason) -> str:
    n = reason.count
    texts = {
        "no_aim": lambda: _("The team has not written its aim yet."),
        "aim_set": lambda: _("The team's aim is set."),
        "no_cycles": lambda: _("No PDSA cycle is planned yet."),
        "cycles_planned": lambda: ngettext(
            "%(count)d PDSA cycle planned or started.", "%(count)d PDSA cycles planned or started.", n
        ),
        "none_tested": lambda: _("No cycle has reached Study yet: no change has been tested to the end."),
        "cycles_done": lambda: ngettext(
            "%(count)d change tested to the end (the cycle reached Study).",
            "%(count)d changes tested to the end (the cycles reached Study).",
            n,
        ),
        "no_signal": lambda: _(
            "No measure's chart shows a shift or a trend in the direction of improvement."
        ),
        "aim_reached_without_signal": lambda: _(
            "The key measure is at the aim's target, but without a signal of improvement it was there "
            "before the changes."
        ),
        "signal": lambda: _("A measure's chart shows a shift or a trend in the direction of improvement."),
        "none_adopted": lambda: _("No change has been adopted yet."),
        "changes_adopted": lambda: ngettext("%(count)d change adopted.", "%(count)d changes adopted.", n),
        "aim_not_reached": lambda: _("The key measure has not reached the aim's target yet."),
        "aim_reached": lambda: ngettext(
            "The key measure has reached the aim's target (%(count)d month).",
            "The key measure has reached the aim's target (%(count)d months in a row).",
            n,
        ),
        "not_sustained": lambda: _("Sustained improvement needs the aim held for three months or more."),
        "aim_sustained": lambda: ngettext(
            "The aim has held for %(count)d month.", "The aim has held for %(count)d months in a row.", n
        ),
        "not_all_at_goal": lambda: _(
            "Outstanding results need every measure at its goal for six months or more."
        ),
        "all_at_goal": lambda: ngettext(
            "Every measure has been at its goal for %(count)d month.",
            "Every measure has been at its goal for %(count)d months in a row.",
            n,
        ),
    }
    text = texts[reason.code]()
    return text % {"count": n} if "%(count)" in text else text


def reasons_text(reasons) -> list[str]:
    return [reason_text(reason) for reason in reasons]
