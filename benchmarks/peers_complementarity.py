"""What a trade economist would otherwise use for all-pairs trade complementarity: a pairwise
L1 distance between share matrices, TC = scale * (1 - L1 / 2).

The peers get the share matrices ready-made (their share computation is not timed), while
tradeindex is timed from raw values (shares, kernel, NaN handling included)."""
import numpy as np
import scipy.sparse as sp
from scipy.spatial.distance import cdist
from sklearn.metrics.pairwise import manhattan_distances


def shares(A, dtype=np.float64):
    """Row shares (rows without trade stay 0), dense or CSR like the input."""
    total = np.asarray(A.sum(axis=1)).ravel()
    inv = np.divide(1.0, total, out=np.zeros_like(total, dtype=np.float64), where=total > 0)
    if sp.issparse(A):
        S = sp.csr_array(A, dtype=np.float64, copy=True)
        S.data *= np.repeat(inv, np.diff(S.indptr))
        S = sp.csr_matrix(S.astype(dtype))  # sklearn's sparse code wants int32 indices
        S.indices, S.indptr = S.indices.astype(np.int32), S.indptr.astype(np.int32)
        return S
    return (np.asarray(A) * inv[:, None]).astype(dtype)


def cdist_tc(x_shares, m_shares, scale=1.0):
    """scipy.spatial.distance.cdist(X, M, "cityblock") on dense shares."""
    return scale * (1.0 - 0.5 * cdist(x_shares, m_shares, "cityblock"))


def sklearn_tc(x_shares, m_shares, scale=1.0):
    """sklearn.metrics.pairwise.manhattan_distances on CSR shares (its sparse code path)."""
    return scale * (1.0 - 0.5 * manhattan_distances(x_shares, m_shares))


def pandas_tc(frame, scale=100.0):
    """The pandas route from a flow table (columns exporter, importer, product, value): pivot
    exports and imports to country x product, shares, then cdist."""
    x = frame.pivot_table(index="exporter", columns="product", values="value", aggfunc="sum", fill_value=0)
    m = frame.pivot_table(index="importer", columns="product", values="value", aggfunc="sum", fill_value=0)
    cols = x.columns.union(m.columns)
    x, m = x.reindex(columns=cols, fill_value=0), m.reindex(columns=cols, fill_value=0)
    x, m = x.div(x.sum(axis=1), axis=0), m.div(m.sum(axis=1), axis=0)
    return scale * (1.0 - 0.5 * cdist(x.to_numpy(), m.to_numpy(), "cityblock"))
