"""One partner's processing centre: its own detections in, its own tracks out.

Two trackers, each the generic :class:`~tocsin.tracking.tracker.MultiTargetTracker` wired with
roles suited to the data:

* **radar**: plots converted to ECEF positions with their covariance (the converted-measurement
  Kalman filter, Bar-Shalom, Li & Kirubarajan 2001, §10.4; the conversion bias, ~R σ_θ²/2, is a
  few metres at these ranges and neglected), a ballistic ECEF motion model (J2, rotation), GNN
  association, two-point initiation with a speed gate and M-of-N confirmation;
* **infrared**: the partner's satellites' lines of sight associated across satellites and
  triangulated to 3-D points (:mod:`tocsin.tracking.infrared`), tracked with a white-jerk
  (nearly-constant-acceleration) model that follows a booster. A tentative infrared track is only
  confirmed when its history moves like a launch (climbing, fast, speeding up): sun glint on
  clouds and fires — the 1983 case — stay tentative however often they are seen.

Everything enters through the :class:`~tocsin.tracking.door.Door`; the log of every track state
after every scan (``TrackLog``) feeds the reports and ``--tracks-out``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tocsin.sensors.detections import IR, RADAR, DetectionBatch
from tocsin.tracking.association import GlobalNearestNeighbour
from tocsin.tracking.ballistic import BallisticEcef
from tocsin.tracking.boost import WhiteJerkModel, looks_like_launch
from tocsin.tracking.door import Door, Rejections
from tocsin.tracking.gating import MahalanobisGater
from tocsin.tracking.infrared import triangulate_detections
from tocsin.tracking.kalman import KalmanUpdater
from tocsin.tracking.management import MissCovarianceDeleter, NewTracks, Seeds, TwoPointInitiator
from tocsin.tracking.tracker import MultiTargetTracker
from tocsin.tracking.tracks import CONFIRMED, TENTATIVE, TrackSet

__all__ = ["EcefPosition", "radar_plots_to_ecef", "PartnerTracker", "TrackLog"]


@dataclass
class EcefPosition:
    """Measurement model: the ECEF position, the first three state components (H = [I 0])."""

    dim_z: int = 3

    def predict_measurement(self, x: np.ndarray, ctx: object = None
                            ) -> tuple[np.ndarray, np.ndarray]:
        H = np.zeros((x.shape[0], 3, x.shape[1]))
        H[:, 0, 0] = H[:, 1, 1] = H[:, 2, 2] = 1.0
        return x[:, :3].copy(), H

    def residual(self, z: np.ndarray, z_hat: np.ndarray) -> np.ndarray:
        return z - z_hat


def radar_plots_to_ecef(det: DetectionBatch) -> tuple[np.ndarray, np.ndarray]:
    """ECEF positions (k, 3) and covariances (k, 3, 3) of radar plots (range, az, el, ·).

    r_enu = ρ (sin az cos el, cos az cos el, sin el); Σ = J R Jᵀ with J = ∂r_enu/∂(ρ, az, el),
    rotated to ECEF with the site's ENU rows (``sensor_frame``).
    """
    rho, az, el = det.z[:, 0], det.z[:, 1], det.z[:, 2]
    sa, ca, se, ce = np.sin(az), np.cos(az), np.sin(el), np.cos(el)
    enu = np.stack([rho * sa * ce, rho * ca * ce, rho * se], axis=-1)
    J = np.zeros((len(det), 3, 3))
    J[:, :, 0] = np.stack([sa * ce, ca * ce, se], axis=-1)                  # ∂/∂ρ
    J[:, :, 1] = np.stack([rho * ca * ce, -rho * sa * ce, 0 * rho], axis=-1)  # ∂/∂az
    J[:, :, 2] = np.stack([-rho * sa * se, -rho * ca * se, rho * ce], axis=-1)  # ∂/∂el
    M = det.sensor_frame                                                    # rows e, n, u
    r = det.sensor_r_ecef_m + np.einsum("kji,kj->ki", M, enu)
    S_enu = J @ det.R[:, :3, :3] @ np.swapaxes(J, 1, 2)
    S = np.swapaxes(M, 1, 2) @ S_enu @ M
    return r, 0.5 * (S + np.swapaxes(S, 1, 2))


@dataclass
class LaunchLikeInitiator:
    """Two-point initiator whose confirmation also needs launch-like motion (infrared).

    Wraps :class:`TwoPointInitiator`: new tracks get the acceleration block of P (the white-jerk
    state's last three components) from ``accel_sigma_m_s2``; a tentative track is confirmed when
    M-of-N holds **and** :func:`looks_like_launch` accepts its estimated positions so far.
    """

    base: TwoPointInitiator
    accel_sigma_m_s2: float = 30.0
    history: dict[int, list[tuple[float, np.ndarray]]] = field(default_factory=dict)

    def initiate(self, seeds: Seeds, t_s: float, scan: int, z: np.ndarray, R: np.ndarray
                 ) -> tuple[NewTracks, Seeds]:
        new, kept = self.base.initiate(seeds, t_s, scan, z, R)
        if new.x.shape[0] and new.x.shape[1] == 9:
            for i in range(6, 9):
                new.P[:, i, i] = self.accel_sigma_m_s2 ** 2
        return new, kept

    def confirm(self, tracks: TrackSet) -> np.ndarray:
        status = self.base.confirm(tracks)
        alive = set(tracks.ids.tolist())
        for k in [k for k in self.history if k not in alive]:
            del self.history[k]
        for i, tid in enumerate(tracks.ids.tolist()):
            if tracks.status[i] == CONFIRMED:
                continue
            h = self.history.setdefault(tid, [])
            if not h or h[-1][0] < tracks.t_s[i]:
                h.append((float(tracks.t_s[i]), tracks.x[i, :3].copy()))
            if status[i] == CONFIRMED:
                t = np.array([p[0] for p in h])
                r = np.array([p[1] for p in h])
                if not looks_like_launch(t, r):
                    status[i] = TENTATIVE
        return status


@dataclass
class TrackLog:
    """Every track state after every scan: columnar lists, frozen into arrays by ``arrays()``."""

    source: list[str] = field(default_factory=list)
    track_id: list[int] = field(default_factory=list)
    t_s: list[float] = field(default_factory=list)
    status: list[int] = field(default_factory=list)
    r_ecef_m: list[np.ndarray] = field(default_factory=list)
    v_ecef_m_s: list[np.ndarray] = field(default_factory=list)
    sigma_pos_m: list[float] = field(default_factory=list)

    def record(self, source: str, ts: TrackSet, t_s: float, vel: tuple[int, int, int]) -> None:
        for i in range(len(ts)):
            if ts.t_s[i] != t_s:
                continue
            self.source.append(source)
            self.track_id.append(int(ts.ids[i]))
            self.t_s.append(float(t_s))
            self.status.append(int(ts.status[i]))
            self.r_ecef_m.append(ts.x[i, :3].copy())
            self.v_ecef_m_s.append(ts.x[i, list(vel)].copy())
            self.sigma_pos_m.append(float(np.sqrt(np.trace(ts.P[i, :3, :3]))))

    def __len__(self) -> int:
        return len(self.t_s)


@dataclass
class PartnerTracker:
    """A partner's radar and infrared trackers over its own sensors (indices ``sensors``)."""

    partner: str
    sensors: frozenset[int]
    radar_q_m2_s3: float = 1.0
    log: TrackLog = field(default_factory=TrackLog)

    def __post_init__(self) -> None:
        self.door = Door(self.sensors)
        self.radar = MultiTargetTracker(
            BallisticEcef(drag=False, q_m2_s3=self.radar_q_m2_s3), EcefPosition(),
            MahalanobisGater(), GlobalNearestNeighbour(), KalmanUpdater(),
            TwoPointInitiator(max_speed_mps=8000.0, confirm_m=3, confirm_n=4,
                              pos_index=(0, 1, 2), vel_index=(3, 4, 5), seed_scans=2),
            MissCovarianceDeleter(tentative_misses=2, confirmed_misses=4,
                                  pos_index=(0, 1, 2), max_position_trace_m2=(200e3) ** 2))
        self.ir = MultiTargetTracker(
            WhiteJerkModel(q=30.0), EcefPosition(), MahalanobisGater(), GlobalNearestNeighbour(),
            KalmanUpdater(),
            LaunchLikeInitiator(TwoPointInitiator(
                max_speed_mps=6000.0, confirm_m=3, confirm_n=4, state_dim=9,
                pos_index=(0, 1, 2), vel_index=(3, 4, 5), seed_scans=2)),
            MissCovarianceDeleter(tentative_misses=2, confirmed_misses=3, pos_index=(0, 1, 2),
                                  max_position_trace_m2=(100e3) ** 2))

    @property
    def rejected(self) -> Rejections:
        return self.door.rejected

    def process(self, det: DetectionBatch) -> None:
        """Track a time-ordered batch of this partner's detections (all of a run, or a chunk)."""
        ok = self.door.admit(det.sorted())
        radar = ok.take(ok.kind == RADAR)
        if len(radar):
            r, S = radar_plots_to_ecef(radar)
            keys = np.stack([radar.t_s, radar.sensor.astype(float)], axis=1)
            _, start = np.unique(keys, axis=0, return_index=True)
            bounds = np.append(np.sort(start), len(radar))
            for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                t = float(radar.t_s[a])
                self.radar.step(t, r[a:b], S[a:b])
                self.log.record("radar", self.radar.tracks, t, (3, 4, 5))
        ir = ok.take(ok.kind == IR)
        if len(ir):
            tri = triangulate_detections(ir)
            if tri.t_s.size:
                order = np.argsort(tri.t_s, kind="stable")
                t_all = tri.t_s[order]
                # Points from one frame window are one scan.
                cuts = np.flatnonzero(np.diff(t_all) > 1.0) + 1
                bounds = np.concatenate([[0], cuts, [t_all.size]])
                for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                    idx = order[a:b]
                    t = float(np.max(tri.t_s[idx]))
                    self.ir.step(t, tri.r_ecef_m[idx], tri.P[idx])
                    self.log.record("infrared", self.ir.tracks, t, (3, 4, 5))
