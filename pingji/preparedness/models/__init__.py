"""Peacetime surveillance and early warning, training, drills (and their sandboxes)."""

from .drills import Drill, DrillFinding, DrillStepRecord
from .surveillance import Alert, SurveillanceReport, SurveillanceSite, WarningRule
from .training import Attendance, Course
from .vectors import VectorSurvey

__all__ = [
    "Alert",
    "Attendance",
    "Course",
    "Drill",
    "DrillFinding",
    "DrillStepRecord",
    "SurveillanceReport",
    "SurveillanceSite",
    "VectorSurvey",
    "WarningRule",
]
