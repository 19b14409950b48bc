"""Actions about the caller's company and identity."""

from __future__ import annotations

from lockii.actions.registry import action
from lockii.identity.models import Company, User
from lockii.identity.principal import Principal
from lockii.identity.roles import PERMISSIONS
from lockii.identity.schemas import CallerOut, CompanyInfoOut, CompanyOut, NoInput


@action(name="get_company", method="GET", path="/company", input=NoInput, output=CompanyInfoOut,
        permission=None, tags=("company",))
def get_company(principal: Principal, params: NoInput) -> CompanyInfoOut:
    """Get the caller's company and who the caller is: role, permissions and the locations they may see.

    Needs no particular permission. Use it first to learn what the other tools will allow.
    """
    company = Company.objects.get(pk=principal.company_id)
    caller = CallerOut(type=principal.actor_type, id=principal.actor_id, oauthClientId=principal.client_id)
    if principal.user_id:
        user = User.objects.only("email", "name").get(pk=principal.user_id)
        caller.email, caller.name = user.email, user.name
    return CompanyInfoOut(
        company=CompanyOut(id=company.id, name=company.name, slug=company.slug,
                           currency=company.currency, timezone=company.timezone),
        caller=caller, role=principal.role,
        permissions=[p for p in PERMISSIONS if p in principal.permissions],
        locations=None if principal.location_ids is None else sorted(principal.location_ids),
    )
