"""Merge the rules' predictions with the optional classifier's: the rules decide when sure, the model fills gaps."""

from __future__ import annotations

import math

from bot.core.taxonomy import Taxonomy
from bot.core.types import Evidence, Prediction

KEYS = ("symptom", "root_cause", "stage")

ModelOut = dict[str, tuple[list[str], float]]

# Defaults chosen by 5-fold cross-validation over the dev set (bot/ml/crossval.py, 3 seeds): filling abstentions
# from a model probability of 0.3 up gained on symptom L1 (the root cause: see FILL_MIN_BY_DIMENSION); overriding a
# rules prediction that cleared the rules' own thresholds (>= 0.5) lost more than it won, so by default the model
# only decides below that.
FILL_MIN = 0.3
FILL_MIN_BY_DIMENSION = {"root_cause": math.inf}
"""The model never fills (nor breaks) a root cause. Over 5 seeds of 5-fold CV, filling cause abstentions from 0.3
took cause L1 precision from 0.83 to 0.71 for +3.5 points of accuracy; from 0.5 it gained 0.2 points and cost 2.3
points of precision (0.797 on 2 seeds), from 0.6 or 0.7 it gained nothing and still cost precision."""
DEEPEN_MIN = 0.5
RULES_SURE = 0.5
OVERRIDE_MARGIN = 0.15


def _model_prediction(path: list[str], prob: float, base: Prediction | None = None) -> Prediction:
    """A Prediction decided by the model, keeping the rules' evidence when it extends their path."""
    evidence = list(base.evidence) if base else []
    evidence.append(Evidence(rule="classifier", node=" - ".join(path), weight=round(prob, 4)))
    return Prediction(path=list(path), confidence=round(prob, 4), evidence=evidence, decided_by="model")


def combine_one(
    rule: Prediction | None,
    model: tuple[list[str], float] | None,
    *,
    fill_min: float = FILL_MIN,
    deepen_min: float = DEEPEN_MIN,
    rules_sure: float = RULES_SURE,
    override_margin: float = OVERRIDE_MARGIN,
) -> Prediction | None:
    """Combine one taxonomy dimension; see combine() for the policy."""
    if not model or not model[0]:
        return rule
    path, prob = list(model[0]), float(model[1])
    if rule is None:
        return _model_prediction(path, prob) if prob >= fill_min else None
    if path[: len(rule.path)] == rule.path:
        if len(path) > len(rule.path) and prob >= deepen_min:
            return _model_prediction(path, min(prob, rule.confidence), rule)
        return rule
    unsure = rule.confidence < rules_sure
    if unsure and path[0] != rule.path[0] and prob >= fill_min and prob >= rule.confidence + override_margin:
        return _model_prediction(path, prob)
    return rule


def combine(
    rules: dict[str, Prediction | None],
    model: ModelOut | None,
    *,
    fill_min: float | None = None,
    deepen_min: float = DEEPEN_MIN,
    rules_sure: float = RULES_SURE,
    override_margin: float = OVERRIDE_MARGIN,
) -> dict[str, Prediction | None]:
    """Per dimension: keep sure rules; let the model fill abstentions, deepen an agreeing path, or break a weak call.

    - the rules abstain and the model's probability reaches `fill_min` (by default FILL_MIN, or the dimension's
      FILL_MIN_BY_DIMENSION): the model's path;
    - the model's path extends the rules' path and reaches `deepen_min`: the deeper path;
    - the rules are unsure (confidence below `rules_sure`), the model names another top level with at least
      `fill_min` and beats the rules' confidence by `override_margin`: the model's path;
    - otherwise the rules' prediction, unchanged. Predictions the model decided carry `decided_by="model"`.
    """
    model = model or {}
    return {
        key: combine_one(
            rules.get(key), model.get(key),
            fill_min=FILL_MIN_BY_DIMENSION.get(key, FILL_MIN) if fill_min is None else fill_min,
            deepen_min=deepen_min, rules_sure=rules_sure, override_margin=override_margin,
        )
        for key in KEYS
    }


def settled(rules: dict[str, Prediction | None], taxonomy: Taxonomy) -> bool:
    """True when no model output can change combine()'s answer, so the model need not run: the rules decided each
    dimension at a leaf of the taxonomy (nothing to deepen) and are sure of it (nothing to break), or abstained
    where the model may not fill (FILL_MIN_BY_DIMENSION above 1)."""
    for k in KEYS:
        p = rules.get(k)
        if p is None:
            if FILL_MIN_BY_DIMENSION.get(k, FILL_MIN) <= 1.0:
                return False
        elif p.confidence < RULES_SURE or taxonomy.named_children(k, tuple(p.path)):
            return False
    return True
