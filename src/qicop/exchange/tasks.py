from django_tasks import task

from qicop.exchange import services


@task()
def run_pull(pull_id: int) -> None:
    services.run_pull(pull_id)
