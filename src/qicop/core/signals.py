"""Signals of the whole project, which the apps connect to (core imports none of them)."""

from django.dispatch import Signal

#: ``qicop worker`` is starting, before it takes any task: the apps end the jobs that a worker which
#: stopped uncleanly left running (an import, a DHIS2 pull), since nothing else would.
worker_starting = Signal()
