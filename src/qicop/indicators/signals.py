"""What the indicators app tells other apps, which connect to it (it imports none of them)."""

from django.dispatch import Signal

#: An import was found orphaned and marked failed (services.fail_orphaned_imports); sent inside the
#: transaction that marks it, with ``data_import`` and ``message`` (why, in the importer's language). A DHIS2
#: pull that ran the import fails with it.
import_orphaned = Signal()

#: Values of these countries changed (an import, a deletion, a publication…): sent with ``country_ids``
#: and ``changes`` (what an import knows of them, ``data_versions.bump_data_versions``) inside the write's
#: transaction, by ``data_versions.bump_data_versions``. Receivers that do work act on commit (the
#: positive-deviance signals are refreshed then).
data_changed = Signal()
