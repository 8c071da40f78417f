"""Authorization matrix rows: evaluations and proceedings.

``w.meeting`` is on 10 March 2030: its survey is not open yet (the page says so), and 2030's
proceedings are a draft, which observers do not see (404, as if there were none).
"""

from __future__ import annotations

from matrix_rows.common import expect, participants_only, post_only

COORDINATORS_ONLY = expect(403, carla=200, oscar=404, anonymous=302)
DRAFT_YEAR = expect(200, olga=404, oscar=404, anonymous=302)

# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "meetings:evaluation": (lambda w: f"/n/vln/meetings/{w.meeting.pk}/evaluation/", participants_only()),
    "meetings:evaluation_results": (
        lambda w: f"/n/vln/meetings/{w.meeting.pk}/evaluation/results/",
        COORDINATORS_ONLY,
    ),
    "meetings:proceedings": (lambda w: "/n/vln/proceedings/", expect(200, oscar=404, anonymous=302)),
    "meetings:proceedings_year": (lambda w: "/n/vln/proceedings/2030/", DRAFT_YEAR),
    "meetings:proceedings_edit": (
        lambda w: "/n/vln/proceedings/2030/edit/",
        expect(403, carla=200, olga=404, oscar=404, anonymous=302),
    ),
    "meetings:proceedings_publish": (lambda w: "/n/vln/proceedings/2030/publish/", post_only()),
    "meetings:proceedings_html": (lambda w: "/n/vln/proceedings/2030/proceedings.html", DRAFT_YEAR),
    "meetings:proceedings_pdf": (lambda w: "/n/vln/proceedings/2030/proceedings.pdf", DRAFT_YEAR),
}
