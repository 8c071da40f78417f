"""The national quality programmes' pages, one feature room each (namespace "programmes")."""

from qicop.programmes.assessments import urls as assessments
from qicop.programmes.certificates import urls as certificates
from qicop.programmes.coaches import urls as coaches
from qicop.programmes.consumers import urls as consumers
from qicop.programmes.gaps import urls as gaps
from qicop.programmes.instruments import urls as instruments
from qicop.programmes.workplans import urls as workplans

app_name = "programmes"

urlpatterns: list = []
for room in (assessments, instruments, gaps, workplans, consumers, coaches, certificates):
    urlpatterns += room.urlpatterns
