"""What a sensor can see of a flight: radar cross-section and plume radiant intensity over time.

Public-level modelling assumptions, stated here once:

* **Plume intensity** in the early-warning short-wave infrared band is taken proportional to
  thrust, ``I = K_IR_W_SR_PER_N · F`` with K = 1 W/sr per newton [approx]: a ~900 kN ICBM first
  stage radiates ~1 MW/sr, a ~150 kN upper stage ~0.15 MW/sr — the order of magnitude of open
  boost-phase studies (APS, Kleppner & Lamb 2003). It is zero when no motor burns.
* **Radar cross-section**: a booster stack ``σ = K_RCS · d²`` (d its diameter; K = 3.5, i.e.
  ~10 m² for a 1.7 m ICBM) [approx]; after cut-off the reentry vehicle's ``rcs_m2`` from the
  vehicle table (0.01–0.1 m² class); nothing before launch or after impact.
"""

from __future__ import annotations

import numpy as np

from tocsin.flight import Phase
from tocsin.flight.kernel import S_BURN, S_T0, S_T1, S_THRUST
from tocsin.flight.launches import LaunchBatch, segment_template

__all__ = ["K_IR_W_SR_PER_N", "K_RCS", "signatures"]

K_IR_W_SR_PER_N = 1.0
K_RCS = 3.5


def signatures(batch: LaunchBatch, t_s: np.ndarray, phase: np.ndarray,
               burning: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rcs_m2, ir_intensity_w_sr), each (n, m), for the launches of ``batch`` at times ``t_s``."""
    n, m = phase.shape
    rcs = np.zeros((n, m))
    ir = np.zeros((n, m))
    for k in range(n):
        v = batch.vehicles[int(batch.vehicle_index[k])]
        tau = t_s - batch.launch_time_s[k]
        tmpl, jc = segment_template(v)
        if tmpl.shape[0]:
            t0, t1 = tmpl[:, S_T0].copy(), tmpl[:, S_T1].copy()
            fc = batch.final_coast_s[k]
            if jc >= 0 and fc > 0:
                idx = np.arange(t0.size)
                t0 += fc * (idx > jc)
                t1 += fc * (idx >= jc)
            seg = np.clip(np.searchsorted(t1, tau, side="right"), 0, t0.size - 1)
            thrust = np.where(tmpl[seg, S_BURN] > 0, tmpl[seg, S_THRUST], 0.0)
            ir[k] = np.where(burning[k], K_IR_W_SR_PER_N * thrust, 0.0)
        ph = phase[k]
        boost = ph == Phase.BOOST
        flying = (ph == Phase.MIDCOURSE) | (ph == Phase.REENTRY) | (ph == Phase.ORBIT)
        rcs[k] = np.where(boost, K_RCS * v.diameter_m ** 2, np.where(flying, v.rv.rcs_m2, 0.0))
    return rcs, ir
