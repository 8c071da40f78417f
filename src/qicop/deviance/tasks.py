from django_tasks import task

from qicop.deviance import services


@task()
def refresh_signals(country_ids: list[int] | None = None, changes: dict | None = None) -> None:
    """``changes``: as JSON carries ``services.refresh_signals``' (country ids as strings)."""
    told = {int(pk): (before, after, periods) for pk, (before, after, periods) in (changes or {}).items()}
    services.refresh_signals(country_ids=country_ids, changes=told)
