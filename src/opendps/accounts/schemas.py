from __future__ import annotations

from ninja import Schema


class OrganisationRoleOut(Schema):
    id: int
    name: str
    kind: str
    roles: list[str]


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    is_platform_staff: bool
    organisations: list[OrganisationRoleOut]
