from __future__ import annotations

from ninja import Router

from opendps.accounts import permissions, selectors
from opendps.accounts.schemas import MeOut
from opendps.web.organisation import AuthedRequest

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, summary="Who am I: the token's user and roles")
def me(request: AuthedRequest) -> dict[str, object]:
    user = request.user
    roles = permissions.role_map(user)
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "is_platform_staff": permissions.is_platform_staff(user),
        "organisations": [
            {"id": org.pk, "name": org.name, "kind": org.kind, "roles": sorted(roles[org.pk])}
            for org in selectors.organisation_list_for_user(user)
        ],
    }
