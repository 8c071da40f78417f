"""The parsing limits of ``qicop.integrations.limits``, taken from the settings (``QICOP_PARSE_*``…).

``qicop.integrations`` knows nothing of Django: the core app puts the settings' limits in force at start-up,
and again whenever a test overrides one of them.
"""

from __future__ import annotations

from django.conf import settings

from qicop.integrations import limits

SETTINGS = {
    "QICOP_PARSE_MAX_DEPTH": "max_depth",
    "QICOP_PARSE_MAX_TEXT_BYTES": "max_text",
    "QICOP_PARSE_MAX_DOCUMENT_BYTES": "max_document",
    "QICOP_PARSE_MAX_VALUES": "max_nodes",
    "QICOP_PARSE_MAX_VALUES_PER_ITEM": "max_item_nodes",
    "QICOP_XLSX_MAX_EXPANDED_BYTES": "max_expanded",
    "QICOP_ARCHIVE_MAX_RATIO": "max_ratio",
    "QICOP_SPREADSHEET_MAX_ROWS": "max_rows",
    "QICOP_SPREADSHEET_MAX_COLUMNS": "max_columns",
}


def configure_from_settings(**_signal) -> None:
    """Put the settings' limits in force (each setting left out keeps its default)."""
    defaults = limits.ParseLimits()
    limits.configure(
        limits.ParseLimits(
            **{field: getattr(settings, name, getattr(defaults, field)) for name, field in SETTINGS.items()}
        )
    )


def on_setting_changed(*, setting: str, **_signal) -> None:
    if setting in SETTINGS:
        configure_from_settings()
