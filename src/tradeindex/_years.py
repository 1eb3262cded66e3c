"""The one per-year driver every index function goes through.

For each window of years (one year; two for marginal IIT) it loads the flows of that window
from the source (a :class:`~tradeindex.sources.LazyFlows` reads them, pushing the request down;
in-memory :class:`~tradeindex.TradeFlows` are sliced, views where the rows are grouped by
year), calls the computation, keeps its (small) result and releases the flows before the next
window: nothing holds more years than the computation needs. With a Dask client the windows
run as tasks on the cluster instead (the paths of a lazy source travel, not the data).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast


import numpy as np
import scipy.sparse as sp

from ._validation import check_groups, check_years, fail
from .codes import Group, country_codes, country_label, product_specs, resolve_groups
from .flows import TradeFlows
from .sources import LazyFlows, Request, prepare

if TYPE_CHECKING:
    import numpy.typing as npt

    from ._typing import ClientLike, Countries, Flows, Groups, I64Array, Membership, ObjectArray, Products, Years

#: The years one computation sees at once: one year (None for flows without years); two for
#: marginal IIT.
Window: TypeAlias = "tuple[int | None, ...]"
#: A fixed axis: (codes, labels) of the countries asked for, or None (every country present).
Axis: TypeAlias = "tuple[I64Array, ObjectArray] | None"
#: Each group's name and the ids of its members present in a year.
GroupIds: TypeAlias = "list[tuple[str, I64Array]]"
R = TypeVar("R")


def source_years(source: Flows, years: Years, param: str = "years") -> tuple[list[Any], bool]:
    """(the years asked, as a list, and whether a panel was asked) for a TradeFlows or
    LazyFlows source; see _validation.check_years."""
    _check_source(source)
    return check_years(param, years, source.years)


def _check_source(source: object) -> None:
    if not isinstance(source, (TradeFlows, LazyFlows)):
        fail("flows", "TradeFlows (read_baci, sample, TradeFlows.from_frame) or LazyFlows (scan_baci)",
             type(source).__name__, TypeError)


def load(source: Flows, years: Sequence[int | None], request: Request = Request()) -> TradeFlows:
    """The flows of `years` (a list; [None] for flows without years) as the computation needs
    them: the request's rows, columns and products only."""
    known = cast("list[int]", list(years))  # [None] only for in-memory flows without years: taken whole
    if isinstance(source, LazyFlows):
        return source._load(known, request)
    flows = source if years == [None] else source._year_slice(known)
    # the countries of a request only spare a reader rows the computation does not look at:
    # in memory nothing is read, so only the steps and products apply
    return prepare(flows, tuple(request.steps), request.products)


def run(source: Flows, compute: Callable[[TradeFlows, Window], R], *, years: Iterable[int | None] | None = None,
        windows: Sequence[Window] | None = None, request: Request = Request(), progress: bool = False,
        label: str = "computing", client: ClientLike = None) -> list[R]:
    """[compute(flows, window) for each window], the flows of one window in memory at a time.

    `windows` defaults to one per year of `years` (a list of years of the source). `compute`
    must be a module-level function (or a functools.partial of one) for Dask."""
    _check_source(source)
    if windows is None:
        assert years is not None  # years or windows: every caller gives one
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


def _name(window: Window) -> str:
    return "-".join("all" if y is None else str(y) for y in window)


# -- what each year's computation sees: its countries, its groups' members ----------------------------
def fixed_axis(source: Flows, keys: Countries | None, param: str) -> Axis:
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
    codes: list[int] = []
    labels: list[str] = []
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


def _in_reference(key: str) -> bool:
    try:
        country_codes([key], "key")
        return True
    except ValueError:
        return False


def check_group_members(source: Flows, spec: Groups | None, param: str) -> None:
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


def axis_ids(flows: TradeFlows, axis: Axis) -> tuple[npt.NDArray[np.integer[Any]], ObjectArray, I64Array]:
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


def country_rows(flows: TradeFlows, axis: Axis, groups: GroupIds) -> tuple[sp.csr_array, ObjectArray, I64Array]:
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


def product_request(products: Products | None) -> tuple[str, ...] | None:
    """A products argument as the tuple of specs a Request carries (comma-separated text split),
    or None."""
    if products is None:
        return None
    product_specs(products)  # refuses what is neither text nor a list of specs, naming products
    return tuple(x.strip() for x in products.split(",") if x.strip()) if isinstance(products, str) \
        else tuple(str(x) for x in products)


def membership_year(membership: Membership, year: int | None, years: Iterable[int | None]) -> int | None:
    """The year whose composition a built-in group takes in `year`: that year ("by-year"),
    the last year asked ("fixed") or a given year."""
    if membership == "by-year" or year is None:
        return year
    if membership == "fixed":
        return max(y for y in years if y is not None)
    return membership


def groups_in_year(flows: TradeFlows, spec: Groups | None, param: str, year: int | None, membership: Membership,
                   years: Iterable[int | None]) -> tuple[GroupIds, dict[str, dict[str, list[str]]]]:
    """[(name, ids of the members present)] of the groups in `spec` for `year`, and
    {name: {"members": [...], "absent": [...]}}: the members used and the members listed
    but not in that year's data (a warning names them once per call)."""
    if spec is None:
        return [], {}
    listed = resolve_groups(spec, param, membership_year(membership, year, years))
    out: GroupIds = []
    info: dict[str, dict[str, list[str]]] = {}
    for name, members in listed.items():
        found: list[int] = []
        absent = []
        for m in members:
            try:
                found.extend(flows.countries.ids([m], param).tolist())
            except ValueError:
                absent.append(m)
        ids = np.unique(np.asarray(found, dtype=np.int64))
        out.append((name, ids))
        info[name] = {"members": flows.countries.label[ids].tolist(), "absent": [str(a) for a in absent]}
    return out, info


def group_notes(members: Mapping[Any, Mapping[str, Sequence[object]]],
                absent_members: Mapping[Any, Mapping[str, Sequence[object]]]) -> list[str]:
    """Warnings (and the text for meta["notes"]) about members absent from the data and groups
    without members in some years, from {year: {name: members used}} and {year: {name: absent}}."""
    absent: dict[tuple[str, object], list[Any]] = {}
    empty: dict[str, list[Any]] = {}
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


def _years_text(years: Iterable[int | None]) -> str:
    known = [y for y in years if y is not None]
    if not known:
        return "the flows"
    if len(known) > 1 and known == list(range(known[0], known[-1] + 1)):
        return f"{known[0]}-{known[-1]}"
    return ", ".join(map(str, known))


def finish_meta(meta: dict[str, Any]) -> dict[str, Any]:

    """The notes of a result, once: members absent from the data and groups without members
    (each also a warning), then the notes the flows carried (conversions, summed duplicates),
    from the per-year entries "groups", "groups_absent" and "flow_notes"."""
    notes = group_notes(meta.get("groups", {}), meta.get("groups_absent", {}))
    for year_notes in (meta.pop("flow_notes", None) or {}).values():
        notes += [n for n in year_notes if n not in notes]
    if notes:
        meta["notes"] = notes
    return meta
