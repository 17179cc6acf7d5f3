"""``core.actions.Conflict``: a write that lost answers 409 with the body a refusal of input has
(400). The endpoints that raise it are tested with their apps (``test_conflicts.py`` in tracing
and areas, the task steps in tasks)."""

from django.core.exceptions import ValidationError

from pingji.core import actions
from pingji.core.api.base import exception_handler


def test_a_conflict_is_a_field_error_that_answers_409():
    refusal = actions.conflict("status", "This dispatch is already acknowledged.", "done")
    assert isinstance(refusal, ValidationError)
    assert refusal.message_dict == {"status": ["This dispatch is already acknowledged."]}
    answer = exception_handler(refusal, {})
    assert answer.status_code == 409
    assert answer.data == {"status": ["This dispatch is already acknowledged."]}


def test_a_refusal_of_input_stays_400_with_the_same_shape():
    answer = exception_handler(actions.error("reason", "Say why."), {})
    assert answer.status_code == 400 and answer.data == {"reason": ["Say why."]}


def test_a_conflict_without_a_field_answers_409_under_its_detail():
    answer = exception_handler(actions.Conflict("The plan was submitted meanwhile."), {})
    assert answer.status_code == 409
    assert answer.data == {"detail": ["The plan was submitted meanwhile."]}
