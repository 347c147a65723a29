"""Space-based infrared early-warning sensors: what a satellite can see, and what it reports.

Model (public-level; every figure a stated assumption):

* **Detection altitude.** The early-warning band (near 2.7 µm) is absorbed by the lower
  atmosphere, so a plume is seen only once it has climbed above the absorbing layer and the
  cloud tops (G. Forden, "SBIRS signal and background", Arms Control Wonk). There is no public
  "seconds after launch" figure; ``detection_alt_m`` = 12 km is a **modelling assumption** (the
  10–15 km band of the shared REFERENCE.md). The whole path to the satellite must stay above
  it too (no seeing through the absorbing layer at the limb).
* **Signal.** Point-source irradiance over noise-equivalent irradiance,
  SNR = I / (R² · NEI). The default NEI, 2e-11 W/m², gives an ICBM first stage (~1e6 W/sr,
  :mod:`tocsin.sensors.signatures`) an SNR of ~31–39 at GEO slant ranges of 36,000–40,000 km,
  and a small upper stage (~1.5e5 W/sr) an SNR of ~5, at the default threshold of 5 [approx].
* **Detection.** The measured amplitude is SNR + n, n ~ N(0, 1) (unit-variance Gaussian noise in
  SNR units), reported when it exceeds the threshold T, so Pd = ½ erfc((T − SNR)/√2) (G. C.
  Holst, *Electro-Optical Imaging System Performance*, 5th ed. (2008), ch. 13; R. D. Hudson,
  *Infrared System Engineering* (1969), §11.4).
* **Viewing modes.** "look-down": the Earth is behind the target (the ray from the satellite
  through the target, continued, hits the Earth); "limb": space is behind it (the continued ray
  clears the Earth by at least ``limb_min_grazing_m``, 50 km, so that the bright lower
  atmosphere is not the background); "both": either. The Oko system first watched plumes at the
  limb from Molniya orbits, later looked down from GEO (REFERENCE.md, Satellites).
* **Field of regard**: off-nadir angle ≤ ``max_off_nadir_rad``; by default the Earth's angular
  radius from the satellite, asin(a/|r|), plus ``limb_margin_rad`` (2°) so the limb can be watched.
* **Frames**: a scanning DSP-class sensor revisits each point every 10 s (DSP spins at 6 rpm;
  public descriptions, e.g. FAS "Defense Support Program") — the default ``frame_period_s``.
* **Angles**: α, β in the nadir-pointing sensor frame of :mod:`tocsin.sensors.detections`, each
  with Gaussian noise of ``angle_sigma_rad`` (30 µrad, ~1.1 km at GEO range) [approx].
* **Random false alarms** (clutter leaking through the processing): Poisson with mean
  ``false_alarms_per_frame`` (0.1) per frame, at uniformly random directions within the Earth's
  disc as seen by the sensor, placed at 0–10 km altitude, amplitude T + |N(0, 1)| [approx].
  Persistent sources (fires, flares, sun glint) are :mod:`tocsin.sensors.ir_background`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import erfc

from tocsin.checks import check_number, check_vectors
from tocsin.earth.constants import A_M, B_M
from tocsin.earth.los import grazing_height_m, line_of_sight_clear
from tocsin.earth.wgs84 import ecef_to_geodetic, geodetic_to_ecef
from tocsin.errors import InputError
from tocsin.sensors.detections import FALSE_ALARM, IR, DetectionBatch, angles_from_los, concat
from tocsin.sensors.truth import TruthTable

__all__ = [
    "MODES",
    "InfraredSensor",
    "frame_times",
    "sensor_frames",
    "max_off_nadir_rad",
    "detection_probability",
    "ir_possible",
    "ir_observe",
    "ir_report",
    "random_false_alarms",
]

Array = NDArray[np.float64]

MODES = ("look-down", "limb", "both")
FALSE_ALARM_MAX_ALT_M = 10e3
_MIN_SPEED_M_S = 1.0  # below this Earth-relative speed (GEO) the frame's x̂ is local east


@dataclass(frozen=True)
class InfraredSensor:
    """One infrared early-warning satellite's sensor (the orbit is kept apart). SI units.

    ``nei_w_m2``: noise-equivalent irradiance; ``threshold_snr``: detection threshold T;
    ``max_off_nadir_rad``: field of regard (``None``: Earth's angular radius + ``limb_margin_rad``);
    ``limb_min_grazing_m``: least height of the ray behind a target for a space background.
    Defaults and their sources: module docstring.
    """

    id: str
    partner: str
    frame_period_s: float = 10.0
    mode: str = "both"
    detection_alt_m: float = 12e3
    nei_w_m2: float = 2e-11
    threshold_snr: float = 5.0
    angle_sigma_rad: float = 30e-6
    false_alarms_per_frame: float = 0.1
    max_off_nadir_rad: float | None = None
    limb_margin_rad: float = math.radians(2.0)
    limb_min_grazing_m: float = 50e3

    def __post_init__(self) -> None:
        for name in ("id", "partner"):
            v = getattr(self, name)
            if not isinstance(v, str) or not v.strip():
                raise InputError(name, v, "a non-empty string")
        if self.mode not in MODES:
            raise InputError("mode", self.mode, "one of " + ", ".join(MODES))
        check_number("frame_period_s", self.frame_period_s, 0.0, lo_open=True)
        check_number("detection_alt_m", self.detection_alt_m, 0.0, 100e3)
        check_number("nei_w_m2", self.nei_w_m2, 0.0, lo_open=True)
        check_number("threshold_snr", self.threshold_snr, 0.0, lo_open=True)
        check_number("angle_sigma_rad", self.angle_sigma_rad, 0.0, 0.1, lo_open=True)
        check_number("false_alarms_per_frame", self.false_alarms_per_frame, 0.0, 100.0)
        if self.max_off_nadir_rad is not None:
            check_number("max_off_nadir_rad", self.max_off_nadir_rad, 0.0, math.pi / 2,
                         lo_open=True)
        check_number("limb_margin_rad", self.limb_margin_rad, 0.0, math.pi / 4)
        check_number("limb_min_grazing_m", self.limb_min_grazing_m, 0.0, 1e6)


def frame_times(sensor: InfraredSensor, t0_s: float, t1_s: float) -> Array:
    """Frame times k · ``frame_period_s`` (k integer) with t0_s ≤ t ≤ t1_s, seconds, ``(k,)``."""
    check_number("t0_s", t0_s, -math.inf)
    check_number("t1_s", t1_s, float(t0_s))
    p = sensor.frame_period_s
    k0 = math.ceil(t0_s / p - 1e-9)
    k1 = math.floor(t1_s / p + 1e-9)
    return np.arange(k0, k1 + 1, dtype=np.float64) * p


def sensor_frames(sat_r_ecef_m: ArrayLike, sat_v_ecef_m_s: ArrayLike) -> Array:
    """Nadir-pointing sensor frames (..., 3, 3), rows x̂, ŷ, ẑ in ECEF (detections.py convention).

    ẑ = −r̂; x̂ = the Earth-relative velocity normal to ẑ, normalised; ŷ = ẑ × x̂. Where that
    speed is below 1 m/s (a geostationary satellite) x̂ is local east (ECEF ẑ × r̂; over a pole,
    ECEF x̂ projected), the direction a prograde GEO satellite drifts.
    """
    r = np.asarray(sat_r_ecef_m, np.float64)
    v = np.asarray(sat_v_ecef_m_s, np.float64)
    z = -r / np.linalg.norm(r, axis=-1, keepdims=True)
    v_perp = v - np.sum(v * z, axis=-1, keepdims=True) * z
    east = np.stack([-r[..., 1], r[..., 0], np.zeros_like(r[..., 0])], axis=-1)  # ẑ_ecef × r
    polar = np.linalg.norm(east, axis=-1, keepdims=True) < 1e-9 * np.linalg.norm(
        r, axis=-1, keepdims=True)
    ex = np.array([1.0, 0.0, 0.0])
    east = np.where(polar, ex - np.sum(ex * z, axis=-1, keepdims=True) * z, east)
    slow = np.linalg.norm(v_perp, axis=-1, keepdims=True) < _MIN_SPEED_M_S
    x = np.where(slow, east, v_perp)
    x = x / np.linalg.norm(x, axis=-1, keepdims=True)
    y = np.cross(z, x)
    return np.stack([x, y, z], axis=-2)


def max_off_nadir_rad(sensor: InfraredSensor, sat_r_ecef_m: ArrayLike) -> Array:
    """Field-of-regard half-angle at satellite positions (..., 3), radians, shape (...)."""
    rn = np.linalg.norm(np.asarray(sat_r_ecef_m, np.float64), axis=-1)
    if sensor.max_off_nadir_rad is not None:
        return np.full(rn.shape, sensor.max_off_nadir_rad)
    return np.arcsin(np.clip(A_M / rn, 0.0, 1.0)) + sensor.limb_margin_rad


def detection_probability(snr: ArrayLike, threshold_snr: ArrayLike) -> Array:
    """Pd = ½ erfc((T − SNR)/√2) for unit Gaussian noise (Holst 2008 ch. 13; Hudson 1969 §11.4)."""
    d = np.asarray(threshold_snr, np.float64) - np.asarray(snr, np.float64)
    return np.asarray(0.5 * erfc(d / math.sqrt(2.0)), dtype=np.float64)


def _possible(sensor: InfraredSensor, sat_r: Array, truth: TruthTable
              ) -> tuple[NDArray[np.bool_], Array]:
    """(possible (n, m), range_m (n, m)) — see :func:`ir_possible`."""
    r = np.asarray(truth.r_ecef_m, np.float64)
    n, m = r.shape[:2]
    los = r - sat_r[None, :, :]
    range_m = np.linalg.norm(los, axis=-1)
    ok = np.asarray(truth.burning, bool) & np.all(np.isfinite(r), axis=-1) & (range_m > 0.0)
    idx = np.nonzero(ok)
    tgt, sat, d = r[idx], sat_r[idx[1]], range_m[idx]
    u = (tgt - sat) / d[:, None]
    nadir = -sat / np.linalg.norm(sat, axis=-1, keepdims=True)
    off = np.arccos(np.clip(np.sum(u * nadir, axis=-1), -1.0, 1.0))
    keep = (ecef_to_geodetic(tgt)[2] >= sensor.detection_alt_m) & (
        off <= max_off_nadir_rad(sensor, sat))
    keep &= line_of_sight_clear(sat, tgt, sensor.detection_alt_m)
    far = tgt + u * (2.0 * np.linalg.norm(tgt, axis=-1, keepdims=True) + 1e6)
    behind = np.full(d.shape, np.nan)
    behind[keep] = grazing_height_m(tgt[keep], far[keep])
    look_down, limb = behind < 0.0, behind >= sensor.limb_min_grazing_m
    if sensor.mode == "look-down":
        keep &= look_down
    elif sensor.mode == "limb":
        keep &= limb
    else:
        keep &= look_down | limb
    out = np.zeros((n, m), bool)
    out[idx[0][keep], idx[1][keep]] = True
    return out, range_m


def ir_possible(sensor: InfraredSensor, sat_r_ecef_m: ArrayLike, truth: TruthTable
                ) -> NDArray[np.bool_]:
    """Whether each object could be seen at each truth time, bool ``(n_objects, m)``.

    ``sat_r_ecef_m`` (m, 3): the satellite at ``truth.t_s``. True where the motor burns, the
    plume's geodetic height ≥ ``detection_alt_m``, the path to the satellite stays above that
    height, the off-nadir angle is within the field of regard, and the background suits the mode
    (module docstring). Signal strength is not considered here.
    """
    sat_r = check_vectors("sat_r_ecef_m", sat_r_ecef_m, len(truth.t_s))
    return _possible(sensor, sat_r, truth)[0]


def ir_report(sensor: InfraredSensor, sensor_index: int, t_s: Array, sat_r: Array,
              frames: Array, los: Array, amplitude_snr: Array, truth_id: ArrayLike,
              rng: np.random.Generator) -> DetectionBatch:
    """Rows for k reports: true unit lines of sight ``los`` (k, 3) → noisy (α, β) in ``frames``
    (k, 3, 3); ``amplitude_snr`` (k,) > 0 is the measured SNR. Shared with ir_background."""
    k = t_s.shape[0]
    alpha, beta = angles_from_los(los, frames)
    noise = rng.normal(0.0, sensor.angle_sigma_rad, size=(k, 2))
    z = np.full((k, 4), np.nan)
    z[:, 0], z[:, 1] = alpha + noise[:, 0], beta + noise[:, 1]
    cov = np.zeros((k, 4, 4))
    cov[:, 0, 0] = cov[:, 1, 1] = sensor.angle_sigma_rad ** 2
    return DetectionBatch(
        t_s=np.asarray(t_s, np.float64).copy(), sensor=np.full(k, sensor_index, np.int64),
        kind=np.full(k, IR, np.int8), z=z, dim=np.full(k, 2, np.int8), R=cov,
        snr_db=10.0 * np.log10(amplitude_snr), sensor_r_ecef_m=sat_r.copy(),
        sensor_frame=frames.copy(), truth_id=np.asarray(truth_id, np.int64).copy())


def random_false_alarms(sensor: InfraredSensor, sensor_index: int, t_s: ArrayLike,
                        sat_r_ecef_m: ArrayLike, sat_v_ecef_m_s: ArrayLike,
                        rng: np.random.Generator) -> DetectionBatch:
    """Poisson(``false_alarms_per_frame``) reports per frame time ``t_s`` (m,), each at a random
    direction uniform in solid angle within the Earth's disc (half-angle asin(b/|r|), so every ray
    meets the ellipsoid), placed 0–10 km above the ground point; SNR T + |N(0, 1)|."""
    t = np.atleast_1d(np.asarray(t_s, np.float64))
    sat_r = check_vectors("sat_r_ecef_m", sat_r_ecef_m, t.shape[0])
    sat_v = check_vectors("sat_v_ecef_m_s", sat_v_ecef_m_s, t.shape[0])
    counts = rng.poisson(sensor.false_alarms_per_frame, size=t.shape[0])
    j = np.repeat(np.arange(t.shape[0]), counts)
    k = j.shape[0]
    sat, frames = sat_r[j], sensor_frames(sat_r[j], sat_v[j])
    rho = np.arcsin(B_M / np.linalg.norm(sat, axis=-1))
    cos_t = 1.0 - rng.random(k) * (1.0 - np.cos(rho))
    phi = 2.0 * np.pi * rng.random(k)
    sin_t = np.sqrt(1.0 - cos_t ** 2)
    c = np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=-1)
    ray = np.einsum("kji,kj->ki", frames, c)
    scale = np.array([1.0 / A_M, 1.0 / A_M, 1.0 / B_M])
    p, d = sat * scale, ray * scale
    dd, pd, pp = np.sum(d * d, -1), np.sum(p * d, -1), np.sum(p * p, -1)
    dist = (-pd - np.sqrt(np.maximum(pd * pd - dd * (pp - 1.0), 0.0))) / dd
    lat, lon, _ = ecef_to_geodetic(sat + dist[:, None] * ray)
    point = geodetic_to_ecef(lat, lon, rng.random(k) * FALSE_ALARM_MAX_ALT_M)
    los = point - sat
    los /= np.linalg.norm(los, axis=-1, keepdims=True)
    amp = sensor.threshold_snr + np.abs(rng.normal(size=k))
    return ir_report(sensor, sensor_index, t[j], sat, frames, los, amp,
                     np.full(k, FALSE_ALARM), rng)


def ir_observe(sensor: InfraredSensor, sensor_index: int, sat_r_ecef_m: ArrayLike,
               sat_v_ecef_m_s: ArrayLike, truth: TruthTable, rng: np.random.Generator
               ) -> DetectionBatch:
    """One sensor's reports over the frames ``truth.t_s`` (every truth time is a frame).

    ``sat_r_ecef_m``, ``sat_v_ecef_m_s`` (m, 3): the satellite's ECEF state at those times. Each
    possible object (:func:`ir_possible`) is detected with Pd = ½ erfc((T − SNR)/√2),
    SNR = I/(R² NEI); plus random false alarms (:func:`random_false_alarms`). Rows sorted by
    time. Persistent background sources (fires, flares, sun glint) are reported by
    :func:`tocsin.sensors.ir_background.background_observe`; an
    :class:`~tocsin.sensors.sensor.InfraredSatellite` combines both.
    """
    t = np.asarray(truth.t_s, np.float64)
    sat_r = check_vectors("sat_r_ecef_m", sat_r_ecef_m, t.shape[0])
    sat_v = check_vectors("sat_v_ecef_m_s", sat_v_ecef_m_s, t.shape[0])
    possible, range_m = _possible(sensor, sat_r, truth)
    intensity = np.where(possible, np.asarray(truth.ir_intensity_w_sr, np.float64), 0.0)
    snr = np.where(possible, intensity / (np.where(possible, range_m, 1.0) ** 2 * sensor.nei_w_m2),
                   0.0)
    amp = snr + rng.normal(size=snr.shape)
    obj, j = np.nonzero(possible & (amp > sensor.threshold_snr))
    los = (truth.r_ecef_m[obj, j] - sat_r[j]) / range_m[obj, j][:, None]
    out = concat([ir_report(sensor, sensor_index, t[j], sat_r[j],
                            sensor_frames(sat_r[j], sat_v[j]), los, amp[obj, j], obj, rng),
                  random_false_alarms(sensor, sensor_index, t, sat_r, sat_v, rng)])
    return out.take(np.argsort(out.t_s, kind="stable"))
