"""The ECE floor: what a perfectly calibrated model's ECE is on a finite sample, in closed form."""

from __future__ import annotations

import random

import pytest

from bot.ml.ece_floor import ece_floor, expected_abs_gap, floors


@pytest.mark.parametrize("p", [0.1, 0.5, 0.83])
def test_one_issue_bin_gap_is_two_p_q(p):
    assert expected_abs_gap(1, p) == pytest.approx(2 * p * (1 - p))


def test_gap_shrinks_like_one_over_root_n_and_is_zero_at_certainty():
    assert expected_abs_gap(400, 0.5) == pytest.approx((2 / 3.141592653589793) ** 0.5 * 0.5 / 20, rel=0.02)
    assert expected_abs_gap(3000, 0.7) > 0  # large bins do not overflow
    assert expected_abs_gap(10, 1.0) == 0.0 and expected_abs_gap(0, 0.5) == 0.0


def test_floor_matches_simulated_calibrated_outcomes():
    table = [{"n": 12, "p": 0.25}, {"n": 30, "p": 0.55}, {"n": 68, "p": 0.93}]
    rng = random.Random(7)
    sims = []
    for _ in range(4000):
        gaps = [b["n"] * abs(sum(rng.random() < b["p"] for _ in range(b["n"])) / b["n"] - b["p"]) for b in table]
        sims.append(sum(gaps) / 110)
    assert ece_floor(table) == pytest.approx(sum(sims) / len(sims), abs=0.003)


def test_floors_per_level_and_empty_tables():
    got = floors({"stage": {"reliability": [{"n": 2, "p": 0.5}, {"n": 0, "p": 0.0}]}, "symptom L1": {}})
    assert got == {"stage": pytest.approx(0.25), "symptom L1": 0.0}
