from django_tasks import task

from qicop.deviance import services


@task()
def refresh_signals(country_ids: list[int] | None = None) -> None:
    services.refresh_signals(country_ids=country_ids)
