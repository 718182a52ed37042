"""The probabilistic decision: priors from labelled failures, a log-linear model per dimension, calibration."""

from bot.core.decide.decider import Decider, DimResult
from bot.core.decide.priors import family_of

__all__ = ["Decider", "DimResult", "family_of"]
