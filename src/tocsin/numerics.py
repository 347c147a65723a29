"""Scalar root finding and minimisation over vectorised functions (the solvers of targeting).

Both helpers take ``fn``, a function of a float array returning an array of the same shape (NaN
where the point is infeasible), so that a whole grid costs one batched call:

* :func:`illinois` — a root of a monotone function in a bracket by regula falsi with the Illinois
  modification (M. Dowell & P. Jarratt, "A modified regula falsi method for computing the root of
  an equation", BIT 11 (1971) 168–174): the retained end's value is halved when the same side
  is kept twice, which restores superlinear convergence.
* :func:`zoom_min` — the minimum of a unimodal function by grid zooming, then a parabola through
  the last grid's best point and its neighbours (successive parabolic interpolation, e.g. W. H.
  Press et al., *Numerical Recipes*, 3rd ed. (2007), §10.3).

A solver that cannot meet its tolerance raises :class:`~tocsin.errors.TargetingError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from tocsin.errors import TargetingError

__all__ = ["illinois", "zoom_min"]

VectorFn = Callable[[np.ndarray], np.ndarray]


def zoom_min(fn: VectorFn, a: float, b: float, n: int = 9, levels: int = 4,
             hint: float | None = None, what: str = "pitch programme") -> tuple[float, float]:
    """Minimise a unimodal, vectorised fn (NaN = infeasible) on [a, b]; returns (x*, f(x*)).

    Each level evaluates a grid of ``n`` points and keeps the bracket between the best point's
    two neighbours, which holds the minimum of a unimodal function (an infeasible point counts as
    higher than every feasible one: it lies beyond the edge where the cost rises past its
    bound); the bracket shrinks by ``2/(n-1)`` per level. A parabola through the last grid's best
    point and its neighbours then gives the vertex, kept if it is no worse than the best point.

    The bracket must never be narrower than that: a zoom to a fixed fraction of a step around the
    best grid point loses the minimum when only two or three grid points are feasible (the best
    of them can be a whole step from the minimum), and the answer then sticks at the window edge.
    ``hint``: where to look when the whole first grid is infeasible. Raises
    :class:`TargetingError` ("no feasible ``what`` ...") when no point is feasible.
    """
    x = f = np.empty(0)
    best_x = best_f = float("nan")
    i = 0
    for level in range(levels):
        x = np.linspace(a, b, n)
        f = fn(x)
        if np.all(np.isnan(f)) and level == 0 and hint is not None:
            # The feasible set can be narrower than the grid: look around the hint.
            x = np.linspace(max(a, hint - (b - a) / n), min(b, hint + (b - a) / n), n)
            f = fn(x)
        if np.all(np.isnan(f)):
            raise TargetingError(f"no feasible {what} in the search interval")
        i = int(np.nanargmin(f))
        if not f[i] >= best_f:  # also when best_f is still NaN
            best_x, best_f = float(x[i]), float(f[i])
        a, b = float(x[max(i - 1, 0)]), float(x[min(i + 1, n - 1)])
    if 0 < i < n - 1 and np.isfinite(f[i - 1]) and np.isfinite(f[i + 1]):
        den = f[i - 1] - 2 * f[i] + f[i + 1]
        if den > 0:
            step = float(x[1] - x[0])
            xv = float(x[i] + 0.5 * step * (f[i - 1] - f[i + 1]) / den)
            fv = float(fn(np.array([xv]))[0])
            if np.isfinite(fv) and fv <= best_f:
                return xv, fv
    return best_x, best_f


def illinois(fn: VectorFn, a: float, b: float, fa: float, fb: float, tol_x: float = 1e-9,
             tol_f: float = 1.0, what: str = "the apogee condition") -> float:
    """Root of a scalar monotone fn on [a, b] with fa·fb ≤ 0 (Illinois regula falsi).

    Stops when |f(x)| ≤ ``tol_f`` or the bracket is narrower than ``tol_x``; at most 60
    evaluations of ``fn`` (called with one-element arrays). Raises :class:`TargetingError`
    naming ``what`` when f is NaN inside the bracket or the iteration does not converge.
    """
    side = 0
    for _ in range(60):
        x = (a * fb - b * fa) / (fb - fa)
        fx = float(fn(np.array([x]))[0])
        if not math.isfinite(fx):
            raise TargetingError(f"{what} became infeasible inside its bracket")
        if abs(fx) <= tol_f or abs(b - a) < tol_x:
            return x
        if fx * fb > 0:
            b, fb = x, fx
            if side == -1:
                fa *= 0.5
            side = -1
        else:
            a, fa = x, fx
            if side == 1:
                fb *= 0.5
            side = 1
    raise TargetingError(f"{what} did not converge")
