"""The ECE a perfectly calibrated model would still show on a finite sample: what a measured ECE is compared with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import exp, lgamma, log


def expected_abs_gap(n: int, p: float) -> float:
    """E|k/n - p| for k ~ Binomial(n, p): the sampling gap of one bin whose issues are all right with probability p."""
    if n <= 0 or p <= 0.0 or p >= 1.0:
        return 0.0
    lp, lq = log(p), log(1 - p)
    return sum(exp(lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k * lp + (n - k) * lq) * abs(k / n - p)
               for k in range(n + 1))


def ece_floor(reliability: Sequence[Mapping]) -> float:
    """The expected ECE of a calibrated model with the same bins (count and mean p per bin, as score_likely's
    reliability table): each bin's share right is then Binomial(n, mean p) / n. Slightly high when the p inside a bin
    vary (a sum of unequal Bernoullis varies less)."""
    total = sum(int(b["n"]) for b in reliability)
    if not total:
        return 0.0
    return sum(int(b["n"]) * expected_abs_gap(int(b["n"]), float(b["p"])) for b in reliability) / total


def floors(likely: Mapping[str, Mapping]) -> dict[str, float]:
    """Per level of a score_likely report, the ECE floor of its reliability table."""
    return {name: ece_floor(rep.get("reliability") or ()) for name, rep in likely.items()}
