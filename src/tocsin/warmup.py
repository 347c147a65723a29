"""Compile every numba kernel once, on tiny inputs, so that the first real run does not.

The kernels are ``@njit(cache=True)``: numba writes the machine code to ``__pycache__`` beside
each source file the first time a kernel runs with a given argument type signature, and later
processes load it in milliseconds. Without this step the first ``make demo`` stops for tens of
seconds mid-run to compile the flight and tracking kernels. ``make setup`` (and so ``make demo``
and ``make test`` on a fresh checkout) runs ``python -m tocsin.warmup`` after installing.

Each kernel is reached through the public code path that calls it in a real run, with the same
argument types (dtype, dimension, layout, read-only-ness: each is a separate compilation):
flight propagation (serial and parallel kernels), ballistic and boost prediction
(:class:`~tocsin.tracking.ballistic.BallisticEcef`, :class:`~tocsin.tracking.ballistic.
BoostAdaptive`, :class:`~tocsin.tracking.phases.PhaseModel`), the nearly-constant-velocity
prediction, gating, GNN and JPDA association, the
Joseph update (:mod:`tocsin.tracking.linalg`) and track management, through a few scans of
:class:`~tocsin.tracking.tracker.MultiTargetTracker`.

Usage: ``python -m tocsin.warmup`` prints the time it took (about a second when the cache is
already warm).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

__all__ = ["warm_flight", "warm_ballistic", "warm_tracker", "main"]


def warm_flight() -> None:
    """Fly one launch (serial kernel) and a batch large enough for the parallel kernel."""
    from tocsin.flight import get_vehicle
    from tocsin.flight.launches import LaunchPlan
    from tocsin.flight.propagate import _PARALLEL_MIN, propagate

    plan = LaunchPlan(get_vehicle("icbm-solid-3"), math.radians(41.1), math.radians(-104.9),
                      0.0, math.radians(20.0))
    t = np.linspace(0.0, 60.0, 7)
    propagate([plan], t, max_flight_s=60.0)                  # the first minute is enough
    propagate([plan] * _PARALLEL_MIN, t, max_flight_s=60.0)


def warm_ballistic() -> None:
    """Ballistic (with and without drag), boost and per-track-phase prediction; flow, transition
    and derivative."""
    from tocsin.tracking.ballistic import BallisticEcef, BoostAdaptive, BoostMode
    from tocsin.tracking.log import MODE_BOOST, MODE_COAST
    from tocsin.tracking.phases import PhaseModel

    r = np.array([[6.5e6, 0.0, 1.5e6]])
    v = np.array([[0.0, 5e3, 3e3]])
    for model in (BallisticEcef(drag=False), BallisticEcef(drag=True)):
        extra = [[1e-4]] if model.dim == 7 else np.empty((1, 0))
        x = np.concatenate([r, v, extra], axis=1)
        P = np.eye(model.dim)[None] * 1e2
        model.predict(x, P, np.array([1.0]))
        model.flow(x, np.array([1.0]))
        model.transition(x, np.array([1.0]))
        model.derivative(x)
    boost = BoostAdaptive()
    x = np.concatenate([r, v, [[20.0]]], axis=1)
    P = np.eye(7)[None] * 1e2
    boost.predict(x, P, np.array([1.0]))
    boost.predict(x, P, np.array([1.0]), BoostMode.start(1))
    x2, P2 = np.repeat(x, 2, axis=0), np.repeat(P, 2, axis=0)
    PhaseModel().predict(x2, P2, np.ones(2), np.array([MODE_BOOST, MODE_COAST]))


def _scans(rng: np.random.Generator, n: int = 4, k: int = 3) -> list[np.ndarray]:
    """``n`` scans of ``k`` targets moving 10 m per scan, plus one clutter point each (m)."""
    start = rng.uniform(0.0, 1e4, (k, 3))
    return [np.vstack([start + 10.0 * s, rng.uniform(0.0, 1e4, (1, 3))]) for s in range(n)]


def warm_tracker() -> None:
    """A few scans of the generic tracker (GNN and JPDA), plus the linear-algebra entry points
    on contiguous writable arrays (the tracker passes a read-only broadcast H)."""
    from tocsin.tracking.association import GlobalNearestNeighbour, JointProbabilisticDA
    from tocsin.tracking.gating import MahalanobisGater
    from tocsin.tracking.kalman import (
        CartesianPosition,
        KalmanUpdater,
        NearlyConstantVelocity,
        kf_update,
        project_covariance,
    )
    from tocsin.tracking.linalg import joseph_update
    from tocsin.tracking.management import MissCovarianceDeleter, TwoPointInitiator
    from tocsin.tracking.tracker import MultiTargetTracker

    R1 = np.eye(3) * 25.0
    for associator in (GlobalNearestNeighbour(), JointProbabilisticDA(0.9, 1e-12)):
        for dense_limit in (4096, 0):                   # dense pre-gate, then the k-d tree
            mtt = MultiTargetTracker(
                NearlyConstantVelocity(1.0), CartesianPosition(R1), MahalanobisGater(
                    dense_limit=dense_limit), associator, KalmanUpdater(),
                TwoPointInitiator(max_speed_m_s=100.0), MissCovarianceDeleter())
            for s, z in enumerate(_scans(np.random.default_rng(0))):
                mtt.step(float(s), z, np.broadcast_to(R1, (len(z), 3, 3)).copy())
            mtt.estimates()
    x, P = np.zeros((2, 6)), np.broadcast_to(np.eye(6), (2, 6, 6)).copy()
    H = np.zeros((2, 3, 6))
    H[:, [0, 1, 2], [0, 2, 4]] = 1.0
    R, nu = np.broadcast_to(R1, (2, 3, 3)).copy(), np.ones((2, 3))
    project_covariance(P, H)
    kf_update(x, P, nu, H, R)
    joseph_update(x, P, nu, H, R)


STEPS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("flight", warm_flight), ("ballistic", warm_ballistic), ("tracker", warm_tracker))


def main() -> None:
    """Run every warm-up step and print how long each took (s)."""
    t0 = time.perf_counter()
    parts = []
    for name, step in STEPS:
        t = time.perf_counter()
        step()
        parts.append(f"{name} {time.perf_counter() - t:.1f} s")
    print(f"tocsin warm-up: numba kernels compiled/loaded in {time.perf_counter() - t0:.1f} s "
          f"({', '.join(parts)})", flush=True)


if __name__ == "__main__":
    main()
