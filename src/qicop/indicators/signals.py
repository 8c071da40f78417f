"""What the indicators app tells other apps, which connect to it (it imports none of them)."""

from django.dispatch import Signal

#: An import was found orphaned and marked failed (services.fail_orphaned_imports); sent inside the
#: transaction that marks it, with ``data_import`` and ``message`` (why, in the importer's language). A DHIS2
#: pull that ran the import fails with it.
import_orphaned = Signal()
