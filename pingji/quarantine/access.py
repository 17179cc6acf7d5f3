"""A site manager sees only their site: ``restrict`` narrowed by the sites a user is staff of.

Jurisdiction scoping (``core.access``) still applies first; on top of it, a user whose role is
site manager sees only rows of the sites where a ``SiteStaff`` row names them (decision 0011). A
site manager of no site sees nothing; placements at home (no site) are never theirs. Every other
role is scoped by jurisdiction alone, so a county operator sees all the county's sites.
"""

from typing import Self

from pingji.core.access import ScopedQuerySet
from pingji.users.choices import Role


def site_bound(user) -> bool:
    """Whether the user's view is limited to the sites they are staff of."""
    return getattr(user, "role", "") == Role.SITE_MANAGER


class SiteScopedQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = "view") -> Self:
        rows = super().restrict(user, action)
        if not site_bound(user):
            return rows
        path = getattr(self.model, "site_path", "")
        lookup = f"{path}__staff__user" if path else "staff__user"
        return rows.filter(**{lookup: user})
