"""A round's work plan: the plan, add an objective, add an action step, change a step's status."""

from __future__ import annotations

from django.urls import path

from qicop.programmes.workplans import views

PLAN = "n/<slug:slug>/programmes/assessments/<int:round_id>/work-plan/"

urlpatterns = [
    path(PLAN, views.workplan_detail, name="workplan_detail"),
    path(PLAN + "objectives/new/", views.workplan_objective_add, name="workplan_objective_add"),
    path(
        PLAN + "objectives/<int:objective_id>/steps/new/",
        views.workplan_action_add,
        name="workplan_action_add",
    ),
    path(PLAN + "steps/<int:action_id>/status/", views.workplan_action_status, name="workplan_action_status"),
]
