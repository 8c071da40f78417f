"""The demo's logins, as README.md lists them: `qicop demo` prints them and the sign-in page shows them while
the demo runs (settings.DEMO_MODE), so that the three always name the same people. All take the password
``backends.DEMO_PASSWORD``, which only demo mode accepts."""

from django.utils.translation import gettext_lazy as _

DEMO_LOGINS = [
    ("coordinator@example.org", _("Network coordinator (Bangkok), also a superuser")),
    ("focal.ke@example.org", _("Kenya's country focal point")),
    ("data.ke@example.org", _("A Kenyan data manager")),
    ("lead.ke@example.org", _("A Kenyan facility's QI team lead, in Kenya's collaborative")),
    ("certifier.ke@example.org", _("Kenya's QI coach certifying body: decides Kenya's coach certifications")),
    ("member.ht@example.org", _("A member from Haiti, a certified QI coach who mentors candidates")),
    ("observer.na@example.org", _("An observer from the CDC office in Namibia")),
    (
        "coordinator.sadc@example.org",
        _("The Southern Africa regional network's coordinator (Lusaka): its countries only"),
    ),
]
