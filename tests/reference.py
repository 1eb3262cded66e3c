"""naive formulas, written differently from the kernels.

Each function follows the published formula literally (pair by pair, with the textbook form of
the index) so that the tests compare two independent computations.
"""
import numpy as np


def shares_or_nan(values):
    """Row shares; a row without trade is all NaN."""
    values = np.asarray(values, dtype=np.float64)
    total = values.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, values / total, np.nan)


def trade_complementarity(X, M, scale=100.0):
    """Michaely (1996): TC_jk = scale * (1 - sum_p |m_kp - x_jp| / 2), one pair at a time
    (the L1 form, not the min form of the kernels)."""
    x, m = shares_or_nan(X), shares_or_nan(M)
    out = np.empty((len(x), len(m)))
    for j in range(len(x)):
        for k in range(len(m)):
            out[j, k] = scale * (1.0 - 0.5 * np.sum(np.abs(m[k] - x[j])))
    return out


def top_k(values, k):
    """The k largest entries of each row (NaN never chosen; ties to the lower column), padded
    with (NaN, -1)."""
    vals = np.full((len(values), k), np.nan)
    idx = np.full((len(values), k), -1, dtype=np.int64)
    for j, row in enumerate(values):
        ranked = sorted((c for c in range(len(row)) if not np.isnan(row[c])), key=lambda c: (-row[c], c))[:k]
        vals[j, :len(ranked)] = row[ranked]
        idx[j, :len(ranked)] = ranked
    return vals, idx
