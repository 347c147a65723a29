"""One interface for every sensor: what it could see, and what it reports.

A :class:`Sensor` is anything with an ``id``, an owning ``partner``, a ``kind`` (the detections'
``IR``/``RADAR`` code) and three methods:

* ``times(t0_s, t1_s)`` — its frame or scan instants in ``[t0_s, t1_s]`` (s since the epoch);
* ``possible(truth)`` — bool ``(n_objects, m)``: could each object be detected at each of the
  truth's times (geometry, field of regard, range, horizon, a burning plume for infrared; no
  noise, no luck);
* ``observe(truth, rng, index=0)`` — its :class:`~tocsin.sensors.detections.DetectionBatch` over
  the truth's times, each time being one frame or scan; ``index`` fills the rows' ``sensor``
  column (the sensor's position in the caller's list).

Two kinds implement it: :class:`~tocsin.sensors.radar.Radar` (a ground site) and
:class:`InfraredSatellite` (an :class:`~tocsin.sensors.infrared.InfraredSensor` payload on a
satellite whose :class:`Ephemeris` it holds, plus the background sources it may see). Federation
hands sensors to nodes through this interface; the scenario runner uses nothing else.

An :class:`Ephemeris` gives a satellite's ECEF state at any times:
:class:`OrbitEphemeris` from Keplerian elements (J2 secular rates) or a TLE (SGP4), and
:class:`TabulatedEphemeris` from states already computed (exact times only; no interpolation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tocsin.errors import InputError
from tocsin.sensors import infrared as irm
from tocsin.sensors.detections import IR, DetectionBatch
from tocsin.sensors.truth import TruthTable

if TYPE_CHECKING:
    from tocsin.earth.frames import EarthFrame
    from tocsin.flight.orbits import KeplerianElements, TleOrbit
    from tocsin.sensors.ir_background import BackgroundSource

__all__ = ["Sensor", "Ephemeris", "OrbitEphemeris", "TabulatedEphemeris", "InfraredSatellite",
           "sensors_of", "sample_times", "observe"]

Array = NDArray[np.float64]


@runtime_checkable
class Sensor(Protocol):
    """The role every sensor plays (module docstring)."""

    @property
    def id(self) -> str: ...

    @property
    def partner(self) -> str: ...

    @property
    def kind(self) -> int: ...

    def times(self, t0_s: float, t1_s: float) -> Array: ...

    def possible(self, truth: TruthTable) -> NDArray[np.bool_]: ...

    def observe(self, truth: TruthTable, rng: np.random.Generator, *,
                index: int = 0) -> DetectionBatch: ...


@runtime_checkable
class Ephemeris(Protocol):
    """A satellite's ECEF position (m) and velocity (m/s), each (m, 3), at times ``t_s`` (m,)."""

    def states_ecef(self, t_s: ArrayLike) -> tuple[Array, Array]: ...


@dataclass(frozen=True)
class OrbitEphemeris:
    """Ephemeris from Keplerian elements (two-body with J2 secular rates,
    :func:`tocsin.flight.orbits.satellite_states_ecef`) or a one-satellite TLE (SGP4,
    :meth:`tocsin.flight.orbits.TleOrbit.states_ecef`). ``frame`` fixes the epoch for elements.

    SGP4 errors (decayed orbit, bad eccentricity) are reported as data by ``TleOrbit``; here a
    time with an SGP4 error has NaN states.
    """

    orbit: KeplerianElements | TleOrbit
    frame: EarthFrame | None = None

    def states_ecef(self, t_s: ArrayLike) -> tuple[Array, Array]:
        from tocsin.flight.orbits import ElementsBatch, KeplerianElements, satellite_states_ecef

        t = np.atleast_1d(np.asarray(t_s, np.float64))
        if isinstance(self.orbit, KeplerianElements):
            if self.frame is None:
                raise InputError("frame", None, "an EarthFrame (the epoch of the elements)")
            r, v = satellite_states_ecef(ElementsBatch.from_elements([self.orbit]), self.frame, t)
            return r[0], v[0]
        r, v, err = self.orbit.states_ecef(t)
        bad = err[0] != 0
        r0, v0 = np.array(r[0], np.float64), np.array(v[0], np.float64)
        r0[bad] = np.nan
        v0[bad] = np.nan
        return r0, v0


@dataclass(frozen=True)
class TabulatedEphemeris:
    """States computed beforehand at times ``t_s`` (m,), ``r_ecef_m``/``v_ecef_m_s`` (m, 3).

    Only tabulated times are served (matched to 1 µs); any other time is an
    :class:`~tocsin.errors.InputError`, never an interpolation.
    """

    t_s: Array
    r_ecef_m: Array
    v_ecef_m_s: Array

    def states_ecef(self, t_s: ArrayLike) -> tuple[Array, Array]:
        t = np.atleast_1d(np.asarray(t_s, np.float64))
        i = np.clip(np.searchsorted(self.t_s, t - 1e-6), 0, max(self.t_s.size - 1, 0))
        if self.t_s.size == 0 or not np.all(np.abs(self.t_s[i] - t) <= 1e-6):
            raise InputError("t_s", t_s, "times inside the ephemeris table (no interpolation)")
        return self.r_ecef_m[i], self.v_ecef_m_s[i]


@dataclass(frozen=True)
class InfraredSatellite:
    """An infrared early-warning payload on a satellite: a :class:`Sensor`.

    ``payload`` is the focal plane and its field of regard (:class:`InfraredSensor`),
    ``ephemeris`` where the satellite is, ``background`` the persistent sources (fires, flares,
    sun glint) it may report, ``frame`` the scenario epoch (needed for sun glint).
    """

    payload: irm.InfraredSensor
    ephemeris: Ephemeris
    background: tuple[BackgroundSource, ...] = field(default=())
    frame: EarthFrame | None = None

    kind: ClassVar[int] = IR

    @property
    def id(self) -> str:
        return self.payload.id

    @property
    def partner(self) -> str:
        return self.payload.partner

    def times(self, t0_s: float, t1_s: float) -> Array:
        """Frame instants k·``frame_period_s`` in [t0_s, t1_s]."""
        return irm.frame_times(self.payload, t0_s, t1_s)

    def possible(self, truth: TruthTable) -> NDArray[np.bool_]:
        """:func:`tocsin.sensors.infrared.ir_possible` from the satellite at ``truth.t_s``."""
        r, _ = self.ephemeris.states_ecef(truth.t_s)
        return irm.ir_possible(self.payload, r, truth)

    def observe(self, truth: TruthTable, rng: np.random.Generator, *,
                index: int = 0) -> DetectionBatch:
        """:func:`tocsin.sensors.infrared.ir_observe`: plumes, random false alarms and the
        background sources, every truth time a frame."""
        r, v = self.ephemeris.states_ecef(truth.t_s)
        out = irm.ir_observe(self.payload, index, r, v, truth, rng)
        if not self.background:
            return out
        from tocsin.sensors.detections import concat
        from tocsin.sensors.ir_background import background_observe

        bg = background_observe(self.background, self.payload, index, r, v, truth.t_s,
                                self.frame, rng)
        both = concat([out, bg])
        return both.take(np.argsort(both.t_s, kind="stable"))


def sensors_of(partner: str, sensors: Sequence[Sensor]) -> list[int]:
    """Indices of the sensors owned by ``partner``."""
    return [k for k, s in enumerate(sensors) if s.partner == partner]


def sample_times(sensors: Sequence[Sensor], t0_s: float, t1_s: float) -> Array:
    """The sorted union of every sensor's frame and scan instants in [t0_s, t1_s] (s): the
    times to sample the truth at for :func:`observe` (rounded to 1 ns, as the runner does)."""
    parts = [np.asarray(s.times(t0_s, t1_s), np.float64) for s in sensors]
    return np.unique(np.round(np.concatenate(parts or [np.zeros(0)]), 9))


def observe(sensors: Sequence[Sensor], truth: TruthTable,
            rng: np.random.Generator | int | None = None) -> DetectionBatch:
    """Every sensor's detections over ``truth``, time-ordered; row ``sensor`` = position in
    ``sensors``.

    Each sensor observes at its own instants within the truth's span, which must be among the
    truth's times (sample it at :func:`sample_times`). ``rng``: a generator, or a seed from
    which one child generator per sensor is spawned (the runner's scheme).
    """
    from tocsin.sensors.detections import concat

    t = np.asarray(truth.t_s, np.float64)
    if t.size == 0:
        raise InputError("truth.t_s", "no times", "a truth table with sample times")
    if isinstance(rng, np.random.Generator):
        gens = [rng] * len(sensors)
    else:
        seeds = np.random.SeedSequence(rng).spawn(len(sensors))
        gens = [np.random.default_rng(s) for s in seeds]
    grid = np.round(t, 9)
    out = []
    for k, s in enumerate(sensors):
        want = np.round(np.asarray(s.times(float(t[0]), float(t[-1])), np.float64), 9)
        idx = np.searchsorted(grid, want)
        ok = (idx < grid.size) & (grid[np.minimum(idx, grid.size - 1)] == want)
        if not ok.all():
            bad = float(want[~ok][0])
            raise InputError(f"sensors[{k}] ({s.id})", f"frame or scan at t = {bad} s",
                             "a time among truth.t_s",
                             hint="sample the truth at sample_times(sensors, t0_s, t1_s)")
        out.append(s.observe(truth.at(idx), gens[k], index=k))
    return concat(out).sorted()
