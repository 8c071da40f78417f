"""The improvement app's pages, one feature room each (namespace "improvement")."""

from qicop.improvement.changes import urls as changes
from qicop.improvement.collaboratives import urls as collaboratives
from qicop.improvement.pdsa import urls as pdsa
from qicop.improvement.presentations import urls as presentations
from qicop.improvement.reports import urls as reports
from qicop.improvement.teams import urls as teams

app_name = "improvement"

urlpatterns: list = []
for room in (collaboratives, teams, pdsa, reports, changes, presentations):
    urlpatterns += room.urlpatterns
