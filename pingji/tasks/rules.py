"""Who may do what to a task, beyond the role and the jurisdiction scope.

The role says whether a user may create (``add_task``), work on (``change_task``) or oversee
(``verify_task``) tasks at all (``users.roles``); the scope says which tasks they see
(``core.access``). These rules add the task's own chain of command:

- a level assigns work to itself and to the levels below it, never upward or sideways;
- the owner jurisdiction (any of its users) or the assignee does the work and submits evidence;
- the level that issued or oversees the task — a user of a jurisdiction above the owner, or the
  task's creator — verifies, sends back or cancels it; the owner never signs off its own work,
  and nobody verifies evidence they submitted themselves (four eyes).

The functions answer yes/no so the pages can offer only the forms that will work; the actions
call them again inside their transaction.
"""

from pingji.core.access import scope_code

from .choices import OWNER_STATUSES, TaskStatus


def in_area(user, code: str) -> bool:
    """The jurisdiction ``code`` is the user's own or below it."""
    own = scope_code(user)
    return own is not None and code.startswith(own)


def may_create_for(user, code: str) -> bool:
    return user.has_perm("tasks.add_task") and in_area(user, code)


def is_worker(user, task) -> bool:
    """The user belongs to the owner jurisdiction or is the assignee."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.pk == task.assignee_id or (
        bool(user.jurisdiction_id) and user.jurisdiction_id == task.jurisdiction_id
    )


def is_overseer(user, task) -> bool:
    """The user issued the task or sits at a level above its owner."""
    code = scope_code(user)
    if code is None:
        return False
    above = code != task.jurisdiction_id and task.jurisdiction_id.startswith(code)
    return above or (task.created_by_id is not None and task.created_by_id == user.pk)


def may_submit(user, task) -> bool:
    return (
        task.status in OWNER_STATUSES
        and user.has_perm("tasks.change_task")
        and is_worker(user, task)
    )


def may_verify(user, task) -> bool:
    """Verify or send back: overseer, holds the permission, did not submit the evidence."""
    return (
        task.status == TaskStatus.SUBMITTED
        and user.has_perm("tasks.verify_task")
        and is_overseer(user, task)
        and task.submitted_by_id != user.pk
    )


def may_cancel(user, task) -> bool:
    return (
        task.status in (*OWNER_STATUSES, TaskStatus.SUBMITTED)
        and user.has_perm("tasks.verify_task")
        and is_overseer(user, task)
    )
