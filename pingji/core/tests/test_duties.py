"""A declared duty grants its permissions inside ``performing`` only, to an active user only."""

import pytest

from pingji.core.duties import DutyBackend, declare_duty, declared, performing

PROBE = declare_duty("core.test_probe", {"cases.add_case"}, "a test of the mechanism")


class _User:
    is_authenticated = True

    def __init__(self, active: bool = True):
        self.is_active = active


def test_the_permissions_hold_inside_the_block_and_nowhere_else():
    backend, user = DutyBackend(), _User()
    assert not backend.has_perm(user, "cases.add_case")
    with performing(PROBE):
        assert backend.has_perm(user, "cases.add_case")
        assert not backend.has_perm(user, "cases.delete_case")  # only what the duty carries
        assert not backend.has_perm(_User(active=False), "cases.add_case")
    assert not backend.has_perm(user, "cases.add_case")


def test_a_duty_is_declared_once_and_only_a_declared_one_is_performed():
    assert declared()["core.test_probe"] is PROBE
    with pytest.raises(ValueError):
        declare_duty("core.test_probe", set(), "again")
    stranger = type(PROBE)("core.undeclared", frozenset({"cases.add_case"}), "not declared")
    with pytest.raises(ValueError), performing(stranger):
        pass
