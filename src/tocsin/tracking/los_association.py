"""Search and packing for the association of IR lines of sight (:mod:`tocsin.tracking.infrared`).

Inputs are rays of a batch: positions ``s`` ``(n, 3)`` ECEF m, unit directions ``u`` ``(n, 3)``,
times s, RMS angular σ rad; rays are grouped into *frames* (one sensor, one instant, one position
and attitude) and frames into *windows* (rays that may associate). Nothing here reads truth.

* :func:`chi2_gate` — χ² quantiles, cached per (probability, d.o.f.).
* :func:`frame_windows` — windows that follow the satellites' frames; :func:`fixed_windows`
  the older fixed-length ones; :func:`frames` groups rays into frames, :func:`alpha_index`
  sorts them by (frame, α) for range searches in a frame's image.
* :func:`epipolar_pairs` — a cheap, conservative pre-gate on ray pairs: it never drops a pair
  that the exact miss-distance gate of :mod:`~tocsin.tracking.infrared` accepts. Two lines
  s₁ + ρ₁û, s₂ + ρ₂v̂ miss by d = |(s₂ − s₁)·(û × v̂)| / |û × v̂| ≥ B |ê·(û × v̂)| (B ê = s₂ − s₁,
  the baseline; |û × v̂| ≤ 1). Written with each ray's plane through the baseline at angle φ
  about ê, ê·(û × v̂) = |û⊥||v̂⊥| sin(φ_v − φ_u) (Hartley & Zisserman, *Multiple View
  Geometry*, 2nd ed. (2004), §9.1, the epipolar planes), so rays that may meet have nearly equal
  φ (mod π): a sort and a range search per frame pair replace the all-pairs test.
* :func:`missed_sensors` — the sensors of a window that could have seen a triangulated point
  but report no ray of its set: in front of the satellite and not hidden by the Earth (the
  segment from the satellite to the point clears the WGS-84 ellipsoid, exact in coordinates
  scaled so that the ellipsoid is the unit sphere), within its field of regard (off-nadir angle
  at most the Earth's angular radius asin(a/|s|) plus a margin, 2°).
* :func:`pack_sets` — the S-D assignment's set packing (S. Deb et al., "A generalized S-D
  assignment algorithm for multisensor-multitarget state estimation", IEEE TAES 33(2) (1997))
  split into connected components (candidates sharing rays) after dropping sets that cost
  ≥ 0: a component whose best set costs no more than a lower bound on any packing of two or
  more is settled by it, small ones by exact enumeration, larger ones by
  ``linear_sum_assignment`` (two sensors) or ``scipy.optimize.milp``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.stats import chi2

from tocsin.earth.constants import A_M, B_M
from tocsin.errors import TrackingError
from tocsin.sensors.detections import DetectionBatch

__all__ = ["chi2_gate", "chi2_gates", "frame_windows", "fixed_windows", "Frames", "frames",
           "alpha_index", "epipolar_pairs", "expand_ranges", "unique_pairs", "missed_sensors",
           "pack_sets"]

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]
_ENUM_MAX = 10          # components up to this many candidates are enumerated exactly
_CARD = 1e6             # two-sensor windows: a set more outweighs any χ² (assignment semantics)
_FOR_MARGIN_RAD = np.deg2rad(2.0)   # field of regard: the Earth's disc and this much around it
_SCALE = np.array([1.0 / A_M, 1.0 / A_M, 1.0 / B_M])   # WGS-84 ellipsoid → unit sphere


@functools.lru_cache(maxsize=512)
def chi2_gate(prob: float, dof: int) -> float:
    """γ with P(χ²_dof ≤ γ) = prob."""
    return float(chi2.ppf(prob, dof))


def chi2_gates(prob: float, dof: IntArray) -> Array:
    """:func:`chi2_gate` of an integer array of d.o.f."""
    u, inv = np.unique(dof, return_inverse=True)
    return np.array([chi2_gate(prob, int(d)) for d in u])[inv.reshape(-1)]


def expand_ranges(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """(owner, index) for every index in each half-open range [lo[i], hi[i])."""
    cnt = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(lo.size), cnt)
    start = np.cumsum(cnt) - cnt
    return owner, lo[owner] + np.arange(owner.size) - start[owner]


def frame_windows(t_s: Array, sensor: IntArray) -> tuple[IntArray, float]:
    """(window index per row, max Δt within a window) for rows at their frame times ``t_s``.

    Windows are the distinct frame instants, merged only while the instants are closer than the
    shortest frame period present (the smallest gap between one sensor's distinct frame times)
    and never holding two frames of one sensor. With no sensor seen twice no period is known
    and each instant is its own window."""
    inst, inv = np.unique(t_s, return_inverse=True)
    inv = inv.reshape(-1)
    key = np.unique(np.stack([sensor.astype(np.float64), t_s], 1), axis=0)     # (sensor, t)
    same = key[1:, 0] == key[:-1, 0]
    period = float(np.min(np.diff(key[:, 1])[same])) if np.any(same) else np.inf
    if inst.size < 2 or not np.isfinite(period) or np.all(np.diff(inst) >= period):
        return inv.astype(np.int64), 0.0
    win_of_inst = np.zeros(inst.size, np.int64)
    frame_inst = np.searchsorted(inst, key[:, 1])
    w, t0, seen = 0, inst[0], set(key[frame_inst == 0, 0].tolist())
    for i in range(1, inst.size):                     # greedy: few instants, only when offset
        here = set(key[frame_inst == i, 0].tolist())
        if inst[i] - t0 >= period or seen & here:
            w, t0, seen = w + 1, inst[i], set()
        seen |= here
        win_of_inst[i] = w
    return win_of_inst[inv], period


def fixed_windows(t: Array, window_s: float) -> IntArray:
    """A window opens at the first not yet used time (``t`` sorted) and holds ``window_s``."""
    win = np.zeros(t.size, np.int64)
    i, w = 0, 0
    while i < t.size:
        j = int(np.searchsorted(t, t[i] + window_s, side="right"))
        win[i:j] = w
        i, w = j, w + 1
    return win


@dataclass(frozen=True)
class Frames:
    """Frames of a batch (one sensor, instant, position and attitude), sorted by (window,
    column): window, column, time s, position (f, 3) m, attitude (f, 3, 3), largest σ rad and
    largest R_αα, R_ββ rad² of their rays; ``of_ray`` the frame of each ray."""

    win: IntArray
    col: IntArray
    t: Array
    s: Array
    F: Array
    sig: Array
    r_aa: Array
    r_bb: Array
    of_ray: IntArray


def frames(ir: DetectionBatch, win: IntArray, col: IntArray) -> Frames:
    """The frames of the rays ``ir`` in windows ``win``, sensor columns ``col``."""
    key = np.column_stack([win, col, ir.t_s, ir.sensor_r_ecef_m,
                           ir.sensor_frame.reshape(-1, 9)]).astype(np.float64)
    order = np.lexsort(key.T[::-1])                   # by window, column, time, position, …
    ks = key[order]
    head = np.r_[True, np.any(ks[1:] != ks[:-1], axis=1)]
    of = np.empty(order.size, np.int64)
    of[order] = np.cumsum(head) - 1
    first = order[head]
    sig = np.sqrt(0.5 * (ir.R[:, 0, 0] + ir.R[:, 1, 1]))               # RMS angular σ
    start = np.flatnonzero(head)

    def most(v: Array) -> Array:                      # largest over each frame's rays
        return np.maximum.reduceat(v[order], start) if start.size else np.zeros(0)

    return Frames(win[first], col[first], ir.t_s[first], ir.sensor_r_ecef_m[first],
                   ir.sensor_frame[first], most(sig), most(ir.R[:, 0, 0]), most(ir.R[:, 1, 1]),
                   of)


def alpha_index(ir: DetectionBatch, fr: Frames) -> tuple[Array, IntArray]:
    """Rays sorted by (frame, α) as keys frame·32 + α + 16 (α wrapped, copies at ±2π so that a
    range across ±π is one range): (sorted keys, ray of each key)."""
    alpha = (ir.z[:, 0] + np.pi) % (2.0 * np.pi) - np.pi
    key = np.concatenate([fr.of_ray * 32.0 + alpha + 16.0 + sh
                          for sh in (-2 * np.pi, 0.0, 2 * np.pi)])
    srt = np.argsort(key, kind="stable")
    return key[srt], srt % len(ir)


def unique_pairs(a: IntArray, b: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """Distinct pairs (a, b), b < n, sorted."""
    code = np.unique(a * n + b)
    return code // n, code % n


def epipolar_pairs(fr_win: IntArray, fr_col: IntArray, fr_t: Array, fr_s: Array,
                   fr_sig: Array, ray_frame: IntArray, u: Array, *, max_dt_s: float,
                   speed_m_s: float, r_max_m: float, gate: float) -> tuple[IntArray, IntArray]:
    """Ray pairs (i, k), frame column of i < that of k, same window, that may pass the gate.

    Frames ``fr_*`` sorted by (window, column): window, sensor column, time s, position
    ``(f, 3)`` m and largest σ rad of their rays; rays' frames and unit directions ``(n, 3)``.
    The exact gate (d² ≤ γ σ_d², σ_d² = (σ₁ρ₁)² + (σ₂ρ₂)² + (vΔt)², midpoint within ``r_max_m``
    of the Earth's centre) bounds the miss: ρᵢ ≤ |sᵢ| + r_max + d/2 gives
    d ≤ M = √γ (Σ σᵢ(|sᵢ| + r_max) + v|Δt|) / (1 − √γ (σ₁ + σ₂)/2); a pair is kept when
    B |ê·(û × v̂)| ≤ M (module docstring), found among the rays whose φ differ by at most
    asin(M / (B |û⊥|²)) for one of the two rays (√(xy) ≤ max(x, y))."""
    fa, fb = _frame_pairs(fr_win, fr_col, fr_t, max_dt_s)
    if not fa.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    e = fr_s[fb] - fr_s[fa]
    B = np.linalg.norm(e, axis=-1)                                     # baseline length m
    e = e / np.where(B > 0, B, 1.0)[:, None]
    ref = np.where(np.abs(e[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
    p = np.cross(e, ref)
    p /= np.linalg.norm(p, axis=-1, keepdims=True)
    q = np.cross(e, p)                                                 # (p, q) ⊥ ê
    sg, sa, sb = np.sqrt(gate), fr_sig[fa], fr_sig[fb]
    c = sa * (np.linalg.norm(fr_s[fa], axis=-1) + r_max_m) + sb * (
        np.linalg.norm(fr_s[fb], axis=-1) + r_max_m) + speed_m_s * np.abs(fr_t[fb] - fr_t[fa])
    den = 1.0 - sg * 0.5 * (sa + sb)
    M = np.where(den > 0, sg * c / np.where(den > 0, den, 1.0), np.inf)   # miss bound m
    order = np.argsort(ray_frame, kind="stable")
    start = np.searchsorted(ray_frame[order], np.arange(fr_win.size + 1))
    ga, ia = expand_ranges(start[fa], start[fa + 1])                  # (group, ray) records
    gb, ib = expand_ranges(start[fb], start[fb + 1])
    ia, ib = order[ia], order[ib]
    phi_a, r_a = _plane_angle(u[ia], e[ga], p[ga], q[ga], M[ga] / np.maximum(B[ga], 1e-300))
    phi_b, r_b = _plane_angle(u[ib], e[gb], p[gb], q[gb], M[gb] / np.maximum(B[gb], 1e-300))
    rb_max = np.zeros(fa.size)
    if gb.size:
        first = np.flatnonzero(np.r_[True, gb[1:] != gb[:-1]])
        rb_max[gb[first]] = np.maximum.reduceat(r_b, first)
    kb = np.concatenate([gb * 10.0 + phi_b + 5.0 + sh for sh in (-np.pi, 0.0, np.pi)])
    srt = np.argsort(kb, kind="stable")
    kb = kb[srt]
    w = np.minimum(r_a + rb_max[ga], 0.5 * np.pi) + 1e-6                # half-width, rad
    ka = ga * 10.0 + phi_a + 5.0
    own, pos = expand_ranges(np.searchsorted(kb, ka - w), np.searchsorted(kb, ka + w, "right"))
    i, k = ia[own], ib[srt[pos] % ib.size]
    g = ga[own]
    lb = B[g] * np.abs(np.einsum("ki,ki->k", e[g], np.cross(u[i], u[k])))   # ≤ miss
    keep = lb <= M[g] * (1.0 + 1e-9) + 1.0
    code = np.unique(i[keep] * u.shape[0] + k[keep])                   # wrap copies: once each
    return code // u.shape[0], code % u.shape[0]


def _frame_pairs(win: IntArray, col: IntArray, t: Array, max_dt_s: float
                 ) -> tuple[IntArray, IntArray]:
    """Frame pairs (a, b) of one window, column a < column b, |Δt| ≤ max_dt_s."""
    a, b = expand_ranges(np.arange(win.size) + 1, np.searchsorted(win, win, "right"))
    keep = (col[b] > col[a]) & (np.abs(t[b] - t[a]) <= max_dt_s)
    return a[keep], b[keep]


def _plane_angle(u: Array, e: Array, p: Array, q: Array, m_over_b: Array
                 ) -> tuple[Array, Array]:
    """(φ ∈ [0, π) of each ray's plane through the baseline, its half-width asin(M/(B|û⊥|²)))."""
    up, uq = np.einsum("ki,ki->k", u, p), np.einsum("ki,ki->k", u, q)
    phi = np.arctan2(uq, up) % np.pi
    with np.errstate(divide="ignore", invalid="ignore"):
        x = m_over_b / (up * up + uq * uq)                             # M / (B |û⊥|²)
    return phi, np.arcsin(np.minimum(np.nan_to_num(x, nan=1.0, posinf=1.0), 1.0))


def missed_sensors(x: Array, members: IntArray, set_win: IntArray, fr: Frames
                   ) -> tuple[IntArray, IntArray]:
    """(sensors that could have seen each point yet have no ray in its set, sensors in its
    window) for points ``x (n, 3)`` ECEF m of sets ``members (n, S)`` (−1: no ray from that
    column) in windows ``set_win``.

    A sensor counts when it has a frame in the window (its position there: that of any frame)
    and the point is visible from it: the segment satellite → point clears the ellipsoid (its
    point nearest the centre, in coordinates where the ellipsoid is the unit sphere, lies
    outside it; a point below the surface, a noisy or ghost intersection, is first raised to
    it, or it would hide from every sensor) and the off-nadir angle is at most asin(a/|s|) + 2°
    (the Earth's disc and the limb above it)."""
    n, S = members.shape
    if not n:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    n_win = int(max(fr.win.max(), set_win.max())) + 1
    have = np.zeros((n_win, S), bool)
    have[fr.win, fr.col] = True
    pos = np.zeros((n_win, S, 3))
    pos[fr.win, fr.col] = fr.s
    k, j = np.nonzero(have[set_win] & (members < 0))                 # (set, other sensor)
    s, p = pos[set_win[k], j], x[k] * _SCALE
    pn = np.linalg.norm(p, axis=-1, keepdims=True)
    p = np.where(pn < 1.0 + 1e-6, p * (1.0 + 1e-6) / np.maximum(pn, 1e-300), p)  # ≥ surface
    sa = s * _SCALE
    sd = p - sa
    dd = np.einsum("ki,ki->k", sd, sd)
    t = np.clip(-np.einsum("ki,ki->k", sa, sd) / np.where(dd > 0, dd, 1.0), 0.0, 1.0)
    near = sa + t[:, None] * sd
    clear = np.einsum("ki,ki->k", near, near) >= 1.0                  # not behind the Earth
    v, rs = s - x[k], np.linalg.norm(s, axis=-1)
    cos_off = np.einsum("ki,ki->k", v, s) / np.maximum(np.linalg.norm(v, axis=-1) * rs, 1e-300)
    lim = np.arcsin(np.minimum(A_M / rs, 1.0)) + _FOR_MARGIN_RAD
    seen = clear & (cos_off >= np.cos(np.minimum(lim, np.pi)))        # off-nadir ≤ limit
    missed = np.bincount(k[seen], minlength=n).astype(np.int64)
    return missed, have.sum(1)[set_win].astype(np.int64)


def pack_sets(members: IntArray, cost: Array, two_sensor: NDArray[np.bool_], base: Array,
              per_ray: float) -> IntArray:
    """Indices of the chosen candidates: each ray (``members (n, S)``, −1 none) in at most one.

    Minimises Σ cost of the chosen sets (sets of positive cost are never chosen); where
    ``two_sensor`` (the window has two sensors) the 2-D assignment's rule instead: as many
    sets as possible, then least cost. Each set's cost is known to be ≥ ``base`` − ``per_ray``
    × its rays (``base`` one value per component). Components (sets linked by shared rays) are
    solved on their own: one whose best single set (or none) costs no more than a bound on any
    packing of two or more is settled directly — the larger of 2·base − per_ray·N (N rays in
    the component) and Σ over its rays of the least cost per ray (cost / rays) of a set holding
    that ray (a packing's cost is the sum of its rays' shares; an LP-relaxation bound); small
    ones are enumerated, larger ones go to ``linear_sum_assignment`` (two sensors) or
    ``milp``."""
    obj = np.where(two_sensor, cost - _CARD, cost)
    live = np.flatnonzero(obj < 0)                    # a set costing ≥ 0 improves no packing
    members, obj, two_sensor, base = members[live], obj[live], two_sensor[live], base[live]
    n = members.shape[0]
    if n <= _ENUM_MAX:                                # few sets: enumerate them all at once
        return live[_enumerate(members[None], obj[None], np.arange(n)[None])]
    ci, cj = np.nonzero(members >= 0)
    ray = np.unique(members[ci, cj], return_inverse=True)[1].reshape(-1)
    g = coo_matrix((np.ones(ci.size), (ci, n + ray)), shape=(n + ray.max() + 1,) * 2)
    label = connected_components(g, directed=False)[1]
    comp, n_rays = label[:n], np.bincount(label[n:], minlength=label.max() + 1)
    order = np.lexsort((obj, comp))                   # by component, cheapest first
    start = np.flatnonzero(np.r_[True, comp[order][1:] != comp[order][:-1]])
    size = np.diff(np.r_[start, n])
    best, two = order[start], two_sensor[order[start]]
    share = np.zeros(ray.max() + 1)                                    # least cost per ray
    np.minimum.at(share, ray, obj[ci] / np.bincount(ci, minlength=n)[ci])
    per_comp = np.bincount(label[n:], weights=share, minlength=n_rays.size)
    bound = np.maximum(2.0 * base[best] - per_ray * n_rays[comp[best]],   # ≥ 2 sets cost ≥ this
                       per_comp[comp[best]])
    slack = 1e-9 * (1.0 + np.abs(bound))                              # rounding of the shares
    lone = (size == 1) | (~two & (np.minimum(obj[best], 0.0) <= bound + slack))
    chosen = [best[lone & (obj[best] < 0)]]
    rest = ~lone
    for m in np.unique(size[rest & (size <= _ENUM_MAX)]):
        idx = order[start[rest & (size == m)][:, None] + np.arange(m)]     # (components, m)
        chosen.append(_enumerate(members[idx], obj[idx], idx))
    big = rest & (size > _ENUM_MAX)
    for b0, m in zip(start[big & two], size[big & two], strict=True):
        idx = order[b0:b0 + m]
        chosen.append(idx[_assign(members[idx], obj[idx])])
    for b0, m in zip(start[big & ~two], size[big & ~two], strict=True):
        idx = order[b0:b0 + m]
        chosen.append(idx[_milp(members[idx], obj[idx])])
    return live[np.sort(np.concatenate(chosen))]


def _enumerate(mem: IntArray, obj: Array, idx: IntArray) -> IntArray:
    """Exact packing of c components of m candidates each, ``mem (c, m, S)``: all 2^m subsets."""
    m = mem.shape[1]
    X = ((np.arange(2 ** m)[:, None] >> np.arange(m)) & 1).astype(np.float64)   # (2^m, m)
    share = np.any((mem[:, :, None, :] == mem[:, None, :, :]) & (mem[:, :, None, :] >= 0), -1)
    share &= ~np.eye(m, dtype=bool)                                    # i, j share a ray
    clash = np.einsum("si,cij,sj->cs", X, share.astype(np.float64), X) > 0
    total = np.where(clash, np.inf, obj @ X.T)                         # (c, 2^m), ∅ costs 0
    pick = X[np.argmin(total, 1)] > 0.5
    return idx[pick]


def _assign(mem: IntArray, obj: Array) -> IntArray:
    """A two-sensor component: the 2-D assignment (``linear_sum_assignment``) on its pairs."""
    c0, c1 = mem[:, mem[0] >= 0].T                                     # the two sensors' rays
    a, ia = np.unique(c0, return_inverse=True)
    b, ib = np.unique(c1, return_inverse=True)
    which = np.full((a.size, b.size), -1, np.int64)
    which[ia.reshape(-1), ib.reshape(-1)] = np.arange(mem.shape[0])
    r, c = linear_sum_assignment(np.where(which >= 0, obj[which], 1e12))
    return which[r, c][which[r, c] >= 0]


def _milp(mem: IntArray, obj: Array) -> IntArray:
    """Set packing by ``milp``: min Σ cost·x, A x ≤ 1 (each ray once), x ∈ {0, 1}."""
    used, ray = np.unique(mem[mem >= 0], return_inverse=True)
    A = coo_matrix((np.ones(ray.size), (ray.reshape(-1), np.nonzero(mem >= 0)[0])),
                   shape=(used.size, mem.shape[0]))
    sol = milp(obj, constraints=LinearConstraint(A, -np.inf, 1.0),
               integrality=np.ones(obj.size), bounds=Bounds(0.0, 1.0))
    if sol.x is None:                                   # pragma: no cover - HiGHS failure
        raise TrackingError(f"S-D assignment failed: {sol.message}")
    return np.flatnonzero(sol.x > 0.5)
