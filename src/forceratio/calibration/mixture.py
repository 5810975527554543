"""A Student-t mixture density fitted to draws: the sampler's independence proposal.

:func:`fit_mixture` fits a Gaussian mixture to a pilot chain's draws by expectation-
maximisation (Dempster, Laird & Rubin 1977; the number of components chosen by BIC,
Schwarz 1978), then :func:`proposal` turns it into the density the independence move
draws from: each component becomes a multivariate Student t with the same centre and
scale matrix (heavier tails, so that a region the pilot under-visited is still proposed
often enough), and a *defensive* component (Hesterberg 1995) -- one t on the draws'
overall mean and twice their covariance -- keeps the importance ratio target / proposal
bounded in the tails.  Nothing here evaluates the posterior: the move's Metropolis-
Hastings ratio (:mod:`.sampling`) corrects whatever the proposal gets wrong; a poor fit
costs acceptance, not correctness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

FloatArray = NDArray[np.float64]
RIDGE = 1e-6  # added to every covariance's diagonal (relative to the draws' variances)
MAX_DRAWS = 8000  # the fit uses at most this many of the draws (a random subset)
TOL = 1e-4  # EM stops when the mean log-likelihood per draw gains less than this


def _logsumexp(a: FloatArray) -> FloatArray:
    """log sum exp along axis 1 (scipy's is several times slower on these small arrays)."""
    top = a.max(axis=1)
    top = np.where(np.isfinite(top), top, 0.0)
    return np.asarray(top + np.log(np.exp(a - top[:, None]).sum(axis=1)))


@dataclass(frozen=True)
class Mixture:
    """sum_j w_j t_df(x; mean_j, L_j L_j^T); ``df = inf`` gives Gaussian components."""

    weights: FloatArray  # (m,)
    means: FloatArray  # (m, k)
    chols: FloatArray  # (m, k, k), lower Cholesky factors of the scale matrices
    df: float = math.inf

    def _component_logpdf(self, x: FloatArray) -> FloatArray:
        """log density of every component at every row, shape (n, m)."""
        k = self.means.shape[1]
        out = np.empty((x.shape[0], self.weights.size))
        for j, (mu, chol) in enumerate(zip(self.means, self.chols, strict=True)):
            # L u = x - mu by the inverse of the small factor and einsum: LAPACK's and
            # BLAS's threaded triangular solves took 15-25 ms a call on a loaded machine
            u = np.einsum("ij,nj->ni", np.linalg.inv(chol), x - mu)
            d2 = np.sum(u * u, axis=1)
            logdet = float(np.sum(np.log(np.diag(chol))))
            if math.isinf(self.df):
                out[:, j] = -0.5 * d2 - logdet - 0.5 * k * math.log(2.0 * math.pi)
            else:
                nu = self.df
                const = (
                    special.gammaln(0.5 * (nu + k))
                    - special.gammaln(0.5 * nu)
                    - 0.5 * k * math.log(nu * math.pi)
                )
                out[:, j] = const - logdet - 0.5 * (nu + k) * np.log1p(d2 / nu)
        return out

    def logpdf(self, x: FloatArray) -> FloatArray:
        """The mixture's log density at every row of ``x`` (n, k)."""
        x2 = np.atleast_2d(np.asarray(x, dtype=float))
        return _logsumexp(self._component_logpdf(x2) + np.log(self.weights))

    def sample(self, random: np.random.RandomState, n: int) -> FloatArray:
        """``n`` draws (a ``RandomState``: the generator emcee hands its moves)."""
        k = self.means.shape[1]
        comp = random.choice(self.weights.size, size=n, p=self.weights)
        z = random.standard_normal((n, k))
        x = self.means[comp] + np.einsum("nij,nj->ni", self.chols[comp], z)
        if not math.isinf(self.df):
            scale = np.sqrt(self.df / random.chisquare(self.df, size=n))
            x = self.means[comp] + (x - self.means[comp]) * scale[:, None]
        return np.asarray(x)


def _chol(cov: FloatArray, floor: FloatArray) -> FloatArray:
    c = 0.5 * (cov + cov.T) + np.diag(floor)
    return np.asarray(np.linalg.cholesky(c))


def _em(x: FloatArray, m: int, rng: np.random.Generator, n_iter: int) -> tuple[Mixture, float]:
    """Gaussian mixture of ``m`` components by EM from k-means++-style seeds; returns the
    fit and its log-likelihood."""
    n, k = x.shape
    floor = RIDGE * x.var(axis=0) + 1e-12
    cov0 = np.cov(x.T).reshape(k, k)
    means = [x[rng.integers(n)]]
    for _ in range(1, m):  # k-means++ seeding: far from the chosen centres, more likely
        d2 = np.min([np.sum((x - c) ** 2, axis=1) for c in means], axis=0)
        means.append(x[rng.choice(n, p=d2 / d2.sum())])
    mix = Mixture(np.full(m, 1.0 / m), np.array(means), np.array([_chol(cov0, floor)] * m))
    previous = -math.inf
    loglik = -math.inf
    for _ in range(n_iter):
        logp = mix._component_logpdf(x) + np.log(mix.weights)
        norm = _logsumexp(logp)
        loglik = float(norm.sum())
        resp = np.exp(logp - norm[:, None])  # (n, m)
        nk = resp.sum(axis=0) + 1e-300
        means_new = np.einsum("nm,nk->mk", resp, x) / nk[:, None]
        chols = []
        for j in range(m):
            d = x - means_new[j]
            chols.append(_chol(np.einsum("n,ni,nj->ij", resp[:, j], d, d) / nk[j], floor))
        mix = Mixture(nk / n, means_new, np.array(chols))
        if loglik - previous < TOL * n:
            break
        previous = loglik
    return mix, loglik


def fit_mixture(
    x: FloatArray, rng: np.random.Generator, *, max_components: int = 6, n_iter: int = 200
) -> Mixture:
    """A Gaussian mixture fitted to the rows of ``x`` (n, k) (at most :data:`MAX_DRAWS` of
    them, drawn at random), 1 to ``max_components`` components, the number chosen by the
    smallest BIC (the search stops once two more components in a row do not lower it);
    components whose weight falls under 1 % are dropped (a degenerate fit)."""
    xa = np.asarray(x, dtype=float)
    if xa.shape[0] > MAX_DRAWS:
        xa = xa[rng.choice(xa.shape[0], MAX_DRAWS, replace=False)]
    n, k = xa.shape
    n_free = k + k * (k + 1) // 2  # per component, plus m - 1 weights
    best: tuple[float, Mixture, int] | None = None
    for m in range(1, max_components + 1):
        if n < 10 * m * n_free:
            break
        mix, loglik = _em(xa, m, rng, n_iter)
        bic = -2.0 * loglik + (m * n_free + m - 1) * math.log(n)
        if best is None or bic < best[0]:
            best = (bic, mix, m)
        elif m >= best[2] + 2:
            break
    if best is None:
        raise ValueError(f"too few draws ({n}) to fit a mixture in {k} dimensions")
    mix = best[1]
    keep = mix.weights >= 0.01
    return Mixture(mix.weights[keep] / mix.weights[keep].sum(), mix.means[keep], mix.chols[keep])


def proposal(
    mix: Mixture, x: FloatArray, *, df: float = 10.0, defensive: float = 0.1, inflate: float = 2.0
) -> Mixture:
    """The independence proposal: ``mix``'s components as Student t with ``df`` degrees of
    freedom, plus a defensive t of weight ``defensive`` on the draws ``x``'s mean with
    ``inflate`` times their covariance."""
    xa = np.asarray(x, dtype=float)
    k = xa.shape[1]
    wide = _chol(np.cov(xa.T).reshape(k, k) * inflate, RIDGE * xa.var(axis=0) + 1e-12)
    return Mixture(
        np.append(mix.weights * (1.0 - defensive), defensive),
        np.vstack([mix.means, xa.mean(axis=0)]),
        np.concatenate([mix.chols, wide[None]]),
        df,
    )
