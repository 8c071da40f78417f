"""What the case-study, resource and attachment pages share: the opening step of a case's page, a list's
filter and query string, a service's refusal shown on its form, and files served."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from qicop.core import uploads
from qicop.knowledge.cases import selectors


def case_page(request, slug, case_id):
    viewer, network = selectors.knowledge_network(request, slug)
    case = selectors.case_study_for_viewer(viewer, network, case_id)
    return viewer, network, case, selectors.author_ids(case)


def filter_data(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")} if form.is_valid() else {}


def query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def save_form(request, form, save):
    """Run ``save`` on a valid form; a refusal from the service becomes the form's own error."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as problem:
        if hasattr(problem, "error_dict"):
            for field, errors in problem.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, problem)
    return None


def file_response(stored, fallback_name: str):
    # Files are shown (PDF, images) or downloaded, never run: no script, no plugin, no frame of ours.
    return uploads.private_file_response(stored, fallback_name)
