from django_tasks import task

from qicop.indicators import services


@task()
def run_import(import_id: int) -> None:
    services.run_import(import_id)


@task()
def run_metadata_import(import_id: int) -> None:
    services.run_metadata_import(import_id)
