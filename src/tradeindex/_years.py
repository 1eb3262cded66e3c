"""The one per-year driver every index function goes through.

For each window of years (one year; two for marginal IIT) it loads the flows of that window
from the source (a :class:`~tradeindex.sources.LazyFlows` reads them, pushing the request down;
in-memory :class:`~tradeindex.TradeFlows` are sliced, views where the rows are grouped by
year), calls the computation, keeps its (small) result and releases the flows before the next
window: nothing holds more years than the computation needs. With a Dask client the windows
run as tasks on the cluster instead (the paths of a lazy source travel, not the data).
"""
import warnings

import numpy as np
import scipy.sparse as sp

from ._validation import check_groups, check_years, fail
from .codes import Group, country_codes, country_label, product_specs, resolve_groups
from .flows import TradeFlows
from .sources import LazyFlows, Request, prepare


def source_years(source, years, param="years"):
    """(the years asked, as a list, and whether a panel was asked) for a TradeFlows or
    LazyFlows source; see _validation.check_years."""
    _check_source(source)
    return check_years(param, years, source.years)


def _check_source(source):
    if not isinstance(source, (TradeFlows, LazyFlows)):
        fail("flows", "TradeFlows (read_baci, sample, TradeFlows.from_frame) or LazyFlows (scan_baci)",
             type(source).__name__, TypeError)


def load(source, years, request=Request()):
    """The flows of `years` (a list; [None] for flows without years) as the computation needs
    them: the request's rows, columns and products only."""
    if isinstance(source, LazyFlows):
        return source._load(list(years), request)
    flows = source if years == [None] else source._year_slice(list(years))
    # the countries of a request only spare a reader rows the computation does not look at:
    # in memory nothing is read, so only the steps and products apply
    return prepare(flows, tuple(request.steps), request.products)


def run(source, compute, *, years=None, windows=None, request=Request(), progress=False,
        label="computing", client=None):
    """[compute(flows, window) for each window], the flows of one window in memory at a time.

    `windows` defaults to one per year of `years` (a list of years of the source). `compute`
    must be a module-level function (or a functools.partial of one) for Dask."""
    _check_source(source)
    if windows is None:
        windows = [(y,) for y in years]
    if client is not None:
        from ._dask import run_on_cluster
        return run_on_cluster(client, source, compute, windows, request, label=label)
    from ._progress import progress_bar
    out = []
    for window in progress_bar(windows, label, labels=[_name(w) for w in windows], enabled=progress):
        flows = load(source, list(window), request)
        out.append(compute(flows, window))
        del flows
    return out


def _name(window):
    return "-".join("all" if y is None else str(y) for y in window)


# -- what each year's computation sees: its countries, its groups' members ----------------------------
def fixed_axis(source, keys, param):
    """The countries asked for as rows or columns, resolved once for every year: None (every
    country present in each year) or (codes, labels) in code order.

    Keys are checked against the flows in memory (a key matching no country of any year is an
    error) and resolved through the reference country tables, in memory and lazily alike: an
    ISO3 gives its current code, always (NaN in a year without it), and its historic codes
    ("BEL(58)", Belgium-Luxembourg until 1998) in the years where they are in the data (see
    axis_ids). Free-text labels (firms, regions) are matched in the flows."""
    if keys is None:
        return None
    listed = [keys] if isinstance(keys, (str, int, np.integer)) else list(keys)
    codes, labels = [], []
    if isinstance(source, TradeFlows):
        source.countries.ids(listed, param)  # a key matching nothing in the flows: the error
        text = [k for k in listed if isinstance(k, str) and not _in_reference(k)]
        if text:
            ids = source.countries.ids(text, param)
            codes += source.countries.code[ids].tolist()
            labels += source.countries.label[ids].tolist()
            listed = [k for k in listed if k not in text]
    if listed:
        ref = country_codes(listed, param)
        codes += ref.tolist()
        labels += [country_label(c) for c in ref]
    order = np.argsort(np.asarray(codes), kind="stable")
    return np.asarray(codes, np.int64)[order], np.asarray(labels, dtype=object)[order]


def _in_reference(key):
    try:
        country_codes([key], "key")
        return True
    except ValueError:
        return False


def check_group_members(source, spec, param):
    """Check a groups argument before any year is read: names and non-empty member lists, and
    every member of a user's own list a known country (in the flows, or the reference tables
    for lazy input). Built-in groups are known."""
    if spec is None:
        return
    listed = resolve_groups(spec, param)
    for name, members in check_groups(listed):
        raw = spec.get(name) if isinstance(spec, dict) else None
        if raw is not None and not isinstance(raw, (str, Group)):
            fixed_axis(source, members, param if name == param else f"{param}[{name!r}]")


def axis_ids(flows, axis):
    """(ids in `flows` (-1 where absent), labels, codes) of a fixed axis for one year (a
    historic code, labelled "ISO3(code)", only where present), or of every country of the
    flows when `axis` is None."""
    countries = flows.countries
    if axis is None:
        return np.arange(len(countries)), countries.label, countries.code
    codes, labels = axis
    by_code = {int(c): n for n, c in enumerate(countries.code) if c >= 0}
    by_label = {str(lab): n for n, lab in enumerate(countries.label)}
    ids = np.array([by_code.get(int(c), -1) if c >= 0 else by_label.get(str(lab), -1)
                    for c, lab in zip(codes, labels)], dtype=np.int64)
    keep = (ids >= 0) | ~np.array([c >= 0 and "(" in str(lab) for c, lab in zip(codes, labels)], dtype=bool)
    return ids[keep], np.asarray(labels, dtype=object)[keep], np.asarray(codes, dtype=np.int64)[keep]


def country_rows(flows, axis, groups):
    """(aggregation matrix: output rows x countries, labels, codes): the axis's countries (all
    present by default, in id order; an asked country absent this year has an empty row)
    then one row per group summing its members."""
    ids, labels, codes = axis_ids(flows, axis)
    present = ids >= 0
    out_rows = np.r_[np.flatnonzero(present),
                     np.repeat(len(ids) + np.arange(len(groups)), [len(m) for _, m in groups])].astype(np.int64)
    country = np.concatenate([ids[present]] + [m for _, m in groups]).astype(np.int64)
    G = sp.csr_array((np.ones(len(country)), (out_rows, country)),
                     shape=(len(ids) + len(groups), len(flows.countries)))
    labels = np.concatenate([np.asarray(labels, dtype=object), np.array([g for g, _ in groups], dtype=object)])
    codes = np.concatenate([codes, np.full(len(groups), -1, np.int64)])
    return G, labels, codes


def product_request(products):
    """A products argument as the tuple of specs a Request carries (comma-separated text split),
    or None."""
    if products is None:
        return None
    product_specs(products)  # refuses what is neither text nor a list of specs, naming products
    return tuple(x.strip() for x in products.split(",") if x.strip()) if isinstance(products, str) \
        else tuple(str(x) for x in products)


def membership_year(membership, year, years):
    """The year whose composition a built-in group takes in `year`: that year ("by-year"),
    the last year asked ("fixed") or a given year."""
    if membership == "by-year" or year is None:
        return year
    if membership == "fixed":
        return max(y for y in years if y is not None)
    return membership


def groups_in_year(flows, spec, param, year, membership, years):
    """[(name, ids of the members present)] of the groups in `spec` for `year`, and
    {name: {"members": [...], "absent": [...]}}: the members used and the members listed
    but not in that year's data (a warning names them once per call)."""
    if spec is None:
        return [], {}
    listed = resolve_groups(spec, param, membership_year(membership, year, years))
    out, info = [], {}
    for name, members in listed.items():
        ids, absent = [], []
        for m in members:
            try:
                ids.extend(flows.countries.ids([m], param).tolist())
            except ValueError:
                absent.append(m)
        ids = np.unique(np.asarray(ids, dtype=np.int64))
        out.append((name, ids))
        info[name] = {"members": flows.countries.label[ids].tolist(), "absent": [str(a) for a in absent]}
    return out, info


def group_notes(members, absent_members):
    """Warnings (and the text for meta["notes"]) about members absent from the data and groups
    without members in some years, from {year: {name: members used}} and {year: {name: absent}}."""
    absent, empty = {}, {}
    for year, groups in members.items():
        for name, used in groups.items():
            for a in absent_members.get(year, {}).get(name, []):
                absent.setdefault((name, a), []).append(year)
            if not used:
                empty.setdefault(name, []).append(year)
    notes = [f"{name}: {member} is not in the data in {_years_text(ys)}; left out of the group there"
             for (name, member), ys in absent.items()]
    notes += [f"{name} has no member in the data in {_years_text(ys)} (before it existed, or no "
              f"member trades): its rows and columns are NaN there" for name, ys in empty.items()]
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=4)
    return notes


def _years_text(years):
    years = [y for y in years if y is not None]
    if not years:
        return "the flows"
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))


def finish_meta(meta):
    """The notes of a result, once: members absent from the data and groups without members
    (each also a warning), then the notes the flows carried (conversions, summed duplicates),
    from the per-year entries "groups", "groups_absent" and "flow_notes"."""
    notes = group_notes(meta.get("groups", {}), meta.get("groups_absent", {}))
    for year_notes in (meta.pop("flow_notes", None) or {}).values():
        notes += [n for n in year_notes if n not in notes]
    if notes:
        meta["notes"] = notes
    return meta
