"""Confirming tracks and handing infrared tracks over to radar, in a partner's system tracker.

:func:`confirm`: M-of-N over detection opportunities (Blackman & Popoli 1999 §3.2); an
infrared-born track must also move like a booster within ``TrackManager.launch_confirm_s``:
its triangulated points climb (:func:`~tocsin.tracking.launchlike.climbs_like_launch`), or one
satellite's footprints run and speed up twice in a row
(:func:`~tocsin.tracking.launchlike.moves_like_launch`). :func:`take_over`: a confirmed
radar-only track takes over the infrared-only track whose last rays its back-propagated state
explains (:mod:`tocsin.tracking.handover`), only when that is clear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tocsin.sensors.detections import los_from_angles
from tocsin.tracking.gating import chi2_gate
from tocsin.tracking.handover import Rays, back_check, in_plane
from tocsin.tracking.launchlike import climbs_like_launch, moves_like_launch
from tocsin.tracking.log import MODE_BOOST, PHEN_IR
from tocsin.tracking.systracks import CONFIRMED, ORIGIN_RADAR, TENTATIVE

if TYPE_CHECKING:
    from tocsin.tracking.partner import PartnerTracker

__all__ = ["confirm", "confirm_now", "take_over"]

# One satellite's rays leave the range free, so in a salvo the boosters launched seconds apart
# fit them nearly alike: a single-satellite infrared track is handed over only to a radar
# track whose velocity is this much sharper than ``TrackManager.handover_sigma_v_m_s``.
_SINGLE_SAT_SHARPER = 3.0
# Even then, it is handed over only when no other infrared track flew in the radar track's
# trajectory plane: in salvo-5-tight (boosters 4 s apart) a booster whose own infrared track
# was lost 45 s before burnout fitted its neighbour's single-satellite rays (d² = 21 against a
# gate of 32) and was handed the wrong track.


def confirm(pt: PartnerTracker, idx: np.ndarray) -> None:
    ts, mg = pt.tracks, pt.manager
    window = np.uint32((1 << mg.confirm_n) - 1)
    for i in idx[ts.status[idx] == TENTATIVE]:
        if bin(int(ts.history[i] & window)).count("1") < mg.confirm_m:
            continue
        if ts.origin[i] != ORIGIN_RADAR:
            tid = int(ts.ids[i])
            if ts.t_s[i] - ts.born_s[i] > mg.launch_confirm_s:
                continue                # a source unlike a launch for so long is not one
            sp = [p for p in pt.stereo_points.get(tid, [])
                  if p[0] >= ts.t_s[i] - mg.launch_window_s]
            if len(sp) >= 3 and climbs_like_launch(np.array([p[0] for p in sp]),
                                                   np.array([p[1] for p in sp]),
                                                   np.array([p[2] for p in sp])):
                confirm_now(pt, i)
                continue
            h = max(pt.launch_history.get(tid, {}).values(), key=len, default=[])
            h = [p for p in h if p[0] >= ts.t_s[i] - mg.launch_window_s]
            ok = len(h) >= 3 and moves_like_launch(np.array([p[0] for p in h]),
                                                   np.array([p[1] for p in h]),
                                                   np.array([p[2] for p in h]))
            run = pt._launch_like_run.get(tid, 0) + 1 if ok else 0
            pt._launch_like_run[tid] = run
            if run < mg.launch_like_runs:
                continue
            pt._launch_like_run.pop(tid, None)
        confirm_now(pt, i)


def confirm_now(pt: PartnerTracker, i: int) -> None:
    ts = pt.tracks
    ts.status[i] = CONFIRMED
    pt.launch_history.pop(int(ts.ids[i]), None)
    pt.stereo_points.pop(int(ts.ids[i]), None)
    pt._launch_like_run.pop(int(ts.ids[i]), None)


def take_over(pt: PartnerTracker, i: int) -> None:
    """Confirmed radar-only track row ``i`` takes over the infrared-only track whose last
    rays its back-propagated state explains (:mod:`tocsin.tracking.handover`) — only when
    the decision is clear: the radar track's velocity σ is below
    ``TrackManager.handover_sigma_v_m_s`` (a young track's cross-range velocity is too
    loose to tell a salvo's boosters apart), one infrared track passes the gate and no
    other comes within the 1 − 10⁻⁹ gate. Repeated at each radar update until decisive, at most
    ``TrackManager.handover_tries`` times, at track hit counts growing by 30 % each."""
    ts = pt.tracks
    if np.trace(ts.P[i, 3:6, 3:6]) > pt.manager.handover_sigma_v_m_s ** 2:
        return                                     # too loose to tell boosters apart
    n_try = pt._handover_tries.get(int(ts.ids[i]), 0)
    if n_try >= pt.manager.handover_tries or int(ts.hits[i]) < int(1.3 ** n_try):
        return                                     # tried at 1, 2, 3, 4, 5, 7, 9, … hits
    pt._handover_tries[int(ts.ids[i])] = n_try + 1
    x, P = ts.x[i:i + 1].copy(), ts.P[i:i + 1].copy()
    if ts.mode[i] == MODE_BOOST:
        pt.motion.to_coast(x, P, np.array([0]))
    # Candidates: infrared-only tracks that ended before radar began. Those seen by one
    # satellite only once the radar track is sharp (one satellite's rays leave the range
    # free: in a salvo several boosters fit them, and a wrong hand-over is a swap).
    sharp = np.trace(ts.P[i, 3:6, 3:6]) <= (pt.manager.handover_sigma_v_m_s
                                            / _SINGLE_SAT_SHARPER) ** 2
    cand = [int(j) for j in np.flatnonzero((ts.ids >= 0) & (ts.phen == PHEN_IR)
                                           & (ts.last_ir_s < ts.first_radar_s[i]))
            if len({b[5] for b in pt.ir_rays.get(int(ts.ids[j]), [])}) >= (1 if sharp else 2)]
    if cand:                                       # cheap: the trajectory plane
        last = [pt.ir_rays[int(ts.ids[j])][-1] for j in cand]
        zz = np.array([b[1] for b in last])
        los = los_from_angles(zz[:, 0], zz[:, 1], np.array([b[4] for b in last]))
        ok = in_plane(ts.x[i, :3], ts.x[i, 3:6], float(ts.t_s[i]),
                      np.array([b[0] for b in last]), np.array([b[3] for b in last]), los)
        cand = [j for j, o in zip(cand, ok, strict=True) if o]
    if not cand:
        return
    bufs = [pt.ir_rays[int(ts.ids[j])] for j in cand]
    rays = [Rays(*(np.array([b[c] for b in buf]) for c in range(5))) for buf in bufs]
    bo = np.array([pt.burnouts.get(int(ts.ids[j]), (float(ts.t_s[j]), 0.0, 900.0))
                   for j in cand])
    d2 = back_check(pt.motion, x[0], P[0], float(ts.t_s[i]), rays, bo[:, 0], bo[:, 1],
                    bo[:, 2], pt.manager.burn_extend_s)
    dof = 2 * np.array([len(b) for b in bufs])
    gate = np.array([chi2_gate(pt.gater.probability, int(d)) for d in dof])
    near = np.array([chi2_gate(1.0 - 1e-9, int(d)) for d in dof])
    passing = [cand[q] for q in np.flatnonzero(d2 <= gate)]
    if int((d2 <= near).sum()) > 1:
        return                                     # ambiguous: wait for a sharper track
    if len(passing) != 1:
        return
    j = passing[0]
    if len(cand) > 1 and len({b[5] for b in pt.ir_rays[int(ts.ids[j])]}) < 2:
        return          # one satellite's rays, and other boosters flew in this plane: a salvo
    pt.log.record_merge(int(ts.ids[i]), int(ts.ids[j]))
    ts.ids[i] = ts.ids[j]
    ts.born_s[i] = min(ts.born_s[i], ts.born_s[j])
    ts.phen[i] |= ts.phen[j]
    ts.first_ir_s[i], ts.last_ir_s[i], ts.ir_w_sr[i] = (ts.first_ir_s[j], ts.last_ir_s[j],
                                                       ts.ir_w_sr[j])
    pt.ir_rays.pop(int(ts.ids[j]), None)
    ts.ids[j] = -1                                 # removed at the end of the event
