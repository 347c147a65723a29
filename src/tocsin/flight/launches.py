"""What is launched: one :class:`LaunchPlan`, or a columnar :class:`LaunchBatch` of many.

A batch is packed, vectorised per vehicle type, into the kernel's arrays: per-vehicle parameters
``P`` and the flight's segments ``S`` (ignition, pitch programme, staging, coasts, cut-off, then
the ballistic body). Validation happens here, at the door: a non-finite number, a latitude outside
±π/2 or a kick outside [0, π/2) is an :class:`~tocsin.errors.InputError` naming the row and field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from tocsin.checks import LON_MAX_RAD, LON_MIN_RAD, check_rows
from tocsin.earth.model import EarthModel
from tocsin.earth.wgs84 import enu_basis, geodetic_to_ecef
from tocsin.flight import kernel as K
from tocsin.flight.vehicles import Vehicle

__all__ = ["LaunchPlan", "LaunchBatch", "pack", "segment_template"]

NEVER_S = 1e30


@dataclass(frozen=True)
class LaunchPlan:
    """Everything one flight needs.

    ``pitch_rad`` is the pitch-programme kick from the vertical (for the impulsive vehicle: the
    angle of the burnout velocity from the vertical). ``cutoff_s`` ends thrust early (seconds after
    launch; ``None`` burns every stage to depletion); the impulsive vehicle instead takes
    ``burnout_speed_m_s`` (relative to the Earth-fixed frame). ``final_coast_s`` delays the last
    stage's ignition (orbit insertion at apogee).
    """

    vehicle: Vehicle
    lat_rad: float
    lon_rad: float
    azimuth_rad: float
    pitch_rad: float
    alt_m: float = 0.0
    launch_time_s: float = 0.0
    cutoff_s: float | None = None
    burnout_speed_m_s: float | None = None
    final_coast_s: float = 0.0


@dataclass(frozen=True)
class LaunchBatch:
    """Columnar launches: row k flies ``vehicles[vehicle_index[k]]``; NaN cut-off = full burn."""

    vehicles: tuple[Vehicle, ...]
    vehicle_index: np.ndarray
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    azimuth_rad: np.ndarray
    pitch_rad: np.ndarray
    alt_m: np.ndarray
    launch_time_s: np.ndarray
    cutoff_s: np.ndarray
    burnout_speed_m_s: np.ndarray
    final_coast_s: np.ndarray

    def __len__(self) -> int:
        return int(self.vehicle_index.shape[0])

    @classmethod
    def from_plans(cls, plans: Sequence[LaunchPlan]) -> LaunchBatch:
        vehicles: list[Vehicle] = []
        index: dict[int, int] = {}
        vi = np.empty(len(plans), dtype=np.int64)
        for k, p in enumerate(plans):
            key = id(p.vehicle)
            if key not in index:
                index[key] = len(vehicles)
                vehicles.append(p.vehicle)
            vi[k] = index[key]

        def col(name: str) -> np.ndarray:
            return np.array([np.nan if getattr(p, name) is None else getattr(p, name)
                             for p in plans], dtype=float)

        return cls(tuple(vehicles), vi, col("lat_rad"), col("lon_rad"), col("azimuth_rad"),
                   col("pitch_rad"), col("alt_m"), col("launch_time_s"), col("cutoff_s"),
                   col("burnout_speed_m_s"), col("final_coast_s"))

    @classmethod
    def of(cls, vehicle: Vehicle, *, lat_rad: ArrayLike, lon_rad: ArrayLike,
           azimuth_rad: ArrayLike, pitch_rad: ArrayLike, alt_m: ArrayLike = 0.0,
           launch_time_s: ArrayLike = 0.0, cutoff_s: ArrayLike = np.nan,
           burnout_speed_m_s: ArrayLike = np.nan, final_coast_s: ArrayLike = 0.0
           ) -> LaunchBatch:
        """A batch of one vehicle type; every argument broadcasts to the batch shape (n,)."""
        arrs = np.broadcast_arrays(*(np.asarray(a, dtype=float).ravel() for a in (
            lat_rad, lon_rad, azimuth_rad, pitch_rad, alt_m, launch_time_s, cutoff_s,
            burnout_speed_m_s, final_coast_s)))
        n = arrs[0].shape[0]
        return cls((vehicle,), np.zeros(n, dtype=np.int64), *(a.copy() for a in arrs))


def segment_template(v: Vehicle) -> tuple[np.ndarray, int]:
    """Segment rows of a full burn with no extra coast, and the index of the final coast row."""
    rows: list[tuple[float, ...]] = []
    mass = v.liftoff_mass_kg
    cda = v.boost_cd_area_m2
    t = 0.0
    n = len(v.stages)
    final_coast_row = -1
    for i, st in enumerate(v.stages):
        if i > 0:
            if i == n - 1:
                final_coast_row = len(rows)
            rows.append((t, t + st.coast_before_s, 0.0, 0.0, mass, cda, K.STEER_NONE, 0.0))
            t += st.coast_before_s
        t_end = t + st.burn_s
        if i == 0:
            t_v = min(v.vertical_rise_s, st.burn_s)
            t_k = min(v.vertical_rise_s + v.pitch_over_s, st.burn_s)
            cuts = [(t, t_v, K.STEER_VERTICAL), (t_v, t_k, K.STEER_PITCH_OVER),
                    (t_k, t_end, K.STEER_GRAVITY_TURN)]
        else:
            steer = K.STEER_HORIZONTAL if (v.orbital and i == n - 1) else K.STEER_GRAVITY_TURN
            cuts = [(t, t_end, steer)]
        for a, b, steer in cuts:
            rows.append((a, b, st.thrust_n, st.mdot_kg_s, mass - st.mdot_kg_s * (a - t), cda,
                         steer, 1.0))
        mass -= st.propellant_kg + st.dry_kg
        t = t_end
    return np.array(rows, dtype=float).reshape(-1, K.N_S), final_coast_row


def _check(b: LaunchBatch) -> None:
    """Every row of the batch, each column against its bounds (:func:`tocsin.checks.check_rows`:
    the first bad row is named, ``launches[k].field``)."""
    def first_bad(mask: np.ndarray, field: str, values: np.ndarray, expected: str) -> None:
        check_rows("launches", field, values, mask, expected)

    with np.errstate(invalid="ignore"):
        for name in ("lat_rad", "lon_rad", "azimuth_rad", "pitch_rad", "alt_m", "launch_time_s",
                     "final_coast_s"):
            a = getattr(b, name)
            first_bad(~np.isfinite(a), name, a, "a finite number")
        first_bad(np.abs(b.lat_rad) > np.pi / 2, "lat_rad", b.lat_rad, "a latitude within ±π/2")
        first_bad((b.lon_rad < LON_MIN_RAD) | (b.lon_rad > LON_MAX_RAD), "lon_rad", b.lon_rad,
                  "a longitude in [-π, 2π] rad ([-180, 360]°)")
        first_bad((b.pitch_rad < 0) | (b.pitch_rad >= np.pi / 2), "pitch_rad", b.pitch_rad,
                  "a kick angle from the vertical in [0, π/2)")
        first_bad(b.final_coast_s < 0, "final_coast_s", b.final_coast_s, "a coast ≥ 0 s")
        first_bad(b.alt_m < -500.0, "alt_m", b.alt_m, "a launch height ≥ -500 m")
        imp = np.array([v.impulsive for v in b.vehicles], dtype=bool)[b.vehicle_index]
        s = b.burnout_speed_m_s
        first_bad(imp & ~(s > 0), "burnout_speed_m_s", s,
                  "a positive speed for the impulsive vehicle")
        c = b.cutoff_s
        first_bad(~imp & ~np.isnan(c) & ~(c > 0), "cutoff_s", c, "a positive cut-off time or NaN")


def pack(batch: LaunchBatch | Sequence[LaunchPlan], earth: EarthModel,
         max_flight_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Kernel arrays (P, S) for a batch (validated), vectorised per vehicle type."""
    b = batch if isinstance(batch, LaunchBatch) else LaunchBatch.from_plans(batch)
    _check(b)
    n = len(b)
    templates = [segment_template(v) for v in b.vehicles]
    n_seg = 1 + max((t.shape[0] for t, _ in templates), default=0)
    S = np.zeros((n, n_seg, K.N_S))
    P = np.zeros((n, K.N_P))
    for vi, (v, (tmpl, jc)) in enumerate(zip(b.vehicles, templates, strict=True)):
        rows = np.flatnonzero(b.vehicle_index == vi)
        if rows.size == 0:
            continue
        m = tmpl.shape[0]
        seg = np.broadcast_to(tmpl, (rows.size, m, K.N_S)).copy()
        if jc >= 0:
            fc = b.final_coast_s[rows][:, None]
            idx = np.arange(m)[None, :]
            seg[:, :, K.S_T0] += fc * (idx > jc)
            seg[:, :, K.S_T1] += fc * (idx >= jc)
        cut = np.where(np.isnan(b.cutoff_s[rows]), np.inf, b.cutoff_s[rows])[:, None]
        keep = seg[:, :, K.S_T0] < cut
        seg[:, :, K.S_T1] = np.minimum(seg[:, :, K.S_T1], cut)
        burning = keep & (seg[:, :, K.S_BURN] > 0)
        t_bo = np.where(burning, seg[:, :, K.S_T1], 0.0).max(axis=1, initial=0.0)
        keep &= (seg[:, :, K.S_T0] < t_bo[:, None]) & (seg[:, :, K.S_T1] > seg[:, :, K.S_T0])
        # Kept rows are a prefix up to zero-length coasts; compact them in order.
        n_kept = keep.sum(axis=1)
        order = np.argsort(~keep, axis=1, kind="stable")
        seg = np.take_along_axis(seg, order[:, :, None], axis=1)
        S[rows, :m] = seg
        m_after = v.payload_kg if v.orbital else v.rv.mass_kg
        ballistic = np.array([0.0, NEVER_S, 0.0, 0.0, m_after, v.rv.cd_area_m2, K.STEER_NONE,
                              0.0])
        S[rows, n_kept] = ballistic
        S[rows, n_kept, K.S_T0] = t_bo
        P[rows, K.P_NSEG] = n_kept + 1
        P[rows, K.P_T_BURNOUT] = t_bo
        P[rows, K.P_KICK_T0] = v.vertical_rise_s
        P[rows, K.P_KICK_DUR] = max(v.pitch_over_s, 1e-9)
        P[rows, K.P_ORBITAL] = 1.0 if v.orbital else 0.0
    P[:, K.P_KICK] = b.pitch_rad
    P[:, K.P_T_LAUNCH] = b.launch_time_s
    P[:, K.P_T_MAX] = max_flight_s
    basis = enu_basis(b.lat_rad, b.lon_rad)
    east, north, up = basis[:, 0], basis[:, 1], basis[:, 2]
    if earth.spherical:
        r0 = (earth.sphere_radius_m + b.alt_m)[:, None] * up
    else:
        r0 = geodetic_to_ecef(b.lat_rad, b.lon_rad, b.alt_m)
    hdir = np.cos(b.azimuth_rad)[:, None] * north + np.sin(b.azimuth_rad)[:, None] * east
    imp = np.array([v.impulsive for v in b.vehicles], dtype=bool)[b.vehicle_index]
    speed = np.where(imp, b.burnout_speed_m_s, 0.0)[:, None]
    c, s = np.cos(b.pitch_rad)[:, None], np.sin(b.pitch_rad)[:, None]
    P[:, K.P_V0:K.P_V0 + 3] = speed * (c * up + s * hdir)
    P[:, K.P_R0:K.P_R0 + 3] = r0
    P[:, K.P_UP:K.P_UP + 3] = up
    P[:, K.P_HDIR:K.P_HDIR + 3] = hdir
    return P, S
