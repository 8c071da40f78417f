"""Helpers for the tests of DHIS2 pulls: recorded answers, a connection saved by a focal point."""

from __future__ import annotations

from pathlib import Path

RECORDED = Path(__file__).resolve().parent / "fixtures" / "dhis2" / "pull"
REMOTE_DATA_SET = "QX4ZTUbOt3a"  # the data set and country root as the remote DHIS2 names them
REMOTE_KENYA = "HfVjCurKxh2"
TOKEN = "d2pat_5xVA12xyUbWNedQxy4ohH77WlxRGVvZZ1151814092"


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def base_url(server) -> str:
    return server.url_for("/").rstrip("/")


def connect(data, server, *, actor=None, owner=None, **changes):
    """Kenya's connection, saved by its focal point through the service, importing as the data manager."""
    from qicop.exchange.services import save_connection

    fields = {
        "base_url": base_url(server),
        "token": TOKEN,
        "data_set": REMOTE_DATA_SET,
        "org_unit": REMOTE_KENYA,
        "id_scheme": "CODE",
        "data_element_map": {},
        "org_unit_map": {},
        "months": 24,
        "every_hours": 24,
        "at_hour": 6,
        "enabled": True,
    }
    fields.update(changes)
    return save_connection(
        actor=actor or data.world.faith.user,
        network=data.world.network,
        country=data.world.kenya,
        owner=owner or data.world.dan.user,
        **fields,
    )


def pull_now(data, connection, actor=None):
    """ "Pull now", run at once as the tests' immediate task backend does; the pull as it ended."""
    from qicop.exchange.services import request_pull

    pull = request_pull(
        actor=actor or data.world.faith.user, network=data.world.network, connection=connection
    )
    pull.refresh_from_db()
    connection.refresh_from_db()
    return pull
