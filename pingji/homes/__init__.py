"""Each role's home: what that person must do today, on one short page of panels that link to
where they do it.

One module per role (``commander``, ``epidemiologist``, ``operator``, ``site_manager``,
``liaison``, ``grid_worker``); a role without a day of its own (administrator, auditor) gets the
``overview`` of its jurisdiction. Each module's ``build(request)`` returns plain data; the
templates under ``templates/homes`` render it. A home reads many domains, so this package sits
at the top layer with ``pingji.views``, above every app it counts from.

Every number on a home is counted by the list it links to (``figures.listed``) or is the length
of a list shown beside it, so it always equals what the page it repeats shows; every panel is
scoped by ``restrict(user)`` exactly as that page is.
"""

from collections.abc import Callable

from pingji.users.choices import Role

from . import commander, epidemiologist, grid_worker, liaison, operator, overview, site_manager

#: role → (template, builder of its context).
HOMES: dict[str, tuple[str, Callable]] = {
    Role.COMMANDER: ("homes/commander.html", commander.build),
    Role.EPIDEMIOLOGIST: ("homes/epidemiologist.html", epidemiologist.build),
    Role.OPERATOR: ("homes/operator.html", operator.build),
    Role.SITE_MANAGER: ("homes/site_manager.html", site_manager.build),
    Role.LIAISON: ("homes/liaison.html", liaison.build),
    Role.GRID_WORKER: ("homes/grid_worker.html", grid_worker.build),
}
OVERVIEW = ("home.html", overview.build)


def home_of(request) -> tuple[str, dict]:
    """The template and context of the user's home."""
    template, build = HOMES.get(getattr(request.user, "role", ""), OVERVIEW)
    return template, build(request)
