"""Writes of the indicators app other than the row-by-row importer: import jobs and publication."""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import DatabaseError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.indicators import import_messages as english
from qicop.indicators import permissions, selectors, tasks
from qicop.indicators.data_versions import bump_data_versions, import_metadata_and_bump
from qicop.indicators.heartbeat import Heartbeat
from qicop.indicators.id_schemes import check_attributes_known
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.importer import import_options as answer_import_options
from qicop.indicators.metadata_import import import_options, read_bundle
from qicop.indicators.models import DataImport, Publication
from qicop.indicators.periods import period_for
from qicop.indicators.signals import import_orphaned
from qicop.indicators.template_import import template_rows
from qicop.integrations import spreadsheet
from qicop.integrations.dhis2.formats import detect_format, open_reader
from qicop.integrations.dhis2.import_summary import ImportSummary
from qicop.integrations.dhis2.periods import PeriodError
from qicop.integrations.errors import FormatError
from qicop.integrations.limits import check_utf8
from qicop.integrations.spreadsheet import check_workbook

# DHIS2's names for the id-scheme parameters (query string or the file's root), and our option names.
SCHEME_PARAMETERS = {
    "idScheme": "id_scheme",
    "dataElementIdScheme": "data_element_id_scheme",
    "orgUnitIdScheme": "org_unit_id_scheme",
    "categoryOptionComboIdScheme": "category_option_combo_id_scheme",
    "attributeOptionComboIdScheme": "attribute_option_combo_id_scheme",
}


# atomicMode: ALL stores nothing when any value has a conflict. DHIS2's OBJECT (its tracker and metadata
# imports) means each object is imported or refused on its own, the others kept; in a data value set each
# value is an object, so OBJECT is "store what is valid" — what NONE (DHIS2's legacy name) also does here.
ATOMIC_MODES = {"ALL": True, "OBJECT": False, "NONE": False}


def options_from_parameters(
    params,
    *,
    file_schemes: dict[str, str] | None = None,
    data_set: str | None = None,
    fmt: str | None = None,
):
    """ImportOptions from DHIS2-style parameters (``dryRun``, ``importStrategy``, ``atomicMode``, id schemes).

    As DHIS2 does, what the file itself says beats the URL (``_schemes``), and ADX (``fmt="adx"``) names
    objects by code unless ``idScheme`` says otherwise. An ATTRIBUTE scheme must name an attribute some
    object has a value of. Raises ValidationError naming a bad parameter.
    """

    def flag(name: str, default: bool) -> bool:
        raw = str(params.get(name, "")).strip().lower()
        if raw in {"", "none"}:
            return default
        if raw in {"true", "1", "yes"}:
            return True
        if raw in {"false", "0", "no"}:
            return False
        raise ValidationError(
            _("%(name)s must be true or false, not %(value)s") % {"name": name, "value": raw}
        )

    values = _schemes(
        {name: str(params[name]) for name in SCHEME_PARAMETERS if params.get(name)},
        {
            name: str(value)
            for name, value in (file_schemes or {}).items()
            if name in SCHEME_PARAMETERS and value
        },
    )
    if fmt == "adx":
        values.setdefault("id_scheme", "CODE")
    atomic_mode = str(params.get("atomicMode") or "ALL").upper()
    if atomic_mode not in ATOMIC_MODES:
        raise ValidationError(
            _("atomicMode must be ALL, OBJECT or NONE, not %(value)s") % {"value": atomic_mode}
        )
    try:
        options = ImportOptions(
            dry_run=flag("dryRun", False),
            strategy=_strategy(params.get("importStrategy")),
            atomic=ATOMIC_MODES[atomic_mode],
            data_set=data_set or params.get("dataSet") or None,
            values_in_annotations=fmt == "adx",
            **values,
        )
    except ValueError as error:
        raise ValidationError(str(error)) from None
    check_attributes_known(options.schemes)
    return options


# DHIS2's older names for the import strategies, still sent by its own clients (a data exchange's "reset
# before exchange" posts importStrategy=NEW_AND_UPDATES).
STRATEGY_ALIASES = {
    "NEW_AND_UPDATES": "CREATE_AND_UPDATE",
    "NEW": "CREATE",
    "UPDATES": "UPDATE",
    "DELETES": "DELETE",
}


def _strategy(raw) -> str:
    strategy = str(raw or "CREATE_AND_UPDATE").strip().upper()
    return STRATEGY_ALIASES.get(strategy, strategy)


def _schemes(url: dict[str, str], file: dict[str, str]) -> dict[str, str]:
    """Each type's id scheme as DHIS2 reads it: what the file's root says of that type, else the file's
    idScheme; only when the file says neither, the URL's scheme for that type, else the URL's idScheme.
    Attribute option combos follow the category option combo scheme unless given their own."""
    general = file.get("idScheme") or url.get("idScheme")
    chains = {
        "dataElementIdScheme": ("dataElementIdScheme",),
        "orgUnitIdScheme": ("orgUnitIdScheme",),
        "categoryOptionComboIdScheme": ("categoryOptionComboIdScheme",),
        "attributeOptionComboIdScheme": ("attributeOptionComboIdScheme", "categoryOptionComboIdScheme"),
    }
    values = {"id_scheme": general} if general else {}
    for name, chain in chains.items():
        from_file = next((file[n] for n in chain if file.get(n)), None) or file.get("idScheme")
        scheme = from_file or next((url[n] for n in chain if url.get(n)), None)
        if scheme:
            values[SCHEME_PARAMETERS[name]] = scheme
    return values


def import_file(
    *,
    actor,
    fileobj: IO[bytes],
    filename: str | None = None,
    content_type: str | None = None,
    params=None,
    data_import: DataImport | None = None,
    fmt: str | None = None,
    progress=None,
) -> dict:
    """Read a data value file in whatever format it is and import it; the summary says what happened.

    A file that is not the format it claims, or not readable at all, gets an ERROR summary; nothing is stored.
    """
    if not permissions.can_import(actor):
        raise PermissionDenied(_("Only coordinators, focal points and data managers import data."))
    options_from_parameters(params or {})  # the caller's own parameters: a ValidationError is theirs to see
    fmt = import_format(fileobj, filename=filename, content_type=content_type, fmt=fmt)
    try:
        if fmt in TEMPLATE_FORMATS:
            rows, file_schemes, data_set = _template(fmt, fileobj), {"idScheme": "CODE"}, None
        else:
            header, rows = open_reader(fmt, fileobj)
            file_schemes, data_set = header.id_scheme, header.data_set
    except FormatError as error:
        return _unreadable(error, params)
    try:
        options = options_from_parameters(params or {}, file_schemes=file_schemes, data_set=data_set, fmt=fmt)
    except ValidationError as error:
        # The file's own root may carry options (id schemes…) that we cannot honour: say so in the summary.
        return _unreadable(FormatError(" ".join(error.messages)), params)

    def report(read: int) -> None:
        if data_import is not None:
            cache.set(progress_key(data_import.pk), read, timeout=24 * 3600)
        if progress is not None:
            progress(read)

    summary = import_data_values(
        actor=actor, rows=rows, options=options, data_import=data_import, progress=report
    )
    summary[english.TEXTS]["format"] = fmt
    if str((params or {}).get("atomicMode") or "").upper() == "OBJECT":
        summary["importOptions"]["atomicMode"] = "OBJECT"
        said = english.gettext("(atomicMode=OBJECT: each value was stored or refused on its own.)")
        summary["description"] += " " + said
        summary[english.TEXTS]["description"].append(english.to_json(said))
    return summary


TEMPLATE_FORMATS = ("template-csv", "template-xlsx")


def import_format(
    fileobj: IO[bytes],
    *,
    filename: str | None = None,
    content_type: str | None = None,
    fmt: str | None = None,
) -> str:
    """The format a data file is read as, decided here for every way in (API, page, CLI, sync or queued):
    the one the caller names, else our spreadsheet template, else DHIS2's rules (Content-Type, extension,
    content: json, xml, csv or adx). A compressed body is expanded before (the API's ``expand_body``).
    The stream is left at its start."""
    if fmt:
        return fmt
    head = fileobj.read(8192)
    fileobj.seek(0)
    return _template_format(filename, head) or detect_format(filename, content_type, head)


def _template_format(filename: str | None, head: bytes) -> str | None:
    """The spreadsheet template: an XLSX workbook (a zip), or a CSV whose header names our columns."""
    if head.startswith(b"PK\x03\x04") or (filename or "").lower().endswith(".xlsx"):
        return "template-xlsx"
    if b"indicator_or_data_element" in head[:2000].lower():
        return "template-csv"
    return None


def _template(fmt: str, fileobj):

    reader = spreadsheet.read_xlsx(fileobj) if fmt == "template-xlsx" else spreadsheet.read_csv(fileobj)
    return template_rows(reader)


def _unreadable(error: FormatError, params) -> dict:
    options = _answer_options(params)
    said = [english.gettext("Dry run: nothing was stored.")] if options.get("dryRun") else []
    said.append(
        english.gettext("The file could not be read: %(error)s. Nothing was stored.", error=str(error))
    )
    summary = ImportSummary.failed(" ".join(said), import_options=options).to_dict()
    summary[english.TEXTS] = {"description": [english.to_json(text) for text in said], "conflicts": []}
    return summary


def _answer_options(params) -> dict:
    """The ``importOptions`` of an answer that could not run the import: the caller's, when they make
    sense, else the defaults (every answer has the same members)."""
    try:
        options = options_from_parameters(params or {})
    except ValidationError:
        options = ImportOptions()
    return answer_import_options(options)


def progress_key(import_id: int) -> str:
    return f"qicop:import-progress:{import_id}"


def check_upload_size(size: int | None) -> None:
    if size is not None and size > settings.QICOP_IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: %(size)d MB, at most %(limit)d MB. Split it by period or org unit.")
            % {"size": size // 1_000_000, "limit": settings.QICOP_IMPORT_MAX_BYTES // 1_000_000}
        )


def check_upload(upload, *, fmt: str | None = None) -> None:
    """Refuse at once, before it is kept, a file whose import would only fail: a spreadsheet that expands
    past the limits (a decompression bomb) or a CSV that is not UTF-8. The other checks need the whole
    import; its summary gives them. Raises ValidationError with the reader's reason (limit, line, byte)."""

    upload.seek(0)
    fmt = import_format(
        upload,
        filename=getattr(upload, "name", None),
        content_type=getattr(upload, "content_type", None),
        fmt=fmt,
    )
    try:
        if fmt == "template-xlsx":
            check_workbook(upload)
        elif fmt in ("csv", "template-csv"):
            check_utf8(upload)
    except FormatError as error:
        raise ValidationError(
            _("This file cannot be imported: %(error)s. Nothing was stored.") % {"error": error}
        ) from None
    finally:
        upload.seek(0)


@transaction.atomic
def start_import(
    *, actor, upload, params: dict, fmt: str | None = None, content_type: str | None = None
) -> DataImport:
    """Keep the uploaded file and queue its import; the page follows its progress and shows the summary.
    A file refused by ``check_upload`` is not kept (ValidationError). The format is decided now
    (``import_format``) and kept with the job, so the job reads the file as the caller sent it."""
    if not permissions.can_import(actor):
        raise PermissionDenied(_("Only coordinators, focal points and data managers import data."))
    check_upload_size(getattr(upload, "size", None))
    options_from_parameters(params)  # a bad parameter is the caller's to see now, not the job's later
    name = getattr(upload, "name", "") or "upload"
    upload.seek(0)
    fmt = import_format(
        upload, filename=name, content_type=content_type or getattr(upload, "content_type", None), fmt=fmt
    )
    check_upload(upload, fmt=fmt)
    data_import = DataImport.objects.create(
        user=actor,
        filename=name[-255:],
        format=fmt,
        options={k: v for k, v in params.items() if v not in ("", None)},
    )
    data_import.file.save(f"{data_import.pk}-{name.rsplit('/', 1)[-1]}"[-100:], File(upload), save=True)
    audit(actor=actor, verb="data_import.start", target=data_import, filename=name)
    _enqueue(data_import)
    return data_import


def _enqueue(data_import: DataImport) -> None:
    """Queue the job's task once the transaction commits, and keep the task's id: the task backend then
    says whether the task failed or was lost (selectors.orphan_reason)."""

    metadata = data_import.job_type == DataImport.JobType.METADATA_IMPORT
    task = tasks.run_metadata_import if metadata else tasks.run_import

    def enqueue() -> None:
        result = task.enqueue(data_import.pk)
        DataImport.objects.filter(pk=data_import.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)


def _failed_summary(data_import: DataImport, message: str) -> dict:
    """The summary of a job that failed before it could say anything of the file: DHIS2's shapes."""
    if data_import.job_type == DataImport.JobType.METADATA_IMPORT:
        return {"status": "ERROR", "message": message}
    return ImportSummary.failed(message, import_options=_answer_options(data_import.options)).to_dict()


def _tell_uploader(data_import: DataImport) -> None:
    """Once the failure is committed, the uploader hears of it by e-mail (indicators.mail: once)."""
    transaction.on_commit(lambda: tasks.mail_failed_import.enqueue(data_import.pk))


def _fail_on_the_way_out(data_import: DataImport, error: BaseException) -> None:
    """Mark a job failed when its run ends on an error nobody expected, or because the worker is stopping
    (the import's transaction is rolled back by then: nothing was stored). The caller re-raises."""
    stopping = isinstance(error, KeyboardInterrupt | SystemExit)
    reason = selectors.WORKER_STOPPED if stopping else selectors.TASK_FAILED
    try:
        with translation.override(data_import.user.language or settings.LANGUAGE_CODE):
            summary = _failed_summary(data_import, str(reason))
        DataImport.objects.filter(pk=data_import.pk).update(
            status=DataImport.Status.FAILED, summary=summary, finished_at=timezone.now()
        )
        _tell_uploader(data_import)
    except DatabaseError:
        pass  # the database is what failed: the next worker to start, or the next reader, marks it


def run_import(import_id: int) -> None:
    """Run a queued import (from the worker). Safe to retry: a finished import is not run again.

    While it runs, a heartbeat says the worker is alive; a job whose heartbeat stops is orphaned. The values
    and the job's outcome commit together: a worker that dies at any moment leaves both or neither, so an
    import left "running" by a dead worker stored nothing."""
    data_import = DataImport.objects.select_related("user").get(pk=import_id)
    if data_import.status in {DataImport.Status.DONE, DataImport.Status.FAILED}:
        return
    now = timezone.now()
    DataImport.objects.filter(pk=import_id).update(
        status=DataImport.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    try:
        with transaction.atomic():
            with Heartbeat(data_import), data_import.file.open("rb") as fileobj:
                summary = import_file(
                    actor=data_import.user,
                    fileobj=fileobj,
                    filename=data_import.filename,
                    params=data_import.options,
                    data_import=data_import,
                    fmt=data_import.format or None,
                )
            _record_outcome(data_import, DataImport.Status.DONE, summary)
    except (ValidationError, PermissionDenied) as error:
        message = " ".join(getattr(error, "messages", [str(error)]))
        _record_outcome(data_import, DataImport.Status.FAILED, _failed_summary(data_import, message))
        _tell_uploader(data_import)
    except BaseException as error:
        _fail_on_the_way_out(data_import, error)
        raise


def _record_outcome(data_import: DataImport, status: str, summary: dict) -> None:
    DataImport.objects.filter(pk=data_import.pk).update(
        status=status,
        summary=summary,
        finished_at=timezone.now(),
        rows_read=cache.get(progress_key(data_import.pk), 0),
    )


@transaction.atomic
def start_metadata_import(*, actor, upload, params: dict, fmt: str) -> DataImport:
    """Keep a metadata file (``fmt`` "metadata-json" or "metadata-csv") and queue its import: DHIS2's
    ``POST /api/metadata?async=true``. The task endpoints follow it; its summary is the import's report."""
    if not permissions.can_import(actor):
        raise PermissionDenied(_("Only coordinators, focal points and data managers import metadata."))
    check_upload_size(getattr(upload, "size", None))
    data_import = DataImport.objects.create(
        user=actor,
        job_type=DataImport.JobType.METADATA_IMPORT,
        filename="metadata",
        format=fmt,
        options={k: v for k, v in params.items() if v not in ("", None)},
    )
    data_import.file.save(f"{data_import.pk}-metadata", File(upload), save=True)
    audit(actor=actor, verb="metadata_import.start", target=data_import)
    _enqueue(data_import)
    return data_import


def run_metadata_import(import_id: int) -> None:
    """Run a queued metadata import (from the worker); safe to retry, as run_import."""

    data_import = DataImport.objects.select_related("user").get(pk=import_id)
    if data_import.status in {DataImport.Status.DONE, DataImport.Status.FAILED}:
        return
    now = timezone.now()
    DataImport.objects.filter(pk=import_id).update(
        status=DataImport.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    options = data_import.options
    try:
        with transaction.atomic():  # the metadata and the job's outcome commit together, as in run_import
            with Heartbeat(data_import), data_import.file.open("rb") as fileobj:
                content_type = "text/csv" if data_import.format == "metadata-csv" else "application/json"
                bundle = read_bundle(fileobj, content_type=content_type, class_key=options.get("classKey"))
                report = import_metadata_and_bump(
                    actor=data_import.user, metadata=bundle, **import_options(options)
                )
            DataImport.objects.filter(pk=import_id).update(
                status=DataImport.Status.DONE, summary=report, finished_at=timezone.now()
            )
    except (FormatError, ValidationError, PermissionDenied) as error:
        report = {"status": "ERROR", "message": " ".join(getattr(error, "messages", [str(error)]))}
        DataImport.objects.filter(pk=import_id).update(
            status=DataImport.Status.FAILED, summary=report, finished_at=timezone.now()
        )
        _tell_uploader(data_import)
    except BaseException as error:
        _fail_on_the_way_out(data_import, error)
        raise


@transaction.atomic
def publish_period(*, actor, country, period_id: str) -> Publication:
    """Make a country's values of a period (and of every shorter period inside it) visible to the network."""
    if not permissions.can_publish(actor, country.pk):
        raise PermissionDenied(_("Only the country's focal point or a coordinator publishes its data."))
    try:
        period = period_for(period_id)
    except PeriodError as error:
        raise ValidationError({"period": [str(error)]}) from None
    publication, created = Publication.objects.get_or_create(
        country=country, period=period, defaults={"published_by": actor}
    )
    if created:
        audit(
            actor=actor, verb="data.publish", target=publication, country=country.iso2, period=period.dhis2_id
        )
        bump_data_versions([country.pk])
    return publication


OPEN_JOBS = (DataImport.Status.QUEUED, DataImport.Status.RUNNING)
ORPHANS_AT_ONCE = 500


def fail_orphaned_imports(*, candidates: list[DataImport] | None = None) -> list[DataImport]:
    """Mark as failed the queued or running imports that will never end (selectors.orphan_reason): their
    worker stopped, or their task failed or was lost. Returns those marked.

    Called by a worker as it starts (for every open import) and by the pages and the task API for the
    imports they show (``candidates``, of any status; those marked are refreshed in place), so that nobody
    waits on endless progress. Each is marked only if its row still holds what was read: a worker that beat
    in between is alive. The summary says why, in the importer's language; an import whose worker in fact
    lived on and finishes writes its own summary over it."""
    now = timezone.now()
    if candidates is None:
        candidates = list(
            DataImport.objects.filter(status__in=OPEN_JOBS)
            .select_related("user")
            .order_by("pk")[:ORPHANS_AT_ONCE]
        )
    failed = []
    for data_import in candidates:
        if data_import.status not in OPEN_JOBS:
            continue
        reason = selectors.orphan_reason(data_import, now=now)
        if reason is None:
            continue
        with translation.override(data_import.user.language or settings.LANGUAGE_CODE):
            message = str(reason)
        try:
            with transaction.atomic():
                marked = DataImport.objects.filter(
                    pk=data_import.pk, status=data_import.status, heartbeat_at=data_import.heartbeat_at
                ).update(
                    status=DataImport.Status.FAILED,
                    summary=_failed_summary(data_import, message),
                    finished_at=now,
                )
                if not marked:
                    continue
                audit(actor=None, verb="data_import.orphaned", target=data_import, reason=message)
                _tell_uploader(data_import)
                import_orphaned.send(sender=DataImport, data_import=data_import, message=message)
        except OperationalError:
            # SQLite busy with a long write (an import that is alive after all): the next reader will see.
            continue
        data_import.refresh_from_db()
        failed.append(data_import)
    return failed


@transaction.atomic
def rerun_import(*, actor, data_import: DataImport) -> DataImport:
    """Queue a failed import again, as a new import of the same stored file with the same options.

    Preconditions (permissions.can_run_again): the actor started it and may still import; it failed; its file
    is kept; it was not run again yet (two presses of the button make one new import). Effects: a new
    queued import (``rerun_of`` the failed one) sharing the stored file, audited, its task queued."""
    if data_import.user_id != actor.pk or not permissions.can_import(actor):
        raise PermissionDenied(_("Only the person who started an import runs it again."))
    failed = DataImport.objects.select_for_update().get(pk=data_import.pk)
    if not permissions.can_run_again(actor, failed):
        raise ValidationError(
            _("This import cannot be run again: it did not fail, it ran again already, or its file is gone.")
        )
    rerun = DataImport.objects.create(
        user=actor,
        job_type=failed.job_type,
        filename=failed.filename,
        file=failed.file.name,  # the same stored file: nothing deletes an import's file
        format=failed.format,
        options=failed.options,
        rerun_of=failed,
    )
    audit(actor=actor, verb="data_import.rerun", target=rerun, rerun_of=failed.pk, filename=failed.filename)
    _enqueue(rerun)
    return rerun
