"""Where measurements meet the static findings: the measured rules (SMxxx) and the verdicts
each testable static finding gets from the walks that put it to the test."""

from schemalint.verdicts import engines, measured
from schemalint.verdicts.base import MEASURED_CHECKS

__all__ = ["MEASURED_CHECKS", "engines", "measured"]
