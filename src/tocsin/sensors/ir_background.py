"""Persistent infrared false-alarm sources: fires, flares and sunlight glinting off high clouds.

Each source looks, to a single satellite, like a burning plume — a hot point, stationary or
drifting slowly, low in the atmosphere — and is reported with ``truth_id = FALSE_ALARM``. A
tracker that promoted every persistent hot spot would raise alarms; the tracking stage must not.

* **fire**: a static hot spot (large wildfire, industrial fire), modest and long-lived.
* **flare**: a short, bright event (gas-well blow-out, explosion).
* **sun-glint**: sunlight reflected specularly by high clouds — the cause of the 26 Sep 1983 Oko
  false alarm (REFERENCE.md, False alarms). Seen only while the Sun is above the local horizon
  and the direction to the satellite lies within ``glint_half_angle_rad`` (3° by default) of the
  mirror image of the Sun's direction about the local vertical, m̂ = 2(ŝ·û)û − ŝ; so whether a
  glint appears depends on the real Sun (:mod:`tocsin.earth.sun`) at the scenario time.

Sources below the detection altitude are still seen (reflected sunlight and very hot fires are
bright in the band's wings; cloud tops near 10 km are close to the absorbing layer's top), and the
viewing mode is not applied: the 1983 glint fooled a sensor watching the limb. Only the line of
sight (clear of the Earth) and the field of regard are tested. Default intensities [approx],
with the default sensor (NEI 2e-11 W/m², T = 5) at 38,000 km: fire 2e5 W/sr (SNR ≈ 7, just
above threshold), flare 1e6 W/sr (≈ 35, like a booster), glint 5e5 W/sr (≈ 17). A drifting
source moves on a sphere of radius a + h (east and north speeds), a small-angle approximation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tocsin.checks import check_lat_rad, check_lon_rad, check_number, check_vectors
from tocsin.earth.constants import A_M
from tocsin.earth.frames import EarthFrame
from tocsin.earth.los import line_of_sight_clear
from tocsin.earth.sun import sun_direction_ecef
from tocsin.earth.wgs84 import geodetic_to_ecef, up_ecef
from tocsin.errors import InputError
from tocsin.sensors.detections import FALSE_ALARM, DetectionBatch
from tocsin.sensors.infrared import (
    Array,
    InfraredSensor,
    ir_report,
    max_off_nadir_rad,
    sensor_frames,
)

__all__ = ["KINDS", "TYPICAL_ALT_M", "TYPICAL_INTENSITY_W_SR", "BackgroundSource",
           "background_visible", "background_observe"]

KINDS = ("sun-glint", "fire", "flare")
TYPICAL_INTENSITY_W_SR = {"sun-glint": 5e5, "fire": 2e5, "flare": 1e6}
# Height (m above the ellipsoid) of a source whose height is not given: a glint comes from high
# cloud tops (~10 km, the 1983 Oko false alarm), not from the ground under them; a scenario file
# places a fire or flare at its site's altitude instead (docs/scenario.md, background).
TYPICAL_ALT_M = {"sun-glint": 10e3, "fire": 0.0, "flare": 0.0}


@dataclass(frozen=True)
class BackgroundSource:
    """One persistent hot spot; SI units, times in seconds since the epoch.

    ``alt_m`` / ``intensity_w_sr`` left ``None`` take the kind's typical value (module
    docstring); ``duration_s`` may be ``inf``; ``drift_*_m_s`` move it slowly (clouds, a spreading
    fire); ``glint_half_angle_rad`` is the specular cone of a sun-glint source.
    """

    id: str
    kind: str
    lat_rad: float
    lon_rad: float
    alt_m: float | None = None
    start_s: float = 0.0
    duration_s: float = math.inf
    intensity_w_sr: float | None = None
    drift_east_m_s: float = 0.0
    drift_north_m_s: float = 0.0
    glint_half_angle_rad: float = math.radians(3.0)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise InputError("id", self.id, "a non-empty string")
        if self.kind not in KINDS:
            raise InputError("kind", self.kind, "one of " + ", ".join(KINDS))
        if self.alt_m is None:
            object.__setattr__(self, "alt_m", TYPICAL_ALT_M[self.kind])
        if self.intensity_w_sr is None:
            object.__setattr__(self, "intensity_w_sr", TYPICAL_INTENSITY_W_SR[self.kind])
        check_lat_rad("lat_rad", self.lat_rad)
        check_lon_rad("lon_rad", self.lon_rad)
        check_number("alt_m", self.alt_m, 0.0, 30e3)
        check_number("start_s", self.start_s, -math.inf)
        check_number("duration_s", self.duration_s, 0.0, lo_open=True, allow_inf=True)
        check_number("intensity_w_sr", self.intensity_w_sr, 0.0, lo_open=True)
        check_number("drift_east_m_s", self.drift_east_m_s, -1e3, 1e3)
        check_number("drift_north_m_s", self.drift_north_m_s, -1e3, 1e3)
        check_number("glint_half_angle_rad", self.glint_half_angle_rad, 0.0, math.pi / 2,
                     lo_open=True)


def _columns(sources: Sequence[BackgroundSource]) -> dict[str, Array]:
    return {f.name: np.array([float(getattr(s, f.name)) for s in sources])
            for f in fields(BackgroundSource) if f.name not in ("id", "kind")}


def _positions(c: dict[str, Array], t: Array) -> tuple[Array, Array, NDArray[np.bool_]]:
    """(r_ecef_m (k, m, 3), up (k, m, 3), active (k, m)) of k sources at m times."""
    tau = t[None, :] - c["start_s"][:, None]
    active = (tau >= 0.0) & (tau < c["duration_s"][:, None])
    tau = np.where(active, tau, 0.0)
    rad = A_M + c["alt_m"][:, None]
    lat0 = c["lat_rad"][:, None]
    lat = lat0 + c["drift_north_m_s"][:, None] * tau / rad
    lon = c["lon_rad"][:, None] + c["drift_east_m_s"][:, None] * tau / (
        rad * np.maximum(np.cos(lat0), 1e-6))
    lat = np.clip(lat, -math.pi / 2, math.pi / 2)
    return geodetic_to_ecef(lat, lon, c["alt_m"][:, None]), up_ecef(lat, lon), active


def background_visible(sources: Sequence[BackgroundSource], sensor: InfraredSensor,
                       sat_r_ecef_m: ArrayLike, t_s: ArrayLike, frame: EarthFrame | None
                       ) -> NDArray[np.bool_]:
    """Whether each source can be seen at each time, bool ``(k_sources, m)``.

    ``sat_r_ecef_m`` (m, 3) at times ``t_s`` (m,). Active, line of sight clear of the Earth,
    inside the field of regard, and — for sun glint — the specular geometry (module docstring).
    """
    t = np.atleast_1d(np.asarray(t_s, np.float64))
    sat = check_vectors("sat_r_ecef_m", sat_r_ecef_m, t.shape[0])
    if not sources:
        return np.zeros((0, t.shape[0]), bool)
    c = _columns(sources)
    p, up, ok = _positions(c, t)
    los = p - sat[None]
    u = los / np.linalg.norm(los, axis=-1, keepdims=True)
    nadir = -sat / np.linalg.norm(sat, axis=-1, keepdims=True)
    off = np.arccos(np.clip(np.sum(u * nadir[None], axis=-1), -1.0, 1.0))
    ok &= off <= max_off_nadir_rad(sensor, sat)[None]
    ok &= line_of_sight_clear(p, np.broadcast_to(sat, p.shape), 0.0)
    glint = np.array([s.kind == "sun-glint" for s in sources])
    if np.any(glint):
        if frame is None:
            raise InputError("frame", frame, "an EarthFrame (the Sun's position) for sun glint")
        s = sun_direction_ecef(frame, t)[None]                    # (1, m, 3)
        su = np.sum(s * up, axis=-1)                              # sin(solar elevation)
        mirror = 2.0 * su[..., None] * up - s
        cos_dev = np.sum(-u * mirror, axis=-1)                    # −u: source → satellite
        specular = (su > 0.0) & (cos_dev >= np.cos(c["glint_half_angle_rad"])[:, None])
        ok &= np.where(glint[:, None], specular, True)
    return ok


def background_observe(sources: Sequence[BackgroundSource], sensor: InfraredSensor,
                       sensor_index: int, sat_r: ArrayLike, sat_v: ArrayLike, t_s: ArrayLike,
                       frame: EarthFrame | None, rng: np.random.Generator) -> DetectionBatch:
    """Reports of the persistent sources at frame times ``t_s`` (m,), ``truth_id = FALSE_ALARM``.

    ``sat_r``, ``sat_v`` (m, 3): the satellite's ECEF state. Each visible source
    (:func:`background_visible`) is detected like a plume: SNR = I/(R² NEI), amplitude
    SNR + N(0, 1) over the threshold; angles with the sensor's noise. ``frame`` is needed only
    for sun-glint sources.
    """
    t = np.atleast_1d(np.asarray(t_s, np.float64))
    sat = check_vectors("sat_r", sat_r, t.shape[0])
    vel = check_vectors("sat_v", sat_v, t.shape[0])
    vis = background_visible(sources, sensor, sat, t, frame)
    k_src = vis.shape[0]
    if k_src:
        p = _positions(_columns(sources), t)[0]
        los = p - sat[None]
        range_m = np.linalg.norm(los, axis=-1)
        intensity = np.array([float(s.intensity_w_sr or 0.0) for s in sources])
        snr = intensity[:, None] / (range_m ** 2 * sensor.nei_w_m2)
    else:
        los, range_m, snr = np.zeros((0, t.shape[0], 3)), np.ones((0, t.shape[0])), vis * 0.0
    amp = snr + rng.normal(size=vis.shape)
    src, j = np.nonzero(vis & (amp > sensor.threshold_snr))
    u = los[src, j] / range_m[src, j][:, None]
    return ir_report(sensor, sensor_index, t[j], sat[j], sensor_frames(sat[j], vel[j]), u,
                     amp[src, j], np.full(src.shape[0], FALSE_ALARM), rng)
