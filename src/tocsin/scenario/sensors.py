"""The scenario's sensors: infrared satellites and radars built from the file, with their times.

A :class:`SensorSet` holds the scenario's :class:`~tocsin.sensors.sensor.Sensor` objects (each
infrared payload with its satellite's ephemeris and the scenario's background sources; each
radar), and per sensor its observation times (frames or revisits within the run) and their index
into the run's common time grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tocsin.earth.frames import EarthFrame
from tocsin.errors import InputError
from tocsin.scenario.build import satellite_orbits
from tocsin.scenario.schema import Scenario
from tocsin.sensors import infrared as irm
from tocsin.sensors import radar as rdm
from tocsin.sensors.ir_background import TYPICAL_ALT_M, BackgroundSource
from tocsin.sensors.sensor import InfraredSatellite, OrbitEphemeris, Sensor

__all__ = ["SensorInfo", "SensorSet", "build_sensors"]



@dataclass(frozen=True)
class SensorInfo:
    id: str
    partner: str
    kind: int  # IR or RADAR


@dataclass
class SensorSet:
    """The scenario's sensors in file order (satellites, then radars)."""

    sensors: list[Sensor] = field(default_factory=list)
    times: list[np.ndarray] = field(default_factory=list)
    satellite_index: dict[int, int] = field(default_factory=dict)
    background: list[BackgroundSource] = field(default_factory=list)
    time_index: list[np.ndarray] = field(default_factory=list)

    @property
    def infos(self) -> list[SensorInfo]:
        return [SensorInfo(s.id, s.partner, s.kind) for s in self.sensors]

    @property
    def models(self) -> list[irm.InfraredSensor | rdm.Radar]:
        """Each sensor's model: the infrared payload, or the radar itself (for trackers)."""
        return [s.payload if isinstance(s, InfraredSatellite) else s  # type: ignore[misc]
                for s in self.sensors]

    def all_times(self, duration_s: float, step_s: float) -> np.ndarray:
        """The sorted union of the run's time step grid and every sensor's times.

        Sets ``time_index`` (each sensor's times in the grid); the truth is sampled on it.
        """
        parts = [np.append(np.arange(0.0, duration_s, step_s), duration_s)] + self.times
        grid = np.unique(np.round(np.concatenate(parts), 9))
        self.time_index = [np.searchsorted(grid, np.round(t, 9)) for t in self.times]
        return grid


_IR_KEYS = {"frame_period_s": "frame_period_s", "mode": "mode",
            "detection_alt_m": "detection_alt_km", "nei_w_m2": "nei_w_m2",
            "threshold_snr": "threshold_snr", "angle_sigma_rad": "angle_sigma_urad",
            "false_alarms_per_frame": "false_alarms_per_frame",
            "max_off_nadir_rad": "max_off_nadir_deg"}
_RADAR_KEYS = {"lat_rad": "site.lat_deg", "lon_rad": "site.lon_deg", "alt_m": "site.alt_m",
               "min_range_m": "min_range_km", "max_range_m": "max_range_km",
               "revisit_s": "revisit_s", "snr_ref_db": "snr_ref_db",
               "ref_range_m": "ref_range_km", "pfa": "pfa", "clutter_per_scan": "clutter_per_scan",
               "azimuth_rad": "azimuth_deg", "half_width_rad": "half_width_deg",
               "min_elevation_rad": "min_elevation_deg", "max_elevation_rad": "max_elevation_deg"}
_BG_KEYS = {"lat_rad": "site.lat_deg", "lon_rad": "site.lon_deg", "start_s": "time_s",
            "duration_s": "duration_s", "intensity_w_sr": "intensity_w_sr",
            "alt_m": "cloud_top_km"}


def _as_written(exc: InputError, path: str, spec: Any, keys: dict[str, str]) -> InputError:
    """The model's error on an SI copy (``max_range_m: got inf``) restated on the file's own
    key and value (``radars[0].max_range_km: got 1e+308``)."""
    field = exc.field
    prefix = ""
    if field.startswith("faces[") and "]." in field:  # faces[i].azimuth_rad
        prefix, field = field.split(".", 1)
        spec = spec.faces[int(prefix[6:-1])]
        prefix += "."
    key = keys.get(field)
    if key is None:
        return InputError(f"{path}.{exc.field}", exc.value, exc.expected, exc.hint)
    value: Any = spec
    for part in key.split("."):
        value = getattr(value, part, None)
    if key == "cloud_top_km" and value is None:
        key, value = "site.alt_m", spec.site.alt_m if spec.site is not None else None
    hint = f"checked as {exc.field} = {exc.value!r} in SI units" + (
        f"; {exc.hint}" if exc.hint else "")
    return InputError(f"{path}.{prefix}{key}", value, exc.expected, hint)


def _opt(**kw: Any) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if v is not None}


def build_sensors(sc: Scenario) -> SensorSet:
    """Sensors of the scenario (SI units) with their observation times."""
    out = SensorSet()
    frame = EarthFrame(sc.epoch)
    orbits = satellite_orbits(sc)
    for i, bg in enumerate(sc.background):
        if bg.kind in ("space-launch", "sounding-rocket"):
            continue
        if bg.site is None or bg.duration_s is None:  # the schema requires both; say so if not
            raise InputError(f"background[{i}]", bg.kind, "a source with site and duration_s")
        try:
            out.background.append(BackgroundSource(
                id=bg.id, kind=bg.kind, lat_rad=math.radians(bg.site.lat_deg),
                lon_rad=math.radians(bg.site.lon_deg),
                # A glint's height is its cloud tops' (given, or the model's typical 10 km), never
                # the ground's; a fire or flare sits at its site (docs/scenario.md, background).
                alt_m=(bg.cloud_top_km * 1e3 if bg.cloud_top_km is not None
                       else TYPICAL_ALT_M["sun-glint"] if bg.kind == "sun-glint"
                       else bg.site.alt_m),
                start_s=bg.time_s, duration_s=bg.duration_s,
                **_opt(intensity_w_sr=bg.intensity_w_sr)))
        except InputError as exc:
            raise _as_written(exc, f"background[{i}]", bg, _BG_KEYS) from None
    for i, s in enumerate(sc.satellites):
        spec = s.sensor
        path = f"satellites[{i}].sensor"
        try:
            model = irm.InfraredSensor(
                id=s.id, partner=s.owner, frame_period_s=spec.frame_period_s, mode=spec.mode,
                detection_alt_m=spec.detection_alt_km * 1e3,
                **_opt(nei_w_m2=spec.nei_w_m2, threshold_snr=spec.threshold_snr,
                       angle_sigma_rad=None if spec.angle_sigma_urad is None
                       else spec.angle_sigma_urad * 1e-6,
                       false_alarms_per_frame=spec.false_alarms_per_frame,
                       max_off_nadir_rad=None if spec.max_off_nadir_deg is None
                       else math.radians(spec.max_off_nadir_deg)))
        except InputError as exc:
            raise _as_written(exc, path, spec, _IR_KEYS) from None
        sat = InfraredSatellite(model, OrbitEphemeris(orbits[i], frame), tuple(out.background),
                                frame)
        out.satellite_index[len(out.sensors)] = i
        out.sensors.append(sat)
        out.times.append(sat.times(0.0, sc.duration_s))
    for i, rs in enumerate(sc.radars):
        path = f"radars[{i}]"
        faces = tuple(rdm.RadarFace(math.radians(f.azimuth_deg) % (2 * math.pi),
                                    math.radians(f.half_width_deg),
                                    math.radians(f.min_elevation_deg),
                                    math.radians(f.max_elevation_deg))
                      for f in rs.faces)
        try:
            model_r = rdm.Radar(
                id=rs.id, partner=rs.owner, lat_rad=math.radians(rs.site.lat_deg),
                lon_rad=math.radians(rs.site.lon_deg), alt_m=rs.site.alt_m, faces=faces,
                min_range_m=rs.min_range_km * 1e3,
                max_range_m=rs.max_range_km * 1e3, revisit_s=rs.revisit_s,
                snr_ref_db=60.0 if rs.snr_ref_db is None else rs.snr_ref_db,
                ref_range_m=1_000e3 if rs.ref_range_km is None else rs.ref_range_km * 1e3,
                **_opt(pfa=rs.pfa, clutter_per_scan=rs.clutter_per_scan))
        except InputError as exc:
            raise _as_written(exc, path, rs, _RADAR_KEYS) from None
        out.sensors.append(model_r)
        out.times.append(model_r.times(0.0, sc.duration_s))
    return out
