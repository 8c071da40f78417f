"""Who may change a chart's baseline, phases and annotations: the country's data people and coordinators."""

from qicop.network.models import Role
from qicop.network.permissions import viewer_for


def can_edit_chart(user, org_unit) -> bool:
    viewer = viewer_for(user)
    if viewer.is_coordinator_anywhere():
        return True
    roles = {role for roles in viewer.roles.values() for role in roles}
    return bool(roles & {Role.FOCAL_POINT, Role.DATA_MANAGER}) and viewer.country_id == org_unit.country_id
