"""One motion model for every phase of flight: boost, midcourse and reentry, per track.

A system track's state is 7-D in ECEF, ``x = (r, v, x₆)`` (m, m/s), and each track carries a
**mode** that says what x₆ is and which physics propagates it:

* :data:`~tocsin.tracking.log.MODE_BOOST` — x₆ = a_T, thrust acceleration (m/s²) along the
  Earth-relative velocity, a random walk (the booster model of Li & Jilkov, "Survey of
  maneuvering target tracking. Part II: Motion models of ballistic and space targets", IEEE
  Trans. AES 46(1), 2010, §III, gravity turn); drag is absorbed into a_T;
* :data:`~tocsin.tracking.log.MODE_COAST` — x₆ = 1/β = C_D A/m (m²/kg), the ballistic model with
  J2 gravity, Earth rotation and US-1976 drag (Farina, Ristic & Benvenuti, "Tracking a ballistic
  target: comparison of several nonlinear filters", IEEE Trans. AES 38(3), 2002: 1/β in the
  state). Above 150 km the air is neglected and this *is* the midcourse model (J2 + rotation);
  below, drag acts and 1/β becomes observable: the reentry model. Midcourse and reentry are
  therefore one model whose drag term switches itself on with the density, not two models to
  mix.

The switch between boost and coast is the variable-structure scheme of Bar-Shalom & Birmiwal,
"Variable dimension filter for maneuvering target tracking", IEEE Trans. AES-18 (1982) 621–629
(BLK 2001 §11.6), with its burnout decision made by Wald's sequential probability ratio test
(A. Wald, *Sequential Analysis*, 1947): at each radar update of a boosting track the plot's
likelihood is computed under the boost prediction and under a coast prediction of the same
prior, and the log-likelihood ratio Λ ← clip(Λ + ln N(ν_c; 0, S_c) − ln N(ν_b; 0, S_b))
accumulates, clipped at −``llr_floor`` (so that evidence of a burning motor does not delay the
burnout decision unduly); burnout when Λ > ``burnout_llr`` (odds e^Λ for coasting). This is the mode
probability an IMM would carry, without the mixing. The test needs no settled thrust estimate:
a thrust that the sensor cannot see (velocity across the line of sight) gives Λ ≈ 0 and the
track stays in boost until the data tell. Infrared angles cannot tell thrust (the range is not
measured), so an infrared-only booster burns out by silence instead (the tracker's time-out).
Re-ignition: the fading-memory average of the normalised innovation squared of a coasting
track exceeds ``nis_reopen``. At a switch x₆ is re-initialised (1/β from the prior
``inv_beta0``/``inv_beta_sigma``; a_T from ``reopen_sigma_m_s2``) with its cross-covariances
zeroed — the new component is independent of what was estimated so far.

Why not an IMM (Blom & Bar-Shalom 1988): the boost and coast models differ in the meaning of x₆,
so an IMM would mix unlike quantities or need a state of the union (r, v, a_T, 1/β) in which the
inactive component is unobservable in each model; it would also double the propagation cost (the
RK4 variational kernel is the run's hot path). Burnout is a single, irreversible event for the
vehicles Tocsin flies (re-ignition is handled by the reopen test), which is exactly the case the
variable-structure filter was designed for; consistency is checked phase by phase in the tests.

Propagation: the RK4 variational kernel of :mod:`tocsin.tracking.ballistic` with each track's own
model and step (1 s in boost; ``coast_step_s`` above 150 km, ``drag_step_s`` below).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tocsin.earth.atmosphere import density_spline
from tocsin.earth.model import EarthModel
from tocsin.tracking.ballistic import C_DRAG_BELOW, kernel_constants, predict_modes
from tocsin.tracking.log import MODE_BOOST, MODE_COAST

__all__ = ["PhaseModel"]


def _kernel_array(a: np.ndarray) -> np.ndarray:
    """``a`` itself if the kernel can read it as is (C-contiguous, writeable; numba compiles
    read-only arrays as another type), else a C-ordered copy. The kernel never writes to it."""
    if a.dtype == np.float64 and a.flags.c_contiguous and a.flags.writeable:
        return a
    return np.array(a, np.float64, order="C")


@dataclass
class PhaseModel:
    """Per-track boost/coast motion model over 7-D ECEF states (module docstring).

    Process noise: ``q_boost_m2_s3`` white acceleration per axis and ``q_thrust_m2_s5`` on a_T
    in boost (pitch programme and staging: a_T drops by tens of m/s² at staging); ``q_coast_m2_s3``
    per axis and ``q_inv_beta`` (m⁴ kg⁻² s⁻¹) on 1/β in coast. The boost noise is ten and four
    times :class:`~tocsin.tracking.ballistic.BoostAdaptive`'s: with infrared angles only (no
    range) the smaller values left boost NEES 5–25× above its band on the example scenarios
    (``benchmarks/bench_tracking.py``); the truth's coasting physics is the filter's, so the
    coast noise only covers what the model leaves out (J3+, the first seconds after burnout).
    """

    q_boost_m2_s3: float = 10.0
    q_thrust_m2_s5: float = 400.0
    q_coast_m2_s3: float = 1e-6
    q_inv_beta: float = 1e-11
    inv_beta0: float = 2e-4
    inv_beta_sigma: float = 5e-4
    boost_step_s: float = 1.0
    coast_step_s: float = 10.0
    drag_step_s: float = 0.2
    burnout_llr: float = 4.6
    llr_floor: float = 5.0
    nis_memory: float = 0.8
    nis_reopen: float = 5.0
    reopen_sigma_m_s2: float = 30.0
    earth: EarthModel | None = None
    dim: int = 7
    _c: np.ndarray = field(init=False, repr=False)
    _spl: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._c = kernel_constants(self.earth or EarthModel())
        self._c[C_DRAG_BELOW] = 150e3
        self._spl = density_spline()

    def predict(self, x: np.ndarray, P: np.ndarray, dt_s: np.ndarray, mode: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """States (n, 7) and covariances (n, 7, 7) advanced by ``dt_s`` (n,) in each ``mode``."""
        x = _kernel_array(x)
        n = x.shape[0]
        if n == 0:
            return x.copy(), np.array(P, np.float64)
        dt = np.asarray(dt_s, np.float64)
        dt = _kernel_array(dt) if dt.shape == (n,) else np.full(n, dt, np.float64)
        out_x, out_P = np.empty_like(x), np.empty((n, 7, 7))
        par = np.array([self.q_boost_m2_s3, self.q_coast_m2_s3, self.q_thrust_m2_s5,
                        self.q_inv_beta, self.boost_step_s, self.coast_step_s])
        predict_modes(x, _kernel_array(P), dt, np.ascontiguousarray(mode, np.int8),
                      MODE_BOOST, self._c, self._spl, par, float(self.drag_step_s), out_x,
                      out_P)
        return out_x, out_P

    def to_coast(self, x: np.ndarray, P: np.ndarray, idx: np.ndarray) -> None:
        """Burnout of tracks ``idx`` (in place): x₆ := 1/β prior, uncorrelated."""
        x[idx, 6] = self.inv_beta0
        P[idx, 6, :] = 0.0
        P[idx, :, 6] = 0.0
        P[idx, 6, 6] = self.inv_beta_sigma ** 2

    def to_boost(self, x: np.ndarray, P: np.ndarray, idx: np.ndarray) -> None:
        """(Re-)ignition of tracks ``idx`` (in place): x₆ := a_T = 0 ± ``reopen_sigma_m_s2``."""
        x[idx, 6] = 0.0
        P[idx, 6, :] = 0.0
        P[idx, :, 6] = 0.0
        P[idx, 6, 6] = self.reopen_sigma_m_s2 ** 2

    def coast_copy(self, x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Copies of boost states (n, 7), (n, 7, 7) re-read as coasting (x₆ := 1/β prior)."""
        xc, Pc = np.array(x, np.float64), np.array(P, np.float64)
        self.to_coast(xc, Pc, np.arange(xc.shape[0]))
        return xc, Pc

    def adapt(self, mode: np.ndarray, llr: np.ndarray, nis_bar: np.ndarray, x: np.ndarray,
              P: np.ndarray, nis: np.ndarray, dim_z: int, dllr: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mode switches of tracks just updated (arrays of those tracks; x, P changed in place).

        ``nis (n,)`` their normalised innovation squared with measurement dimension ``dim_z``;
        ``dllr (n,)`` this update's ln-likelihood ratio coast/boost (0 where the update could
        not tell, e.g. an infrared ray). Returns new (mode, Λ, nis_bar)."""
        eps = self.nis_memory * nis_bar + (1.0 - self.nis_memory) * nis / dim_z
        boost = mode == MODE_BOOST
        llr = np.where(boost, np.clip(llr + dllr, -self.llr_floor, 20.0), 0.0)
        off = boost & (llr > self.burnout_llr)
        on = ~boost & (eps > self.nis_reopen)
        if off.any():
            self.to_coast(x, P, np.flatnonzero(off))
        if on.any():
            self.to_boost(x, P, np.flatnonzero(on))
        new_mode = np.where(off, MODE_COAST, np.where(on, MODE_BOOST, mode)).astype(np.int8)
        eps = np.where(on | off, 1.0, eps)
        return new_mode, np.where(new_mode == MODE_BOOST, llr, 0.0), eps
