"""Ground early-warning radars: coverage, detection probability, measurement noise, false alarms.

A :class:`Radar` is a site with one or more planar array faces (:class:`RadarFace`). Each scan
(every ``revisit_s``) it reports plots ``z = (range, azimuth, elevation, range rate)`` in the
site's East-North-Up frame (azimuth clockwise from north, elevation above the geodetic horizontal
plane, range rate of the object relative to the site fixed in ECEF). Models, stated once:

* **Coverage**: an object is visible iff the straight line from the site is clear of the
  ellipsoid (:func:`tocsin.earth.los.line_of_sight_clear`), it lies inside a face's azimuth sector
  (±``half_width_rad`` about the boresight) and elevation band, and
  ``min_range_m ≤ range ≤ max_range_m``. No refraction, no terrain masking.
* **Radar equation** (monostatic, R⁴ law): mean SNR ``S̄ = snr_ref · (ref_range/R)⁴ · (σ/ref_rcs)``
  — Skolnik, *Introduction to Radar Systems*, 3rd ed. (2001), ch. 2 (the radar equation).
* **Swerling I** target, single look, square-law detector with threshold ``T = −ln Pfa`` on the
  noise-normalised power: the echo power ``y`` is exponential with mean ``1 + S̄``, so
  ``Pd = exp(−T/(1+S̄)) = Pfa^(1/(1+S̄))`` — Swerling (1960), IRE Trans. IT-6, 269-308; Richards,
  *Fundamentals of Radar Signal Processing* (2005), §6.3 (Swerling 1, N = 1); Meyer & Mayer,
  *Radar Target Detection* (1973). A detection's reported ``snr_db`` is the **measured** SNR
  ``y − 1`` of that look (the fluctuated SNR, conditioned on crossing the threshold), not the mean.
* **Accuracy** (thermal-noise limited, at the measured SNR): ``σ_R = ΔR/√(2·SNR)``,
  ``σ_angle = θ_B/(k_m·√(2·SNR))`` with monopulse slope ``k_m = 1.6``, and
  ``σ_Ṙ = range_rate_sigma_m_s·√(20/SNR)`` (``range_rate_sigma_m_s`` is σ_Ṙ at 13 dB) — Barton,
  *Radar System Analysis and Modeling* (2005), ch. 7 (measurement accuracy); Curry, *Radar System
  Performance Modeling*, 2nd ed. (2005), ch. 7. The SNR in these formulas is capped at
  ``ACCURACY_SNR_CAP_DB`` (40 dB) as a stand-in for the bias/fixed errors that dominate there.
* **False alarms**: Poisson(``clutter_per_scan``) per face per scan, uniform in range, azimuth and
  elevation over the face's coverage box (threshold crossings are uniform over resolution cells,
  which are near-uniform in range and beam position), measured SNR from noise alone
  (``y = T + Exp(1)``), range rate uniform in ±``CLUTTER_MAX_RANGE_RATE_M_S``.

Generic public-level figures (REFERENCE.md, Radars [approx]) are in :meth:`Radar.early_warning`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from tocsin.checks import check_lat_rad, check_lon_rad, check_number
from tocsin.earth.los import line_of_sight_clear
from tocsin.earth.wgs84 import enu_basis, enu_to_aer, geodetic_to_ecef
from tocsin.errors import InputError
from tocsin.sensors.detections import FALSE_ALARM, RADAR, DetectionBatch
from tocsin.sensors.truth import TruthTable

__all__ = [
    "MONOPULSE_SLOPE",
    "RANGE_RATE_REF_SNR",
    "ACCURACY_SNR_CAP_DB",
    "CLUTTER_MAX_RANGE_RATE_M_S",
    "RadarFace",
    "Radar",
    "scan_times",
    "swerling1_pd",
    "swerling1_snr_for_pd",
    "mean_snr",
    "measurement_sigmas",
    "radar_geometry",
    "radar_possible",
    "radar_observe",
]

Array = NDArray[np.float64]

MONOPULSE_SLOPE: float = 1.6
"""Normalised monopulse slope k_m (Barton 2005; typical 1.2-2.0)."""
RANGE_RATE_REF_SNR: float = 20.0
"""SNR (linear, 13 dB) at which ``Radar.range_rate_sigma_m_s`` is specified."""
ACCURACY_SNR_CAP_DB: float = 40.0
"""Above this SNR the noise no longer shrinks (bias/fixed errors dominate) [approx]."""
CLUTTER_MAX_RANGE_RATE_M_S: float = 7_000.0
"""False alarms' range rates are uniform in ± this value (any plausible ballistic object)."""

_DEG = math.pi / 180.0
_TWO_PI = 2.0 * math.pi


@dataclass(frozen=True)
class RadarFace:
    """One array face: boresight azimuth (from north, clockwise), sector half-width, elevation band.

    Radians. Defaults: ±60° sector, 3°-85° elevation (PAVE PAWS; REFERENCE.md, Radars).
    """

    azimuth_rad: float
    half_width_rad: float = 60.0 * _DEG
    min_elevation_rad: float = 3.0 * _DEG
    max_elevation_rad: float = 85.0 * _DEG

    def __post_init__(self) -> None:
        self.validate()

    def validate(self, prefix: str = "") -> None:
        """Check every field; errors name the field as ``prefix + name``."""
        check_number(prefix + "azimuth_rad", self.azimuth_rad, 0.0, _TWO_PI, hi_open=True)
        check_number(prefix + "half_width_rad", self.half_width_rad, 0.0, math.pi, lo_open=True)
        check_number(prefix + "min_elevation_rad", self.min_elevation_rad, -math.pi / 2,
                     math.pi / 2, hi_open=True)
        check_number(prefix + "max_elevation_rad", self.max_elevation_rad,
                     float(self.min_elevation_rad), math.pi / 2, lo_open=True,
                     expected="a finite number above min_elevation_rad and at most π/2")


@dataclass(frozen=True)
class Radar:
    """A ground radar site (SI units; angles radians; geodetic WGS-84 position).

    ``faces`` may be given as :class:`RadarFace` objects or mappings of their fields (converted;
    errors then name ``faces[i].field``). ``snr_ref_db`` is the mean SNR of a ``ref_rcs_m2`` target
    at ``ref_range_m``; ``range_rate_sigma_m_s`` is σ_Ṙ at 13 dB; ``clutter_per_scan`` is the mean
    number of false alarms per face per scan.
    """

    id: str
    partner: str
    lat_rad: float
    lon_rad: float
    alt_m: float
    faces: tuple[RadarFace, ...]
    min_range_m: float
    max_range_m: float
    revisit_s: float
    snr_ref_db: float
    ref_range_m: float
    ref_rcs_m2: float = 1.0
    pfa: float = 1e-6
    range_resolution_m: float = 150.0
    beamwidth_rad: float = 2.0 * _DEG
    range_rate_sigma_m_s: float = 5.0
    clutter_per_scan: float = 0.0

    kind: ClassVar[int] = RADAR
    """The detections' ``kind`` code of this sensor (:class:`tocsin.sensors.sensor.Sensor`)."""

    def __post_init__(self) -> None:
        for name in ("id", "partner"):
            v = getattr(self, name)
            if not isinstance(v, str) or not v.strip():
                raise InputError(name, v, "a non-empty string")
        check_lat_rad("lat_rad", self.lat_rad)
        check_lon_rad("lon_rad", self.lon_rad)
        check_number("alt_m", self.alt_m, -1e3, 1e5)
        self._set_faces()
        check_number("min_range_m", self.min_range_m, 0.0)
        check_number("max_range_m", self.max_range_m, float(self.min_range_m), lo_open=True,
                     expected="a finite number above min_range_m")
        check_number("revisit_s", self.revisit_s, 0.0, lo_open=True)
        check_number("snr_ref_db", self.snr_ref_db, -100.0, 300.0)
        check_number("ref_range_m", self.ref_range_m, 0.0, lo_open=True)
        check_number("ref_rcs_m2", self.ref_rcs_m2, 0.0, lo_open=True)
        check_number("pfa", self.pfa, 0.0, 1.0, lo_open=True, hi_open=True)
        check_number("range_resolution_m", self.range_resolution_m, 0.0, lo_open=True)
        check_number("beamwidth_rad", self.beamwidth_rad, 0.0, math.pi / 2, lo_open=True)
        check_number("range_rate_sigma_m_s", self.range_rate_sigma_m_s, 0.0, lo_open=True)
        check_number("clutter_per_scan", self.clutter_per_scan, 0.0, 100.0)

    def _set_faces(self) -> None:
        raw = self.faces
        if isinstance(raw, Mapping | str | bytes) or not hasattr(raw, "__iter__"):
            raise InputError("faces", raw, "a non-empty sequence of faces")
        out = []
        for i, f in enumerate(raw):
            prefix = f"faces[{i}]."
            if isinstance(f, RadarFace):
                f.validate(prefix)
            elif isinstance(f, Mapping):
                known = {fl.name for fl in fields(RadarFace)}
                extra = sorted(set(f) - known)
                if extra:
                    raise InputError(prefix + str(extra[0]), f[extra[0]],
                                     "no such field; known: " + ", ".join(sorted(known)))
                if "azimuth_rad" not in f:
                    raise InputError(prefix + "azimuth_rad", None, "a boresight azimuth")
                f = _face_from_mapping(f, prefix)
            else:
                raise InputError(f"faces[{i}]", f, "a RadarFace or a mapping of its fields")
            out.append(f)
        if not out:
            raise InputError("faces", raw, "a non-empty sequence of faces")
        object.__setattr__(self, "faces", tuple(out))

    @cached_property
    def r_ecef_m(self) -> Array:
        """Site position, ECEF metres, (3,) (computed once; read-only)."""
        r = geodetic_to_ecef(self.lat_rad, self.lon_rad, self.alt_m)
        r.flags.writeable = False
        return r

    @cached_property
    def enu_frame(self) -> Array:
        """Rows east, north, up of the site's ENU frame in ECEF, (3, 3) (computed once)."""
        f = enu_basis(self.lat_rad, self.lon_rad)
        f.flags.writeable = False
        return f

    # --- the Sensor interface (tocsin.sensors.sensor) ----------------------------------------
    def times(self, t0_s: float, t1_s: float) -> Array:
        """Scan instants in [t0_s, t1_s] (:func:`scan_times`)."""
        return scan_times(self, t0_s, t1_s)

    def possible(self, truth: TruthTable) -> NDArray[np.bool_]:
        """Visibility of each object at each truth time (:func:`radar_possible`)."""
        return radar_possible(self, truth)

    def observe(self, truth: TruthTable, rng: np.random.Generator, *,
                index: int = 0) -> DetectionBatch:
        """Plots and false alarms over the truth's times, each a scan (:func:`radar_observe`)."""
        return radar_observe(self, index, truth, rng)

    @classmethod
    def early_warning(
        cls, id: str, partner: str, lat_rad: float, lon_rad: float, boresight_az_rad: float, *,
        n_faces: int = 2, alt_m: float = 0.0, min_range_m: float = 100e3,
        max_range_m: float = 5_000e3, revisit_s: float = 10.0, snr_ref_db: float = 60.0,
        ref_range_m: float = 1_000e3, clutter_per_scan: float = 0.0, **kwargs: Any,
    ) -> Radar:
        """A generic large early-warning phased array (public-level, approximate).

        ``n_faces`` (1-3) faces of ±60° spaced 120° apart, centred on ``boresight_az_rad``
        (two faces: 240° of azimuth, as PAVE PAWS), elevation 3°-85°; instrumented range
        100-5,000 km (REFERENCE.md: ~4,000-6,000 km; PAVE PAWS 3,000 nmi ≈ 5,555 km).
        ``snr_ref_db = 60`` dB on 1 m² at 1,000 km puts a 0.01 m² RV at 20.9 dB at 3,000 km
        (Swerling I Pd ≈ 0.89 at Pfa 1e-6; 0.95 at 2,500 km, 0.80 at 3,500 km) and a 10 m²
        booster at 42 dB at 5,000 km (Pd ≈ 1). UHF-like accuracy: 150 m range resolution, 2°
        beam, σ_Ṙ = 5 m/s at 13 dB; 10 s revisit. ``kwargs`` override the other fields.
        """
        if not isinstance(n_faces, int) or isinstance(n_faces, bool) or not 1 <= n_faces <= 3:
            raise InputError("n_faces", n_faces, "an integer 1, 2 or 3")
        check_number("boresight_az_rad", boresight_az_rad, -_TWO_PI, _TWO_PI)
        offsets = (np.arange(n_faces) - (n_faces - 1) / 2.0) * (120.0 * _DEG)
        faces = tuple(RadarFace(float(boresight_az_rad + o) % _TWO_PI % _TWO_PI)
                      for o in offsets)
        return cls(id=id, partner=partner, lat_rad=lat_rad, lon_rad=lon_rad, alt_m=alt_m,
                   faces=faces, min_range_m=min_range_m, max_range_m=max_range_m,
                   revisit_s=revisit_s, snr_ref_db=snr_ref_db, ref_range_m=ref_range_m,
                   clutter_per_scan=clutter_per_scan, **kwargs)


def _face_from_mapping(f: Mapping[str, Any], prefix: str) -> RadarFace:
    try:
        return RadarFace(**f)
    except InputError as e:
        raise InputError(prefix + e.field, e.value, e.expected, e.hint) from None


def scan_times(radar: Radar, t0_s: float, t1_s: float) -> Array:
    """Scan instants ``k·revisit_s`` (k integer) with t0_s ≤ t ≤ t1_s, seconds, ascending."""
    check_number("t0_s", t0_s)
    check_number("t1_s", t1_s, float(t0_s), expected="a finite number ≥ t0_s")
    dt = radar.revisit_s
    k0 = math.ceil(t0_s / dt - 1e-9)
    k1 = math.floor(t1_s / dt + 1e-9)
    t = np.arange(k0, k1 + 1, dtype=np.float64) * dt
    return np.clip(t, t0_s, t1_s)


def swerling1_pd(snr_linear: ArrayLike, pfa: ArrayLike) -> Array:
    """Single-look Swerling I detection probability ``Pfa^(1/(1+S̄))`` (S̄ mean SNR, linear).

    Swerling (1960); Richards (2005) §6.3; Meyer & Mayer (1973). Shapes broadcast.
    """
    s = np.asarray(snr_linear, np.float64)
    p = np.asarray(pfa, np.float64)
    return np.exp(np.log(p) / (1.0 + s))


def swerling1_snr_for_pd(pd: ArrayLike, pfa: ArrayLike) -> Array:
    """Mean SNR (linear) giving ``pd`` at ``pfa`` for Swerling I: ``ln Pfa / ln Pd − 1``."""
    return np.log(np.asarray(pfa, np.float64)) / np.log(np.asarray(pd, np.float64)) - 1.0


def mean_snr(radar: Radar, range_m: ArrayLike, rcs_m2: ArrayLike) -> Array:
    """Mean SNR (linear) by the R⁴ radar equation scaled from the radar's reference point."""
    r = np.asarray(range_m, np.float64)
    s = np.asarray(rcs_m2, np.float64)
    return (10.0 ** (radar.snr_ref_db / 10.0)) * (radar.ref_range_m / r) ** 4 * (
        s / radar.ref_rcs_m2)


def measurement_sigmas(radar: Radar, snr_linear: ArrayLike) -> Array:
    """Standard deviations (σ_R m, σ_az rad, σ_el rad, σ_Ṙ m/s), shape ``(..., 4)``, at SNR.

    σ_R = ΔR/√(2S), σ_angle = θ_B/(k_m√(2S)), σ_Ṙ = σ_Ṙ,13dB·√(20/S), with S capped at
    ``ACCURACY_SNR_CAP_DB`` (Barton 2005 ch. 7; Curry 2005 ch. 7). Azimuth σ is the angle across
    the beam; it is not widened by 1/cos(el).
    """
    s = np.minimum(np.asarray(snr_linear, np.float64), 10.0 ** (ACCURACY_SNR_CAP_DB / 10.0))
    root = np.sqrt(2.0 * s)
    ang = radar.beamwidth_rad / (MONOPULSE_SLOPE * root)
    return np.stack([radar.range_resolution_m / root, ang, ang,
                     radar.range_rate_sigma_m_s * np.sqrt(RANGE_RATE_REF_SNR / s)], axis=-1)


def radar_geometry(
    radar: Radar, r_obj_ecef: ArrayLike, *, full: bool = True
) -> tuple[Array, Array, Array, NDArray[np.int64], NDArray[np.bool_]]:
    """Range, azimuth, elevation, face and visibility of ECEF positions ``(..., 3)`` (metres).

    Returns ``(range_m, az_rad, el_rad, face, visible)``, each of shape ``(...)``: az clockwise
    from north in [0, 2π), el above the site's geodetic horizontal plane; ``face`` is the first
    face whose sector and elevation band contain the direction (−1 if none; range and line of
    sight are not considered); ``visible`` also needs
    ``min_range_m ≤ range ≤ max_range_m`` and a line of sight clear of the ellipsoid. NaN
    positions are not visible. With ``full=False`` az, el and face are only computed where the
    object is within range and above the lowest face elevation (NaN and −1 elsewhere) — the
    fast path for observation.
    """
    r = np.asarray(r_obj_ecef, np.float64)
    site = radar.r_ecef_m
    shape = r.shape[:-1]
    d = (r - site).reshape(-1, 3)
    range_m = np.sqrt(np.einsum("ij,ij->i", d, d))
    az = np.full(range_m.shape, np.nan)
    el = np.full(range_m.shape, np.nan)
    face = np.full(range_m.shape, -1, np.int64)
    vis = np.zeros(range_m.shape, bool)
    # Cheap pre-gate: range limits and the lowest elevation of any face (most objects are far
    # from any one radar); the full geometry is computed for the candidates only.
    up = radar.enu_frame[2]
    sin_min = math.sin(min(f.min_elevation_rad for f in radar.faces))
    with np.errstate(invalid="ignore"):
        cand = np.flatnonzero((range_m >= radar.min_range_m) & (range_m <= radar.max_range_m)
                              & (range_m > 0) & (d @ up >= range_m * sin_min - 1e-9))
    if cand.size:
        a_c, e_c, _ = enu_to_aer(d[cand] @ radar.enu_frame.T)
        az[cand], el[cand] = a_c, e_c
        f_c = np.full(cand.size, -1, np.int64)
        for k in range(len(radar.faces) - 1, -1, -1):  # first face wins: fill in reverse
            f = radar.faces[k]
            off = np.mod(a_c - f.azimuth_rad + math.pi, _TWO_PI) - math.pi
            inside = ((np.abs(off) <= f.half_width_rad) & (e_c >= f.min_elevation_rad)
                      & (e_c <= f.max_elevation_rad))
            f_c[inside] = k
        face[cand] = f_c
        ok = cand[f_c >= 0]
        if ok.size:
            vis[ok] = line_of_sight_clear(site, r.reshape(-1, 3)[ok])
    if full:
        # Outside the pre-gate, az/el are still reported for every finite position.
        rest = np.flatnonzero(np.isnan(az) & np.isfinite(range_m))
        if rest.size:
            az[rest], el[rest], _ = enu_to_aer(d[rest] @ radar.enu_frame.T)
    return (range_m.reshape(shape), az.reshape(shape), el.reshape(shape), face.reshape(shape),
            vis.reshape(shape))


def radar_possible(radar: Radar, truth: TruthTable) -> NDArray[np.bool_]:
    """(n, m) bool: object geometrically visible with a positive radar cross-section."""
    vis = radar_geometry(radar, truth.r_ecef_m, full=False)[4]
    with np.errstate(invalid="ignore"):
        return vis & (np.asarray(truth.rcs_m2) > 0.0)


def _noise_power_crossing(radar: Radar, size: int, rng: np.random.Generator) -> Array:
    """Measured SNR (linear) of noise-only threshold crossings: ``T + Exp(1) − 1``."""
    return -math.log(radar.pfa) + rng.exponential(size=size) - 1.0


def _clutter(radar: Radar, t_s: Array, rng: np.random.Generator) -> tuple[Array, ...]:
    """False alarms: (t, z (k, 4), snr_linear) over all faces and scans."""
    nf = len(radar.faces)
    counts = rng.poisson(radar.clutter_per_scan, size=(t_s.size, nf))
    scan, face = np.nonzero(counts)
    reps = counts[scan, face]
    scan, face = np.repeat(scan, reps), np.repeat(face, reps)
    k = scan.size
    bore = np.array([f.azimuth_rad for f in radar.faces])[face]
    hw = np.array([f.half_width_rad for f in radar.faces])[face]
    el_lo = np.array([f.min_elevation_rad for f in radar.faces])[face]
    el_hi = np.array([f.max_elevation_rad for f in radar.faces])[face]
    u = rng.random((k, 4))
    z = np.empty((k, 4))
    z[:, 0] = radar.min_range_m + u[:, 0] * (radar.max_range_m - radar.min_range_m)
    z[:, 1] = np.mod(bore + (2.0 * u[:, 1] - 1.0) * hw, _TWO_PI)
    z[:, 2] = el_lo + u[:, 2] * (el_hi - el_lo)
    z[:, 3] = (2.0 * u[:, 3] - 1.0) * CLUTTER_MAX_RANGE_RATE_M_S
    return t_s[scan], z, _noise_power_crossing(radar, k, rng)


def radar_observe(
    radar: Radar, sensor_index: int, truth: TruthTable, rng: np.random.Generator
) -> DetectionBatch:
    """One radar's detections over ``truth`` sampled at its scan times (ordered by time).

    Every visible (object, time) with rcs > 0 is a Swerling I look: echo power
    ``y = (1 + S̄)·Exp(1)`` (noise-normalised), detected iff ``y > −ln Pfa``; ``snr_db`` is the
    measured ``10·log10(y − 1)``. ``z = (range m, az rad, el rad, range rate m/s)`` in the site's
    ENU plus Gaussian noise with σ from :func:`measurement_sigmas` at the measured SNR; ``R`` is
    diag(σ²); azimuth wrapped to [0, 2π). False alarms as in the module notes
    (``truth_id = FALSE_ALARM``).
    """
    if not isinstance(sensor_index, int | np.integer) or isinstance(sensor_index, bool) \
            or sensor_index < 0:
        raise InputError("sensor_index", sensor_index, "a non-negative integer")
    t_s = np.asarray(truth.t_s, np.float64)
    r = np.asarray(truth.r_ecef_m, np.float64)
    v = np.asarray(truth.v_ecef_m_s, np.float64)
    range_m, az, el, _, vis = radar_geometry(radar, r, full=False)
    with np.errstate(invalid="ignore"):
        ok = vis & (np.asarray(truth.rcs_m2) > 0.0) & np.all(np.isfinite(v), axis=-1)
    oi, ti = np.nonzero(ok)
    snr_bar = mean_snr(radar, range_m[oi, ti], np.asarray(truth.rcs_m2)[oi, ti])
    y = (1.0 + snr_bar) * rng.exponential(size=oi.size)
    det = y > -math.log(radar.pfa)
    oi, ti, snr = oi[det], ti[det], y[det] - 1.0
    site = radar.r_ecef_m
    d = r[oi, ti] - site
    rr = np.einsum("ij,ij->i", d, v[oi, ti]) / range_m[oi, ti]
    z_true = np.stack([range_m[oi, ti], az[oi, ti], el[oi, ti], rr], axis=-1)
    sig = measurement_sigmas(radar, snr)
    z = z_true + sig * rng.standard_normal(z_true.shape)
    z[:, 1] = np.mod(z[:, 1], _TWO_PI)

    t_c, z_c, snr_c = _clutter(radar, t_s, rng)
    t_all = np.concatenate([t_s[ti], t_c])
    z_all = np.concatenate([z, z_c])
    snr_all = np.concatenate([snr, snr_c])
    sig_all = np.concatenate([sig, measurement_sigmas(radar, snr_c)])
    tid = np.concatenate([oi.astype(np.int64), np.full(t_c.size, FALSE_ALARM, np.int64)])
    n = t_all.size
    cov = np.zeros((n, 4, 4))
    cov[:, np.arange(4), np.arange(4)] = sig_all ** 2
    order = np.argsort(t_all, kind="stable")
    batch = DetectionBatch(
        t_s=t_all, sensor=np.full(n, int(sensor_index), np.int64),
        kind=np.full(n, RADAR, np.int8), z=z_all, dim=np.full(n, 4, np.int8), R=cov,
        snr_db=10.0 * np.log10(snr_all), sensor_r_ecef_m=np.broadcast_to(site, (n, 3)).copy(),
        sensor_frame=np.broadcast_to(radar.enu_frame, (n, 3, 3)).copy(), truth_id=tid)
    return batch.take(order)
