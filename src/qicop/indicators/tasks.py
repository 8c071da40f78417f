from django_tasks import task

from qicop.indicators import mail, services


@task()
def run_import(import_id: int) -> None:
    services.run_import(import_id)


@task()
def run_metadata_import(import_id: int) -> None:
    services.run_metadata_import(import_id)


@task()
def mail_failed_import(import_id: int) -> bool:
    return mail.send_failed_import_mail(import_id)
