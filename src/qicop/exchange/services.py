"""Every write about DHIS2 connections: saving one, asking for a pull, queueing the pulls due, running one."""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime, timedelta

import ijson
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.exchange import crypto, permissions, tasks
from qicop.exchange.models import Dhis2Connection, Pull
from qicop.exchange.remote import Dhis2Server, RemoteError, ServerInfo, check_base_url
from qicop.exchange.schedule import next_run
from qicop.indicators import services as indicator_services
from qicop.indicators.models import DataImport
from qicop.integrations.errors import FormatError
from qicop.integrations.limits import JsonGuard
from qicop.network.permissions import viewer_for

# DHIS2 reads lastUpdated in its own time zone, which may be up to 14 hours from UTC: asking from the day
# before the last success covers every zone. Values seen twice are simply found unchanged.
OVERLAP = timedelta(days=1)
# A pull that has not finished after this long is taken as dead (a worker killed mid-way).
STALE_AFTER = timedelta(hours=2)
MAX_DUE_AT_ONCE = 500
OPEN_PULLS = (Pull.Status.QUEUED, Pull.Status.RUNNING)


# ------------------------------------------------------------------------------------ the connection


@transaction.atomic
def save_connection(
    *,
    actor,
    network,
    country,
    owner,
    base_url: str,
    token: str,
    data_set: str,
    org_unit: str,
    id_scheme: str,
    data_element_map: dict[str, str],
    org_unit_map: dict[str, str],
    months: int,
    every_hours: int,
    at_hour: int,
    enabled: bool,
) -> Dhis2Connection:
    """Create or change the country's connection. A blank ``token`` keeps the stored one (required the first
    time). Preconditions: the actor manages the country's connection. The token is never audited."""
    if not permissions.can_manage_connection(viewer_for(actor), network, country.pk):
        raise PermissionDenied(_("Only the country's focal point or a coordinator connects its DHIS2."))
    connection = Dhis2Connection.objects.select_for_update().filter(country=country).first()
    errors: dict[str, list[str]] = {}
    try:
        base_url = check_base_url(base_url)
    except ValueError as error:
        errors["base_url"] = [str(error)]
    if not permissions.can_own_pulls(owner, country.pk):
        errors["owner"] = [
            _("Pulls import as a focal point or data manager of %(country)s (not a coordinator).")
            % {"country": country.display_name}
        ]
    token = (token or "").strip()
    if connection is None and not token:
        errors["token"] = [_("Give the personal access token that qicop will use.")]
    if errors:
        raise ValidationError(errors)
    created = connection is None
    connection = connection or Dhis2Connection(country=country)
    fields = {
        "owner": owner,
        "base_url": base_url,
        "data_set": data_set,
        "org_unit": org_unit,
        "id_scheme": id_scheme,
        "data_element_map": data_element_map,
        "org_unit_map": org_unit_map,
        "months": months,
        "every_hours": every_hours,
        "at_hour": at_hour,
        "enabled": enabled,
    }
    changed = sorted(k for k, v in fields.items() if created or getattr(connection, k) != v)
    for name, value in fields.items():
        setattr(connection, name, value)
    if token:
        connection.token_encrypted = crypto.encrypt(token)
        connection.token_hint = token[-4:]
    connection.next_run_at = _next(connection, timezone.now()) if enabled else None
    connection.full_clean(exclude=["owner", "country"])
    connection.save()
    audit(
        actor=actor,
        verb="dhis2_connection.create" if created else "dhis2_connection.update",
        target=connection,
        country=country.iso2,
        changed=changed,
        token_changed=bool(token),
    )
    return connection


def _next(connection: Dhis2Connection, now: datetime) -> datetime:
    return next_run(
        now,
        connection.country.time_zone or "UTC",
        at_hour=connection.at_hour,
        every_hours=connection.every_hours,
    )


def test_connection(*, actor, network, connection: Dhis2Connection) -> ServerInfo:
    """Reach the remote DHIS2 with the stored token; raises RemoteError with the reason. Changes nothing."""
    if not permissions.can_manage_connection(viewer_for(actor), network, connection.country_id):
        raise PermissionDenied
    with Dhis2Server(connection.base_url, _token(connection)) as server:
        return server.info()


def _token(connection: Dhis2Connection) -> str:
    try:
        return crypto.decrypt(connection.token_encrypted)
    except crypto.InvalidToken:
        raise RemoteError(
            _(
                "The stored token cannot be decrypted with this server's keys (were QICOP_ENCRYPTION_KEYS or "
                "SECRET_KEY changed?): enter the token again."
            )
        ) from None


@transaction.atomic
def reencrypt_tokens() -> int:
    """Encrypt every stored token again with the first key (after adding a key to QICOP_ENCRYPTION_KEYS)."""
    count = 0
    for connection in Dhis2Connection.objects.select_for_update().only("pk", "token_encrypted"):
        Dhis2Connection.objects.filter(pk=connection.pk).update(
            token_encrypted=crypto.reencrypt(connection.token_encrypted)
        )
        count += 1
    return count


# -------------------------------------------------------------------------------------------- pulls


@transaction.atomic
def request_pull(*, actor, network, connection: Dhis2Connection) -> Pull:
    """ "Pull now": queue a pull at once, unless one of this connection is already queued or running."""
    if not permissions.can_manage_connection(viewer_for(actor), network, connection.country_id):
        raise PermissionDenied
    Dhis2Connection.objects.select_for_update().filter(pk=connection.pk).first()
    if connection.pulls.filter(status__in=OPEN_PULLS).exists():
        raise ValidationError(_("A pull of this connection is already queued or running."))
    pull = Pull.objects.create(
        connection=connection, trigger=Pull.Trigger.MANUAL, requested_by=actor, queued_at=timezone.now()
    )
    audit(actor=actor, verb="dhis2_pull.request", target=pull, country=connection.country.iso2)
    _enqueue(pull)
    return pull


def enqueue_due_pulls(now: datetime | None = None) -> list[Pull]:
    """Queue one pull for each connection whose time has come (the cron command's work).

    Each connection is claimed by moving its ``next_run_at`` on only if it still holds the value read: two
    commands running at once both read it, but only one moves it, so only one queues the pull."""
    now = now or timezone.now()
    due = (
        Dhis2Connection.objects.filter(enabled=True, next_run_at__lte=now)
        .select_related("country")
        .order_by("next_run_at")[:MAX_DUE_AT_ONCE]
    )
    queued = []
    for connection in due:
        with transaction.atomic():
            claimed = Dhis2Connection.objects.filter(
                pk=connection.pk, enabled=True, next_run_at=connection.next_run_at
            ).update(next_run_at=_next(connection, now))
            if not claimed or connection.pulls.filter(status__in=OPEN_PULLS).exists():
                continue
            pull = Pull.objects.create(connection=connection, trigger=Pull.Trigger.SCHEDULE, queued_at=now)
            audit(actor=None, verb="dhis2_pull.schedule", target=pull, country=connection.country.iso2)
            _enqueue(pull)
            queued.append(pull)
    return queued


def due_connections(now: datetime | None = None) -> list[Dhis2Connection]:
    now = now or timezone.now()
    return list(
        Dhis2Connection.objects.filter(enabled=True, next_run_at__lte=now)
        .select_related("country")
        .order_by("next_run_at")[:MAX_DUE_AT_ONCE]
    )


def _enqueue(pull: Pull) -> None:

    transaction.on_commit(lambda: tasks.run_pull.enqueue(pull.pk))


def pull_parameters(connection: Dhis2Connection, *, today: date, since: date | None) -> dict[str, str]:
    """``GET /api/dataValueSets`` parameters: the data set's values in the org unit and below, for the
    periods of the last ``months`` (and the year ahead, for targets), changed since ``since`` if given.

    DHIS2 reads startDate/endDate and lastUpdated together (both must hold); with lastUpdated it also sends
    values deleted since (``includeDeleted``), so that deletions reach qicop too."""
    start = _months_before(today, connection.months)
    params = {
        "dataSet": connection.data_set,
        "orgUnit": connection.org_unit,
        "children": "true",
        "startDate": start.isoformat(),
        "endDate": (today + timedelta(days=366)).isoformat(),
        "idScheme": connection.id_scheme,
    }
    if since is not None:
        params["lastUpdated"] = since.isoformat()
        params["includeDeleted"] = "true"
    return params


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    return date(month_index // 12, month_index % 12 + 1, 1)


def run_pull(pull_id: int) -> None:
    """Run a queued pull (from the worker): download the values, import them as the owner, record the outcome.

    Safe to retry: a pull that is no longer queued is not run again, and a connection runs one pull at a
    time. "Last success" moves only when the import succeeded, to the moment the download began, so nothing
    changed during the pull is missed next time."""
    now = timezone.now()
    if not Pull.objects.filter(pk=pull_id, status=Pull.Status.QUEUED).update(
        status=Pull.Status.RUNNING, started_at=now
    ):
        return
    pull = Pull.objects.select_related("connection__country", "connection__owner").get(pk=pull_id)
    connection = pull.connection
    free = Q(running_since__isnull=True) | Q(running_since__lt=now - STALE_AFTER)
    if not Dhis2Connection.objects.filter(free, pk=connection.pk).update(running_since=now):
        _finish(pull, error=_("Another pull of this connection was running."), attempted=False)
        return
    owner = connection.owner
    with translation.override(owner.language or settings.LANGUAGE_CODE):
        try:
            data_import = _pull_and_import(pull, connection, now)
        except RemoteError as error:
            _finish(pull, error=str(error))
        except Exception:
            _finish(
                pull, error=_("The pull stopped on an unexpected error; the server's log has the details.")
            )
            raise
        else:
            summary = data_import.summary or {}
            if data_import.status == data_import.Status.DONE and summary.get("status") in (
                "SUCCESS",
                "WARNING",
            ):
                _finish(pull, data_import=data_import, succeeded_at=now)
            else:
                _finish(
                    pull,
                    data_import=data_import,
                    error=_("The import found problems, so nothing was stored: %(description)s")
                    % {"description": summary.get("description", "")},
                )
        finally:
            Dhis2Connection.objects.filter(pk=connection.pk).update(running_since=None)


def _pull_and_import(pull: Pull, connection: Dhis2Connection, now: datetime):

    owner = connection.owner
    if not permissions.can_own_pulls(owner, connection.country_id):
        raise RemoteError(
            _(
                "%(owner)s is no longer only a focal point or data manager of %(country)s, so qicop cannot "
                "import as them: choose another person for “imports as” in the connection."
            )
            % {"owner": owner.email, "country": connection.country.display_name}
        )
    since = (connection.last_success_at - OVERLAP).date() if connection.last_success_at else None
    params = pull_parameters(connection, today=now.date(), since=since)
    Pull.objects.filter(pk=pull.pk).update(since=since)
    limit = settings.QICOP_IMPORT_MAX_BYTES
    with tempfile.TemporaryFile() as answer:
        with Dhis2Server(connection.base_url, _token(connection)) as server:
            server.download_data_values(params, answer, max_bytes=limit)
        answer.seek(0)
        with _mapped(answer, connection) as payload, transaction.atomic():
            data_import = DataImport.objects.create(
                user=owner,
                filename=f"DHIS2 pull {now:%Y-%m-%d %H:%M} UTC",
                format="json",
                options={"idScheme": connection.id_scheme, "importStrategy": "CREATE_AND_UPDATE"},
            )
            data_import.file.save(f"{data_import.pk}-dhis2-pull.json", File(payload), save=True)
            Pull.objects.filter(pk=pull.pk).update(data_import=data_import)
            audit(
                actor=owner,
                verb="data_import.start",
                target=data_import,
                filename=data_import.filename,
                source="dhis2_pull",
                pull=pull.pk,
                base_url=connection.base_url,
                parameters=params,
            )
    indicator_services.run_import(data_import.pk)
    data_import.refresh_from_db()
    return data_import


def fail_orphaned_pulls(*, data_import=None) -> list[Pull]:
    """Mark as failed the pulls a worker that stopped left running: the pull of ``data_import`` (an import
    just found orphaned), or, as a worker starts, every running pull whose import failed, or that has had
    no import for ``STALE_AFTER`` (it died downloading). The connection is free for the next pull then."""
    now = timezone.now()
    running = Pull.objects.filter(status=Pull.Status.RUNNING).select_related(
        "data_import", "connection__country"
    )
    if data_import is not None:
        running = running.filter(data_import=data_import)
    failed = []
    for pull in running.order_by("pk")[:MAX_DUE_AT_ONCE]:
        found = pull.data_import
        if found is not None and found.status == found.Status.FAILED:
            error = (found.summary or {}).get("description") or _("The import of the pull failed.")
        elif found is None and pull.started_at is not None and pull.started_at < now - STALE_AFTER:
            error = _("The worker stopped during the pull; nothing was stored.")
        else:
            continue
        _finish(pull, error=error)
        Dhis2Connection.objects.filter(pk=pull.connection_id).update(running_since=None)
        failed.append(pull)
    return failed


class _mapped:
    """The downloaded answer with the connection's mapping applied: remote data element and org unit ids
    replaced by the network's (streamed, so memory stays flat). Without a mapping, the answer as it came."""

    def __init__(self, answer, connection: Dhis2Connection):
        self.answer = answer
        self.elements = connection.data_element_map or {}
        self.units = connection.org_unit_map or {}
        self._spool = None

    def __enter__(self):
        if not (self.elements or self.units):
            return self.answer
        self._spool = tempfile.TemporaryFile()
        self._spool.write(b'{"dataValues":[')
        try:
            # Through the JSON guard: a server answering `{"dataValues":[[[[…` is refused, not parsed.
            answer = JsonGuard(self.answer, item_depth=3)
            for index, value in enumerate(ijson.items(answer, "dataValues.item")):
                if isinstance(value, dict):
                    element, unit = value.get("dataElement"), value.get("orgUnit")
                    value["dataElement"] = self.elements.get(element, element)
                    value["orgUnit"] = self.units.get(unit, unit)
                self._spool.write((b"," if index else b"") + json.dumps(value, default=str).encode())
        except (ijson.JSONError, FormatError) as error:
            raise RemoteError(_("DHIS2's answer is not valid JSON: %(error)s") % {"error": error}) from None
        self._spool.write(b"]}")
        self._spool.seek(0)
        return self._spool

    def __exit__(self, *exc):
        if self._spool is not None:
            self._spool.close()
        return False


def _finish(pull: Pull, *, data_import=None, error: str = "", succeeded_at=None, attempted=True) -> None:
    now = timezone.now()
    with transaction.atomic():
        Pull.objects.filter(pk=pull.pk).update(
            status=Pull.Status.FAILED if error else Pull.Status.SUCCESS,
            finished_at=now,
            error=error,
            **({"data_import": data_import} if data_import is not None else {}),
        )
        if attempted:
            changes = {"last_attempt_at": pull.started_at or now, "last_error": error}
            if succeeded_at is not None:
                changes["last_success_at"] = succeeded_at
            Dhis2Connection.objects.filter(pk=pull.connection_id).update(**changes)
        audit(
            actor=None,
            verb="dhis2_pull.fail" if error else "dhis2_pull.succeed",
            target=pull,
            country=pull.connection.country.iso2,
            data_import=data_import.pk if data_import is not None else None,
            error=error,
        )
