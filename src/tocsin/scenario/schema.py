"""The scenario file's schema: pydantic models, frozen, unknown keys forbidden.

Degrees, kilometres and minutes-free seconds in the file; :mod:`tocsin.scenario.build` converts to
SI once. Every field is documented in ``docs/scenario.md``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tocsin.checks import LON_MAX_DEG, LON_MIN_DEG

__all__ = ["Scenario"]


class _M(BaseModel):
    """Strict: a number is a number (not ``true``, not ``"5"``), a string a string."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Lat = Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
Lon = Annotated[float, Field(ge=LON_MIN_DEG, le=LON_MAX_DEG, allow_inf_nan=False)]
Pos = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
NonNeg = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class Point(_M):
    lat_deg: Lat
    lon_deg: Lon
    alt_m: float = Field(default=0.0, ge=-500.0, le=10_000.0, allow_inf_nan=False)


class Partner(_M):
    id: Ident
    name: str = Field(default="", max_length=200)


class GeoOrbit(_M):
    kind: Literal["geo"]
    lon_deg: Lon


class MolniyaOrbit(_M):
    kind: Literal["molniya", "tundra"]
    apogee_lon_deg: Lon


class KeplerOrbit(_M):
    kind: Literal["keplerian"]
    perigee_alt_km: float = Field(gt=100.0, allow_inf_nan=False)
    apogee_alt_km: float = Field(gt=100.0, allow_inf_nan=False)
    inclination_deg: float = Field(ge=0.0, le=180.0, allow_inf_nan=False)
    raan_deg: float = Field(default=0.0, allow_inf_nan=False)
    arg_perigee_deg: float = Field(default=270.0, allow_inf_nan=False)
    mean_anomaly_deg: float = Field(default=0.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _order(self) -> KeplerOrbit:
        if self.apogee_alt_km < self.perigee_alt_km:
            raise ValueError("apogee_alt_km must be at least perigee_alt_km")
        return self


class TleOrbit(_M):
    kind: Literal["tle"]
    lines: list[str] = Field(min_length=2, max_length=3)


Orbit = Annotated[GeoOrbit | MolniyaOrbit | KeplerOrbit | TleOrbit, Field(discriminator="kind")]


class InfraredSpec(_M):
    frame_period_s: Pos = 10.0
    mode: Literal["look-down", "limb", "both"] = "both"
    detection_alt_km: NonNeg = 12.0
    nei_w_m2: Pos | None = None
    threshold_snr: Pos | None = None
    angle_sigma_urad: Pos | None = None
    false_alarms_per_frame: float | None = Field(default=None, ge=0.0, le=100.0,
                                                 allow_inf_nan=False)
    max_off_nadir_deg: float | None = Field(default=None, gt=0.0, le=90.0)


class Satellite(_M):
    id: Ident
    owner: Ident
    orbit: Orbit
    sensor: InfraredSpec = InfraredSpec()


class Face(_M):
    azimuth_deg: float = Field(ge=-360.0, le=360.0, allow_inf_nan=False)
    half_width_deg: float = Field(default=60.0, gt=0.0, le=180.0, allow_inf_nan=False)
    min_elevation_deg: float = Field(default=3.0, ge=-5.0, le=90.0, allow_inf_nan=False)
    max_elevation_deg: float = Field(default=85.0, ge=-5.0, le=90.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _band(self) -> Face:
        if self.max_elevation_deg <= self.min_elevation_deg:
            raise ValueError("max_elevation_deg must exceed min_elevation_deg")
        return self


class RadarSpec(_M):
    id: Ident
    owner: Ident
    site: Point
    faces: list[Face] = Field(min_length=1, max_length=8)
    min_range_km: NonNeg = 300.0
    max_range_km: Pos = 5000.0
    revisit_s: Pos = 5.0
    snr_ref_db: float | None = Field(default=None, allow_inf_nan=False)
    ref_range_km: Pos | None = None
    pfa: float | None = Field(default=None, gt=0.0, lt=1.0)
    clutter_per_scan: float | None = Field(default=None, ge=0.0, le=100.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ranges(self) -> RadarSpec:
        if self.max_range_km <= self.min_range_km:
            raise ValueError("max_range_km must exceed min_range_km")
        return self


class OrbitTarget(_M):
    altitude_km: float = Field(ge=150.0, le=2000.0, allow_inf_nan=False)
    inclination_deg: float = Field(ge=0.0, le=180.0, allow_inf_nan=False)


class Launch(_M):
    id: Ident
    vehicle: str
    launch: Point
    target: Point | None = None
    orbit: OrbitTarget | None = None
    time_s: NonNeg = 0.0
    trajectory: str = "minimum-energy"

    @model_validator(mode="after")
    def _aim(self) -> Launch:
        if self.orbit is not None and "trajectory" in self.model_fields_set:
            raise ValueError("a space launch (orbit) takes no trajectory")
        if (self.target is None) == (self.orbit is None):
            raise ValueError("give exactly one of target (ballistic) or orbit (space launch)")
        return self


class Background(_M):
    """A background event: a flight (space launch, sounding rocket) or an infrared source."""

    id: Ident
    kind: Literal["space-launch", "sounding-rocket", "sun-glint", "fire", "flare"]
    # flights
    vehicle: str | None = None
    launch: Point | None = None
    target: Point | None = None
    orbit: OrbitTarget | None = None
    trajectory: str = "minimum-energy"
    time_s: NonNeg = 0.0
    # infrared sources
    site: Point | None = None
    cloud_top_km: float | None = Field(default=None, ge=0.0, le=30.0, allow_inf_nan=False)
    duration_s: Pos | None = None
    intensity_w_sr: Pos | None = None

    @model_validator(mode="after")
    def _fields(self) -> Background:
        flight = self.kind in ("space-launch", "sounding-rocket")
        given = self.model_fields_set
        wrong = (given & {"site", "cloud_top_km", "duration_s", "intensity_w_sr"} if flight
                 else given & {"vehicle", "launch", "target", "orbit", "trajectory"})
        if wrong:
            raise ValueError(f"a {self.kind} does not take " + ", ".join(sorted(wrong)))
        if self.kind != "sun-glint" and "cloud_top_km" in given:
            raise ValueError("cloud_top_km applies to a sun-glint only")
        if flight:
            if self.vehicle is None or self.launch is None:
                raise ValueError(f"a {self.kind} needs vehicle and launch")
            if self.kind == "space-launch" and self.orbit is None:
                raise ValueError("a space-launch needs orbit")
            if self.kind == "sounding-rocket" and self.target is None:
                raise ValueError("a sounding-rocket needs target")
        elif self.site is None or self.duration_s is None:
            raise ValueError(f"a {self.kind} needs site and duration_s")
        return self


class Asset(_M):
    id: Ident
    name: str = Field(default="", max_length=200)
    lat_deg: Lat
    lon_deg: Lon
    radius_km: Pos = 50.0
    owner: Ident | None = None


class Scenario(_M):
    name: str = Field(default="unnamed scenario", max_length=200)
    epoch: datetime
    duration_s: float = Field(gt=0.0, le=6 * 3600.0, allow_inf_nan=False)
    time_step_s: float = Field(default=1.0, gt=0.0, le=60.0, allow_inf_nan=False)
    seed: int = Field(default=0, ge=0, strict=True)
    # Sizes: far above any study's needs, far below what would exhaust the machine
    # (the run's own work is estimated and bounded in tocsin.scenario.budget).
    partners: list[Partner] = Field(min_length=1, max_length=64)
    satellites: list[Satellite] = Field(default=[], max_length=256)
    radars: list[RadarSpec] = Field(default=[], max_length=512)
    launches: list[Launch] = Field(default=[], max_length=5_000)
    background: list[Background] = Field(default=[], max_length=1_000)
    assets: list[Asset] = Field(default=[], max_length=10_000)

    @field_validator("epoch", mode="before")
    @classmethod
    def _iso(cls, v: object) -> datetime:
        """A YAML timestamp or an ISO 8601 string, with a zone; never a number."""
        if isinstance(v, str):
            try:
                v = datetime.fromisoformat(v.strip().replace("Z", "+00:00"))
            except ValueError:
                v = None
        if not isinstance(v, datetime) or v.tzinfo is None:
            raise ValueError("an ISO 8601 time with a zone, e.g. 2026-11-29T12:00:00Z")
        if not 1900 <= v.year <= 2200:
            raise ValueError("an epoch between the years 1900 and 2200")
        return v
