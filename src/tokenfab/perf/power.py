"""Power-capped sustained clocks: the share of a datasheet peak an accelerator's TDP sustains.

Datasheet peaks assume the maximum boost clock. Under dense matrix load an accelerator whose
board power limit (TDP) is below the power those clocks need lowers its clock until it fits.
In the power-limited regime near the voltage floor, dynamic power scales about linearly with
frequency (``P = C V^2 f`` with ``V`` at its floor), so the sustained matrix rate is::

    kappa = min(1, TDP / P_peak),    P_peak = w_f * e_p * F_p / 1e15

with ``F_p`` the dense peak at precision ``p`` [FLOP/s], ``e_p`` the energy of one operation
relative to FP8 (FP4 0.5, FP8 1, BF16 2: narrower multipliers cost less energy per
operation; datasheets double the rate each time the width halves) and ``w_f`` the family's
board watts per FP8-equivalent PFLOP/s at full clocks (:attr:`Calibration.watts_per_pflops`).

Why it matters: the MI325X is the MI300X die with HBM3E at 1,000 W instead of 750 W and the
same datasheet peak; AMD MLPerf results measure it ~1.25x faster on llama2-70b offline
(compute-bound), which a model without the power limit predicts equal. The B300 lists 1.5x
the B200's FP4 peak at 1,100 W vs 1,000 W and measures ~1.07x on the same benchmark.

Hand check (``tests/perf/test_perf_mechanisms.py``): CDNA3 ``w = 370`` -> MI300X
``kappa = 750 / (370 * 2.615) = 0.775``, MI325X ``1000 / 967.6 -> 1``: ratio 1.29.
"""

from __future__ import annotations

__all__ = ["ENERGY_PER_OP", "sustained_fraction"]

#: energy of one dense operation relative to FP8, by precision (see module docstring)
ENERGY_PER_OP: dict[str, float] = {"fp4": 0.5, "fp8": 1.0, "bf16": 2.0}


def sustained_fraction(tdp_w: float, peak_flops_per_s: float, precision: str,
                       watts_per_pflops: float) -> float:
    """Sustained / datasheet matrix rate of a power-capped accelerator [-].

    Parameters
    ----------
    tdp_w : float
        Board power limit [W].
    peak_flops_per_s : float
        Dense datasheet peak at ``precision`` [FLOP/s].
    precision : str
        ``fp4``, ``fp8`` or ``bf16``.
    watts_per_pflops : float
        Board power per FP8-equivalent PFLOP/s at full clocks [W / (PFLOP/s)]; 0 disables
        the cap.

    Returns
    -------
    float
        ``min(1, TDP / P_peak)`` (module docstring).

    >>> round(sustained_fraction(750.0, 2.615e15, "fp8", 370.0), 3)
    0.775
    """
    if watts_per_pflops <= 0 or peak_flops_per_s <= 0 or tdp_w <= 0:
        return 1.0
    need = watts_per_pflops * ENERGY_PER_OP.get(precision, 1.0) * peak_flops_per_s / 1e15
    return min(1.0, tdp_w / need)
