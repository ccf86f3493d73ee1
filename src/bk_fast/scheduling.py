"""Finite-capacity knit-machine scheduling (DOMAIN.md sections 1 and 7) and Moore-Hodgson.

:func:`schedule` lays every job (a knit order: lbs of a style) on one machine it may run on, one job after
another, at its rate, with a changeover when the style changes, on a working calendar; it says which jobs
end late and which cannot be placed at all, and why. :func:`min_late_jobs` answers the one-machine question
"which jobs should run so that the fewest are late" exactly (Moore-Hodgson).

Time inside the kernels is float64 **working days** from the schedule start; dates are converted at the
edges with NumPy's business-day functions (``np.busday_count`` / ``np.busday_offset``) on a calendar of
``days_per_week`` working days (Monday first) and optional holidays.
"""

from __future__ import annotations

import datetime
import decimal
import difflib
import heapq
import numbers
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from bk_fast._engine import resolve
from bk_fast._plotting import figure_axes, save_png
from bk_fast._validate import columns_present, date_arg, float_array, float_column, int_values, is_time_value, isin, \
    isna_objects, pick_column, plain, numpy_dates, reject_text, require_frame, spelled_missing, spellings, \
    uncategorized, whole_beyond

__all__ = ["schedule", "min_late_jobs", "Schedule", "LateJobs", "RULES"]

#: job orders :func:`schedule` knows
RULES = ("priority_due", "due", "spt")

_JOB_NAMES = {
    "job": ("job", "job_id", "Order #"),
    "qty": ("qty", "quantity", "lbs", "Balance (lbs)"),
    "style": ("style", "Style#"),
    "work_center": ("work_center", "WC"),
    "eligible": ("eligible", "eligible_machines"),
    "priority": ("priority",),
    "due": ("due", "Quoted Date"),
    "release": ("release", "release_date", "ready"),
    "machine": ("machine", "fixed_machine"),
    "rate": ("rate", "lbs/day"),
}
_MACHINE_NAMES = {
    "machine": ("machine", "Machine"),
    "work_center": ("work_center", "WC"),
    "available": ("available_from", "available"),
    "style": ("current_style", "last_style"),
    "rate": ("rate", "lbs/day"),
}
#: working days beyond which no date is shown (NaT): ~500 years, keeps np.busday_offset's int64 day count small
_MAX_CALENDAR_DAYS = 125_000.0
#: the first and last microsecond datetime64[ns] holds: a schedule's dates are datetime64[ns] when every one of
#: them falls within, else datetime64[us] (as read_erp reads dates past 2262)
_NS_FIRST = np.datetime64("1677-09-21T00:12:43.145225", "us")
_NS_LAST = np.datetime64("2262-04-11T23:47:16.854775", "us")
#: rounding tolerance of a time, relative to its magnitude (at least 1 working day): 2**-40 working days (78 ns)
#: up to day 1, 8 ms at day 100,000: above the float error of a machine's sums of durations (a few ulps a job),
#: below any lateness that matters
_TIME_TOL = 2.0**-40


# ----------------------------------------------------------------------------------------------------------
# results


class LateJobs(NamedTuple):
    """Result of :func:`min_late_jobs`.

    ``sequence``: the jobs in the order to run them (the on-time jobs by due date, then the late ones by due
    date), as positions, or as index labels when ``processing`` was a Series; ``on_time``: bool per input
    job (a Series when the input was); ``n_late``: how many are late (the minimum possible).
    """

    sequence: np.ndarray | pd.Index
    on_time: np.ndarray | pd.Series
    n_late: int


class _CalendarState(NamedTuple):
    """A :class:`numpy.busdaycalendar` in a pickle or a deep copy of a :class:`Schedule`."""

    weekmask: np.ndarray
    holidays: np.ndarray


@dataclass(eq=False)
class Schedule:
    """Result of :func:`schedule`.

    Attributes
    ----------
    jobs : DataFrame
        One row per input job, indexed like the input: ``job``, ``machine`` (NaN when it cannot be placed;
        float64 for integer machine ids -- NumPy, nullable ``Int64`` or pyarrow integers alike -- as the ERP's
        ``Machine``, object beyond 2**53, whether or not every job is placed), ``work_center`` (of that
        machine), ``style``, ``qty``, ``start`` and ``end``
        (Timestamps: when the machine is taken, changeover included, and when the job is done; datetime64[ns],
        or datetime64[us] when a date of the schedule -- ``start``, ``end`` or a machine's ``finish`` -- falls
        outside what nanoseconds hold, 1677-09-21 00:12:43 to 2262-04-11 23:47:16; NaT only where the job is
        not placed or its time is beyond 125,000 working days),
        ``start_day``/``end_day`` (working days from the schedule start), ``setup_days``, ``due_day``,
        ``days_late`` (working days past due, 0 when on time or late by no more than a float rounding residue,
        see :func:`schedule`'s Notes; NaN when unplaced or without due), ``late`` and
        ``reason`` (str: why a job was not placed, else NaN; str also when every job is placed).
    machines : DataFrame
        One row per machine in the input's order: ``machine`` (integer ids as NumPy integers, nullable and
        pyarrow ones too), ``work_center``, ``jobs``, ``lbs``,
        ``knit_days``, ``setup_days``, ``available_day``, ``finish_day``, ``finish`` (in the unit of the jobs'
        ``end``) and ``utilisation_pct``
        (busy time inside the horizon, from the machine's availability to ``horizon`` -- by default the last
        job's end anywhere -- over the horizon's length, in percent). Timestamps show a fraction of a working
        day as that fraction of 24 hours, to the minute. An end (``end``, ``finish``) at a whole number k >= 1
        of working days shows as 24:00 of working day k - 1 (the evening before, not the next working day's
        00:00), except where a job takes no time (nothing to knit, no changeover): it ends at its start, so
        an ``end`` never precedes its ``start``.
    start : Timestamp
        Day 0 of the calendar.
    calendar : numpy.busdaycalendar
        The working calendar used.

    Notes
    -----
    Two schedules are equal (``==``) when their frames are equal as :meth:`pandas.DataFrame.equals` sees them
    (same labels, dtypes and values, NaN equal to NaN), with the same start and calendar (weekmask and
    holidays). A schedule is not hashable (its frames can change).
    """

    jobs: pd.DataFrame
    machines: pd.DataFrame
    start: pd.Timestamp
    calendar: np.busdaycalendar

    def __getstate__(self) -> dict:
        # numpy's busdaycalendar does not pickle (nor deep-copy): it travels as its weekmask and holidays, from
        # which __setstate__ builds an equal calendar
        state = dict(self.__dict__)
        cal = state.get("calendar")
        if isinstance(cal, np.busdaycalendar):
            state["calendar"] = _CalendarState(cal.weekmask.copy(), cal.holidays.copy())
        return state

    def __setstate__(self, state: dict) -> None:
        cal = state.get("calendar")
        if isinstance(cal, _CalendarState):
            state = dict(state, calendar=np.busdaycalendar(weekmask=cal.weekmask, holidays=cal.holidays))
        self.__dict__.update(state)

    def __eq__(self, other) -> bool:
        # (the generated __eq__ compared tuples of DataFrames: "the truth value of a DataFrame is ambiguous")
        if type(other) is not type(self):
            return NotImplemented
        mine, theirs = self.calendar, other.calendar
        return (self.jobs.equals(other.jobs) and self.machines.equals(other.machines) and self.start == other.start
                and np.array_equal(mine.weekmask, theirs.weekmask) and np.array_equal(mine.holidays, theirs.holidays))

    __hash__ = None  # (equal by value, and mutable)

    def __copy__(self) -> Schedule:
        # (a shallow copy shares the fields, the calendar too, as it did before __getstate__)
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new

    @property
    def unscheduled(self) -> pd.DataFrame:
        """Jobs that could not be placed, with the reason."""
        return self.jobs[self.jobs["reason"].notna()]

    @property
    def late(self) -> pd.DataFrame:
        """Placed jobs that end after their due date, latest first."""
        late = self.jobs[self.jobs["late"]]
        return late.sort_values("days_late", ascending=False, kind="stable")

    @property
    def makespan_days(self) -> float:
        """Working days from the start until the last job is done (0 with nothing placed)."""
        ends = self.jobs["end_day"].to_numpy()
        return float(np.nanmax(ends)) if np.isfinite(ends).any() else 0.0

    def plot_gantt(self, path=None, *, work_centers=None, top: int = 3, ax=None):
        """Gantt chart of the busiest work centers (or the ones named), one row per machine.

        Knitting is drawn blue (red when the job is late), changeovers grey. Needs matplotlib (the ``plot``
        extra); without it an ImportError says so. ``path``: write a PNG there (a file name, with no suffix too,
        or a binary file; a name with a suffix such as ``.svg`` takes that format). Returns the figure: without
        ``path`` or ``ax`` a pyplot figure (``plt.show()``), with ``path`` only a figure not registered with
        pyplot, which charts written in a loop do not pile up in.

        ``work_centers``: the work centers to chart (a list, or one given as it is: ``"9.38.20.F"``), in that
        order; one that no machine of the schedule is at is a ValueError naming it and the nearest real ones.
        Default: the ``top`` work centers of the most placed working days. Nothing to chart (``top=0``, no job
        placed) is a ValueError saying why.
        """
        placed = self.jobs[self.jobs["reason"].isna()]
        if work_centers is None:
            if isinstance(top, (bool, np.bool_)) or not isinstance(top, numbers.Integral) or top < 1:
                raise ValueError(f"top must be an integer >= 1 (the number of work centers to chart), got {top!r}")
            if placed.empty:
                raise ValueError(f"no job is placed ({len(self.jobs)} unscheduled: see .unscheduled for the "
                                 f"reasons): no work center to chart")
            busy = (placed["end_day"] - placed["start_day"]).groupby(placed["work_center"]).sum()
            work_centers = busy.sort_values(ascending=False, kind="stable").index[:top].tolist()
            title = "the busiest work centers"
        else:
            work_centers = _chosen_work_centers(work_centers, self.machines["work_center"])
            title = ", ".join(map(str, work_centers)) if len(work_centers) <= 4 else \
                f"{len(work_centers)} work centers"
        mach = self.machines[self.machines["work_center"].isin(work_centers)]
        rows = list(zip(mach["work_center"], mach["machine"]))
        numeric = all(isinstance(m, numbers.Real) for _, m in rows)
        rows.sort(key=lambda r: (work_centers.index(r[0]), r[1] if numeric else str(r[1])))
        ypos = {m: i for i, (_, m) in enumerate(rows)}
        fig, ax = figure_axes(ax, path, (11, 0.35 * len(rows) + 1.5))
        sel = placed[isin(placed["machine"], list(ypos))]
        # one broken_barh (a collection of rectangles) per machine for its changeovers and one for its knitting,
        # not one bar per job (~4 ms each)
        y = sel["machine"].map(ypos).to_numpy(dtype=np.int64)
        start, setup = sel["start_day"].to_numpy(), sel["setup_days"].to_numpy()
        knit = sel["end_day"].to_numpy() - start - setup
        colour = np.where(sel["late"].to_numpy(dtype=bool), "tab:red", "tab:blue")
        for k in np.unique(y).tolist():
            on = y == k
            band = (k - 0.35, 0.7)  # (barh's bar of height 0.7 centred on row k)
            changing = on & (setup > 0)
            if changing.any():
                ax.broken_barh(np.column_stack([start[changing], setup[changing]]), band, facecolors="0.7",
                               edgecolors="none")
            ax.broken_barh(np.column_stack([start[on] + setup[on], knit[on]]), band, facecolors=colour[on].tolist(),
                           edgecolors="white", linewidth=0.4)
        ax.set_yticks(range(len(rows)), [f"{wc}  {_id_text(m) if numeric else m}" for wc, m in rows])
        ax.set_xlim(left=0)
        ax.invert_yaxis()
        ax.set_xlabel(f"working days from {self.start.date()}")
        ax.set_title(f"Knit schedule of {title} (red: late, grey: changeover)")
        fig.tight_layout()
        if path is not None:
            save_png(fig, path)
        return fig


# ----------------------------------------------------------------------------------------------------------
# helpers


def _chosen_work_centers(chosen, known: pd.Series) -> list:
    """:meth:`Schedule.plot_gantt`'s ``work_centers`` as a list (text or any other scalar is one work center,
    not its characters), each once; ValueError for none, or for one no machine is at (``known``: the machines'
    work centers), naming it and the real ones nearest it."""
    if isinstance(chosen, np.ndarray) and chosen.ndim == 0:  # (np.array(7), a NumPy reduction's result)
        chosen = chosen.item()
    if isinstance(chosen, (str, bytes)) or not np.iterable(chosen):
        chosen = [chosen]
    chosen = list(dict.fromkeys(c.item() if isinstance(c, np.ndarray) and c.ndim == 0 else c for c in chosen))
    if not chosen:
        raise ValueError("work_centers is empty: name one or more work centers to chart, or None for the busiest")
    real = pd.unique(known.dropna())
    unknown = [wc for wc, ok in zip(chosen, isin(pd.Index(chosen, dtype=object), real)) if not ok]
    if unknown:
        names = {str(wc): wc for wc in real}
        near = difflib.get_close_matches(str(unknown[0]), list(names), n=5, cutoff=0.0)
        shown = ", ".join(repr(plain(wc)) for wc in unknown)
        raise ValueError(f"work_centers: no machine of the schedule is at {shown}; the nearest of its "
                         f"{len(names)} work centers: {', '.join(repr(plain(names[n])) for n in near)}")
    return chosen


def _id_text(m) -> str:
    """A numeric machine id as text: a whole number without ``.0`` or exponent (``1234567``, not ``1.23457e+06``
    as ``{m:g}`` showed it)."""
    if isinstance(m, numbers.Integral):
        return str(int(m))
    m = float(m)
    return str(int(m)) if m.is_integer() and abs(m) < 2.0**63 else repr(m)


def _pick(df: pd.DataFrame, names, what: str, *, required: bool = False):
    """The column of ``df`` of the first of ``names`` (a role's accepted names in order, each followed by its
    ERP aliases) that labels one (``due`` before ``Quoted Date``); two labels of that name differing only in
    case, spaces or punctuation (``qty`` beside ``Qty``) are a ValueError naming both."""
    label = pick_column(df, spellings(*names), what, names[0], ordered=True)
    if label is not None:
        return label
    if required:
        raise ValueError(f"{what} has no {names[0]!r} column (accepted names: "
                         f"{', '.join(map(repr, names))}); {columns_present(df, spellings(*names))}")
    return None


def _calendar(days_per_week, holidays) -> np.busdaycalendar:
    if isinstance(days_per_week, (bool, np.timedelta64)) or not isinstance(days_per_week, numbers.Integral) \
            or not 1 <= days_per_week <= 7:
        raise ValueError(f"days_per_week must be an integer from 1 to 7, got {days_per_week!r}")
    mask = [1] * int(days_per_week) + [0] * (7 - int(days_per_week))
    if holidays is None:
        hol = []
    else:
        if isinstance(holidays, (str, bytes, datetime.date, np.datetime64)):
            holidays = [holidays]  # one holiday given as a date
        elif hasattr(holidays, "to_pylist"):  # a pyarrow array: its dates (iterating gives pyarrow scalars)
            holidays = holidays.to_pylist()
        elif not np.iterable(holidays):
            raise TypeError(f"holidays must be a date or a list of dates, got {holidays!r}")
        # a tz-aware holiday is its local day, like every other date
        given = pd.Series(list(holidays), dtype=object)
        _number_holiday(given)
        hol = _wall_dates(given).to_numpy("datetime64[D]")
        bad = np.isnat(hol) & given.notna().to_numpy()
        if bad.any():
            raise ValueError(f"holidays: expected dates, got {given.iloc[int(np.flatnonzero(bad)[0])]!r}")
        hol = hol[~np.isnat(hol)]
    return np.busdaycalendar(weekmask=mask, holidays=hol)


def _number_holiday(given: pd.Series) -> None:
    """ValueError naming the first entry of ``given`` (the holidays, one a cell) that is a number or a bool:
    pandas would read 20251225 as 20,251,225 ns after 1970-01-01 (the holiday lost, that day worked), as
    ``start`` refuses it (:func:`bk_fast._validate.date_arg`)."""
    vals = given.to_numpy()
    num = np.fromiter((isinstance(v, (numbers.Number, np.bool_)) and not isinstance(v, np.timedelta64)
                       and not (isinstance(v, numbers.Real) and v != v) for v in vals),
                      dtype=bool, count=vals.shape[0])
    if not num.any():
        return
    i = int(np.flatnonzero(num)[0])
    v = vals[i]
    hint = ""
    if not isinstance(v, (bool, np.bool_)) and isinstance(v, numbers.Real) and float(v).is_integer() \
            and 1e7 <= v < 1e8:
        ymd = pd.to_datetime(str(int(v)), format="%Y%m%d", errors="coerce")
        if ymd is not pd.NaT:
            hint = f" (a date written as a number, YYYYMMDD? write it as a date: {str(ymd.date())!r})"
    raise ValueError(f"holidays entry {i}: expected a date (a Timestamp, datetime or text such as '2025-12-25'), "
                     f"got the {'bool' if isinstance(v, (bool, np.bool_)) else 'number'} {plain(v)!r}{hint}")


def _wall_clock_each(col: pd.Series) -> pd.Series:
    """:func:`_wall_dates` of a column whose values pandas cannot read as one (zones or UTC offsets that differ,
    as a local-time export across a DST change writes ``-04:00`` and ``-05:00``; Timestamps of several zones),
    as datetime64[us]: each value in its own format and its own zone's wall clock, NaT where it is no date.
    Datetime objects with a zone are taken to their wall clock first, then each distinct value is read once:
    all at once where pandas can, else in groups by the offset the text ends with (one parse a group), else
    one by one."""
    vals = col.to_numpy(dtype=object)
    aware = np.fromiter((isinstance(v, datetime.datetime) and v.tzinfo is not None for v in vals), dtype=bool,
                        count=vals.shape[0])
    if aware.any():  # (before the distinct values: equal instants in two zones are two wall clocks)
        vals = vals.copy()
        vals[aware] = [v.replace(tzinfo=None) for v in vals[aware]]
    codes, uniq = pd.factorize(vals, use_na_sentinel=True)
    uniq = pd.Series(np.asarray(uniq, dtype=object), dtype=object)

    def wall(values):
        out = pd.to_datetime(values, errors="coerce", format="mixed")  # (each value's own format)
        return (out.dt.tz_localize(None) if getattr(out.dtype, "tz", None) is not None else out).to_numpy(
            dtype="datetime64[us]")

    stamps = np.full(len(uniq) + 1, np.datetime64("NaT", "us"))  # (the last: missing values)
    try:
        stamps[:-1] = wall(uniq)
    except ValueError:  # ("Mixed timezones detected": text of offsets that differ, or naive beside aware text)
        # (the key only groups the values: a group that still mixes zones is read value by value)
        key = uniq.map(lambda v: v if isinstance(v, str) else "").astype(str).str.extract(
            r"(Z|[+-][0-9][0-9](?::?[0-9][0-9])?|[^0-9]*)\s*$", expand=False).fillna("")
        for at in key.groupby(key, sort=False).indices.values():
            try:
                stamps[at] = wall(uniq.iloc[at])
            except ValueError:
                stamps[at] = [wall(uniq.iloc[[i]])[0] for i in at]
    return pd.Series(stamps[codes], index=col.index)


def _wall_dates(col: pd.Series) -> pd.Series:
    """Dates as tz-naive datetimes of their local (wall-clock) time, NaT where missing or not a date. A
    column mixing time zones (which pandas refuses to parse) reads each date in its own zone. Pyarrow dates and
    timestamps are read as the same values in NumPy ``datetime64`` (which ``.dt.tz`` and ``to_numpy`` take)."""
    if isinstance(col.dtype, pd.ArrowDtype):
        col = numpy_dates(col)
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        dates = col
    else:
        try:
            dates = pd.to_datetime(col, errors="coerce", format="mixed")
        except (TypeError, ValueError):  # mixed time zones
            dates = None
        # (Timestamps of several zones in an object column are not refused but turned into NaT past the first
        # zone: read each in its own zone then too)
        if dates is None or (dates.isna() & col.notna()).any():
            dates = _wall_clock_each(col)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates


def _start_day(start, cal) -> np.datetime64:
    if start is None:
        day = np.datetime64("today", "D")
    else:
        stamp = date_arg(start, "start", "today")
        try:
            day = np.datetime64(stamp.date(), "D")
        except NotImplementedError:  # (pandas: no .date() outside Python's years)
            raise ValueError(f"start must be a date of the years 1 to 9999 (Python's dates), got {stamp}") from None
    return np.busday_offset(day, 0, roll="forward", busdaycal=cal)


def _bad_row(df, label, mask, what, expected):
    pos = int(np.flatnonzero(mask)[0])
    raise ValueError(f"{what} column {label!r} row {plain(df.index[pos])!r}: expected {expected}, "
                     f"got {plain(df[label].iloc[pos])!r}")


def _unhashable_row(df, label, what, expected) -> None:
    """After a TypeError hashing the values of column ``label`` (a list where one id is expected): a
    ValueError naming the column and its first row whose value is unhashable; returns when there is none."""
    vals = df[label].to_numpy(dtype=object)
    bad = np.fromiter((not _hashable(v) for v in vals), dtype=bool, count=vals.shape[0])
    if bad.any():
        _bad_row(df, label, bad, what, expected)


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


_EXACT_DAYS = ("a whole number of working days within 2**53 in magnitude (float64 holds whole days exactly only "
               "there: 2**53 + 1 would be read as 2**53)")


def _beyond_exact(values: np.ndarray) -> np.ndarray:
    """Mask of the whole numbers held exactly (Python or NumPy integers, whole ``Decimal`` / ``Fraction`` values:
    :func:`bk_fast._validate.whole_beyond`) among object ``values`` beyond 2**53 in magnitude, which float64 would
    round. Only the cells whose float64 reading is 2**53 or more in magnitude (or fails) are looked at one by
    one."""
    try:
        with np.errstate(invalid="ignore"):
            near = ~(np.abs(values.astype(np.float64)) < 2.0 ** 53)  # (NaN too: such cells are looked at)
    except (OverflowError, TypeError, ValueError, decimal.InvalidOperation):  # (10**400; a cell float() refuses)
        near = np.ones(values.shape[0], dtype=bool)
    out = np.zeros(values.shape[0], dtype=bool)
    for i in np.flatnonzero(near):
        out[i] = whole_beyond(values[i], 2 ** 53)
    return out


def _categorical_beyond_exact(col: pd.Series) -> np.ndarray | None:
    """:func:`_beyond_exact` of a categorical column's cells, from its categories (which ``uncategorized`` turns
    into float64 when a cell is missing); None when no category is beyond."""
    cats = col.array.categories
    if not (pd.api.types.is_numeric_dtype(cats.dtype) or cats.dtype == object) or not len(cats):
        return None
    beyond = _beyond_exact(cats.to_numpy(dtype=object))
    if not beyond.any():
        return None
    codes = col.array.codes
    return (codes >= 0) & beyond[np.maximum(codes, 0)]


def _day_column(df, label, what, start, cal, *, inclusive: bool) -> np.ndarray:
    """A time column as working days from ``start`` (NaN where missing: a missing value, blank text or text
    spelling a missing value such as ``"-"`` or ``"N/A"``, :func:`bk_fast._validate.missing_text`, as an
    export's blank cell read as text gives). Numbers are taken as working days; dates count the working days
    before them (``inclusive``: through them, for due dates). Not ``inclusive`` (release, availability), a
    date's time of day adds that fraction of a working day (the encoding of :func:`_to_timestamps`: 24 h read
    as one working day), and a date on a non-working day is the next working day's 00:00. A categorical column
    reads as its categories' values would (numbers stay working days). Other text is a ValueError naming the
    column and row."""
    col = df[label]
    if isinstance(col.dtype, pd.CategoricalDtype):  # (read as its categories' values: numbers stay days)
        far = _categorical_beyond_exact(col)
        if far is not None and far.any():
            _bad_row(df, label, far, what, _EXACT_DAYS)
        col = uncategorized(col)
        df = col.to_frame(name=label)
    if pd.api.types.is_string_dtype(col.dtype):  # (object or text: a blank cell is missing, not junk text)
        blank = spelled_missing(col)
        if blank.any():
            col = col.mask(blank)  # (a new column: the caller's frame is left as it is)
            df = col.to_frame(name=label)
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        if getattr(col.dtype, "kind", "f") in "iu" and len(col) and col.notna().any() and (
                col.min() < -(2 ** 53) or col.max() > 2 ** 53):
            _bad_row(df, label, _beyond_exact(col.to_numpy(dtype=object, na_value=0)), what, _EXACT_DAYS)
        return float_column(df, label, what=what)
    if col.dtype == object:
        # numbers in an object column are working days too (to_datetime would read them as nanoseconds)
        vals = col.to_numpy()
        present = ~isna_objects(vals)  # (a Decimal('sNaN') is missing, as in parse_numbers: pd.notna raises)
        num = present & np.fromiter(
            (isinstance(v, numbers.Number) and not isinstance(v, (bool, np.timedelta64)) for v in vals),
            dtype=bool, count=vals.shape[0])
        if num.any():
            other = present & ~num
            if other.any():
                # text that is no date either is named as such (not the numbers beside it as "a mix")
                undated = other.copy()
                undated[other] = _wall_dates(col[other]).isna().to_numpy()
                if undated.any():
                    _bad_row(df, label, undated, what, "a date or a number of working days")
                first_is_num = num[int(np.flatnonzero(present)[0])]
                _bad_row(df, label, other if first_is_num else num, what,
                         "dates or numbers of working days, not a mix of both in one column")
            far = np.zeros(vals.shape[0], dtype=bool)
            far[num] = _beyond_exact(vals[num])
            if far.any():
                _bad_row(df, label, far, what, _EXACT_DAYS)
            out = np.full(vals.shape[0], np.nan)
            out[num] = vals[num].astype(np.float64)
            return out
    dates = _wall_dates(col)
    if not pd.api.types.is_datetime64_any_dtype(col.dtype):
        bad = dates.isna().to_numpy() & col.notna().to_numpy()
        if bad.any():
            _bad_row(df, label, bad, what, "a date or a number of working days")
    stamps = dates.to_numpy()  # datetime64 in the column's own unit (no overflow of [s] dates past 2262)
    d = stamps.astype("datetime64[D]")  # (floors, also before 1970)
    out = np.full(d.shape[0], np.nan)
    ok = ~np.isnat(d)
    if ok.any():
        dd = d[ok] + np.timedelta64(1, "D") if inclusive else d[ok]
        # minus the working days in [dd, start) before the start (np.busday_count(start, dd) counts (dd, start]
        # there, which put a due Friday before a Monday start at -1 like Thursday, not 0)
        ahead = dd >= start
        count = np.busday_count(np.where(ahead, start, dd), np.where(ahead, dd, start), busdaycal=cal)
        out[ok] = np.where(ahead, count, -count).astype(np.float64)
        if not inclusive:
            # busday_count already puts a non-working day at the next working day's 00:00: no fraction there
            frac = (stamps[ok] - d[ok].astype(stamps.dtype)) / np.timedelta64(1, "D")
            out[ok] += np.where(np.is_busday(d[ok], busdaycal=cal), frac, 0.0)
    return out


def _to_timestamps(days: np.ndarray, start, cal, *, end: bool) -> np.ndarray:
    """Working days -> datetime64[us] to the minute (NaT beyond :data:`_MAX_CALENDAR_DAYS`); ``end``: a whole
    day ``k`` reads as the end (24:00) of working day ``k - 1``. :func:`_in_ns` gives the unit shown."""
    out = np.full(days.shape[0], np.datetime64("NaT", "us"))
    ok = np.isfinite(days) & (np.abs(np.nan_to_num(days)) < _MAX_CALENDAR_DAYS)  # beyond: NaT, not overflow
    if not ok.any():
        return out
    d = days[ok]
    whole = np.floor(d)
    if end:
        whole = np.where((d == whole) & (d > 0), whole - 1, whole)
    frac = d - whole
    base = np.busday_offset(start, whole.astype(np.int64), roll="forward", busdaycal=cal)
    # (microseconds hold +-290,000 years: a start in 9999 plus _MAX_CALENDAR_DAYS still fits)
    out[ok] = base.astype("datetime64[us]") + np.round(frac * 1440.0).astype("timedelta64[m]")
    return out


def _in_ns(*stamps: np.ndarray) -> list[np.ndarray]:
    """A schedule's datetime64[us] dates in one unit: datetime64[ns] (as always) when every date (an instant:
    an end at 24:00 of 2262-04-10 is 2262-04-11 00:00) falls within what nanoseconds hold (1677-09-21 00:12:43
    to 2262-04-11 23:47:16), else datetime64[us] (NaT read as an unplaced job otherwise; the conversion to ns
    would wrap around silently)."""
    if all((((s >= _NS_FIRST) & (s <= _NS_LAST)) | np.isnat(s)).all() for s in stamps):
        return [s.astype("datetime64[ns]") for s in stamps]
    return list(stamps)


def _settled(days: np.ndarray) -> np.ndarray:
    """Times as reported: one within ``2**-40 x max(|t|, 1)`` working days of a whole number is that whole
    number (float sums of decimal durations miss it by a few ulps: 1577.95 lbs at 315.59 lbs/day is exactly 5
    working days, 5.000000000000001 in float); others, NaN and inf as they are."""
    with np.errstate(invalid="ignore"):
        whole = np.rint(days)
        near = np.abs(days - whole) <= _TIME_TOL * np.maximum(np.abs(days), 1.0)
    return np.where(near, whole, days)


def _ids(values) -> tuple[np.ndarray, object]:
    """Dense codes (rank among the sorted unique values when they sort, else order of first appearance;
    -1 for missing) and the uniques."""
    if isinstance(values, pd.arrays.NumpyExtensionArray):
        # (factorize(sort=True) refuses this wrapper with a TypeError: numbers would keep their input order)
        values = values.to_numpy()
    try:
        codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    except TypeError:
        # only values of types that do not compare (numbers and tuples, say), which an object array holds
        if not (isinstance(values, np.ndarray) and values.dtype == object):
            raise
        codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), uniques


def _job_at(jdf, job_ids, i: int) -> str:
    return f"jobs row {plain(jdf.index[i])!r} (job {plain(job_ids[i])!r})"


def _positive(values: np.ndarray) -> np.ndarray:
    return np.isfinite(values) & (values > 0)


_NOT_DAYS = "durations and dates are not converted to numbers"


def _refuse_times(table, what: str, key: str, expected: str) -> None:
    """TypeError when a dict or Series of numbers per ``key`` (``what``) holds durations or dates: a
    timedelta64/datetime64 (or period) dtype, or such values in a dict or an object column."""
    if isinstance(table, pd.Series):
        dtype = table.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            dtype = dtype.categories.dtype
        if dtype.kind in "mM" or isinstance(dtype, pd.PeriodDtype):
            raise TypeError(f"{what} is a Series of {table.dtype}: expected numbers of {expected} ({_NOT_DAYS})")
        if dtype != object:
            return
    for k, v in table.items():
        if is_time_value(v):
            raise TypeError(f"{what} for {key} {plain(k)!r} is {v!r}: expected a number of {expected} ({_NOT_DAYS})")


# ----------------------------------------------------------------------------------------------------------
# schedule


def schedule(jobs: pd.DataFrame, machines: pd.DataFrame, *, rates=None, start=None, days_per_week: int = 5,
             holidays=None, setup=None, rule: str = "priority_due", horizon: float | None = None,
             engine: str | None = None) -> Schedule:
    """Finite-capacity list schedule of jobs on machines.

    Jobs are taken one at a time in ``rule`` order; each goes to the eligible machine where it would
    **finish earliest** (ties: the machine with less work so far, then the lower machine id), starting
    no earlier than its release and the machine's availability, after the machine's previous job and a
    changeover when the style changes. A job takes ``qty / rate`` working days. Jobs are never split and
    a machine is never left for a later gap (no backfilling). Jobs that cannot be placed stay in the
    result with the reason.

    Parameters
    ----------
    jobs : DataFrame
        One row per job (not modified). Columns (ERP aliases accepted): ``qty`` (lbs, finite, >= 0;
        ``Balance (lbs)``), optional ``job`` (id; default the index; ``Order #``), ``style`` (``Style#``),
        ``work_center`` (``WC``) and/or ``eligible`` (a list of machine ids per row) and/or ``machine`` (a
        fixed machine): a fixed machine wins over an eligible list, which wins over the work center.
        Optional ``priority`` (a number, lower = more urgent, NaN last), ``due`` and ``release`` (dates, or
        numbers of working days from ``start``, integers within 2**53 in magnitude; a due date counts through
        that day; a missing or blank cell, ``"-"`` or ``"N/A"``: no due date, release 0), ``rate`` (lbs/day of
        the job).
        A ``release`` or ``available_from`` date keeps its time of day as that fraction of a working day
        (like the output times: 18:00 is 0.75), and one on a non-working day means the next working day's
        00:00.
    machines : DataFrame
        One row per machine (not modified): ``machine`` (unique id; ``MACH``), ``work_center`` (``WC``),
        optional ``available_from`` (date or working days, integers within 2**53 in magnitude; missing or blank:
        0), ``current_style`` (the style on the machine now: the first job pays a changeover when it differs;
        without it the first job pays none) and ``rate``.
    rates : None, number, dict, Series or DataFrame
        Knitting rate in lbs per working day: a number for all jobs; per style (a dict/Series keyed by style,
        or a frame with a style column and a ``rate``/``lbs/day`` column); or per machine (a frame with a
        machine column and a rate column). None: the jobs' ``rate`` column, else the machines'. Rates must be
        finite and > 0. A job whose style has no rate is not placed (reason given). A duration (``qty / rate``)
        or a time, a machine's lbs or days late beyond float64 is a ValueError naming the job or machine.
    start : date-like, optional
        Day 0 of the calendar (rolled forward to a working day), of the years 1 to 9999 (else a ValueError);
        default today.
    days_per_week : int
        Working days per week, Monday first, from 1 to 7: 5 (the ERP's), 6 or 7 in practice.
    holidays : list of dates, optional
        Non-working days (one date alone is accepted too; a tz-aware date is its local day; a missing entry
        is none). A number (an export's 20251225) is a ValueError naming it, never a date: pandas would read it
        as nanoseconds after 1970-01-01.
    setup : None, number, dict or Series
        Changeover days when the style changes on a machine: one number for all machines, or per machine id
        (a machine not given: none; keys for other machines are ignored, but keys of which none is a machine id,
        or text keys for number machine ids or the reverse, are an error).
    rule : {"priority_due", "due", "spt"}
        Job order: priority, then due, then job id; due, then job id (EDD); shortest processing time, then
        job id.
    horizon : float, optional
        Working days over which the machines' ``utilisation_pct`` is measured (busy time inside
        ``[available, horizon)`` over its length); default: until the last job anywhere ends.
    engine : {None, "auto", "cython", "numba", "numpy"}
        Kernel engine.

    Returns
    -------
    Schedule
        ``.jobs``, ``.machines``, ``.unscheduled``, ``.late``, ``.plot_gantt()``.

    Notes
    -----
    Float sums of decimal durations miss the decimal total by a few ulps (1577.95 lbs at 315.59 lbs/day is
    exactly 5 working days, 5.000000000000001 in float). Such a residue is no lateness and no extra time: a job
    is late only when ``end_day - due_day`` exceeds the rounding tolerance ``2**-40 x max(|end_day|,
    |due_day|, 1)`` working days (9.1e-13 days = 78 ns up to day 1, 4.5e-12 days at day 5), else its
    ``days_late`` is 0; and a time as reported (``start_day``, ``end_day``, the machines' ``finish_day`` and
    ``knit_days``, their Timestamps and the busy time inside an explicit ``horizon``) within
    ``2**-40 x max(|t|, 1)`` working days of a whole working day is that whole day, so such an end shows as the
    evening before, not as the next working day's 00:00. The kernels' own times, from which the next job
    starts, are not rounded (every engine gives the same bits); ``utilisation_pct`` is at most 100.

    Examples
    --------
    >>> import pandas as pd, bk_fast
    >>> machines = pd.DataFrame({"machine": [1, 2], "work_center": ["9.38.20.F", "9.38.20.F"]})
    >>> jobs = pd.DataFrame({"job": ["K1", "K2", "K3", "K4", "K5"],
    ...                      "qty": [1200.0, 600.0, 600.0, 900.0, 300.0], "style": ["A", "B", "B", "A", "A"],
    ...                      "work_center": ["9.38.20.F"] * 4 + ["7.30.28.C"], "due": [2, 3, 1, 4, 5]})
    >>> s = bk_fast.schedule(jobs, machines, rates={"A": 600.0, "B": 300.0}, start="2025-09-05",
    ...                      setup=0.5, rule="due")
    >>> s.jobs[["job", "machine", "start_day", "end_day", "days_late", "end"]]
      job  machine  start_day  end_day  days_late                 end
    0  K1      2.0        0.0      2.0        0.0 2025-09-09 00:00:00
    1  K2      1.0        2.0      4.0        1.0 2025-09-11 00:00:00
    2  K3      1.0        0.0      2.0        1.0 2025-09-09 00:00:00
    3  K4      2.0        2.0      3.5        0.0 2025-09-10 12:00:00
    4  K5      NaN        NaN      NaN        NaN                 NaT
    >>> s.unscheduled["reason"].tolist()
    ['no machine in work center 7.30.28.C']
    >>> s.machines[["machine", "jobs", "lbs", "knit_days", "utilisation_pct"]]
       machine  jobs     lbs  knit_days  utilisation_pct
    0        1     2  1200.0        4.0            100.0
    1        2     2  2100.0        3.5             87.5

    K3 (due first) takes machine 1; K1 then finishes earlier on the idle machine 2 than after a changeover
    on machine 1; K2 follows K3 on machine 1 without a changeover (same style). 2025-09-05 is a Friday: the
    weekend is skipped.
    """
    jdf = require_frame(jobs, "jobs")
    mdf = require_frame(machines, "machines")
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    if horizon is not None and (is_time_value(horizon) or isinstance(horizon, bool) or not (
            isinstance(horizon, numbers.Real) and np.isfinite(horizon) and horizon > 0)):
        note = f" ({_NOT_DAYS})" if is_time_value(horizon) else ""
        raise ValueError(f"horizon must be a positive number of working days, got {horizon!r}{note}")
    cal = _calendar(days_per_week, holidays)
    day0 = _start_day(start, cal)
    n = len(jdf)

    # ---- machines
    m_label = _pick(mdf, _MACHINE_NAMES["machine"], "machines", required=True)
    wc_label = _pick(mdf, _MACHINE_NAMES["work_center"], "machines", required=False)
    m_ids = mdf[m_label]
    if m_ids.isna().any():
        _bad_row(mdf, m_label, m_ids.isna().to_numpy(), "machines", "a machine id")
    try:
        dup = m_ids.duplicated().to_numpy()
        m_codes, m_uniques = _ids(m_ids.to_numpy())
    except TypeError:  # (a list in a cell, say)
        _unhashable_row(mdf, m_label, "machines", "one machine id (not a list)")
        raise
    if dup.any():
        _bad_row(mdf, m_label, dup, "machines", "a unique machine id (this one repeats)")
    n_mach = len(mdf)
    perm = np.empty(n_mach, dtype=np.int64)  # internal code -> row of mdf
    perm[m_codes] = np.arange(n_mach)
    m_index = pd.Index(m_uniques)
    m_wc = (mdf[wc_label] if wc_label is not None else pd.Series([np.nan] * n_mach, index=mdf.index))
    m_wc_arr = m_wc.to_numpy(dtype=object)
    if wc_label is not None and not _hashable(tuple(m_wc_arr)):  # (a list in a cell: hashed below, twice)
        _unhashable_row(mdf, wc_label, "machines", "a work center (one value, not a list)")
    ek = _pick(jdf, _JOB_NAMES["eligible"], "jobs")
    if wc_label is not None and n_mach > 1 and (ek is None or not jdf[ek].notna().any()):
        # Number the machines work center by work center (id order inside each): every work center is then a
        # run of consecutive codes, which the kernels read as plain runs of machine state. The ties go to the
        # lower code, the lower id inside a work center as before; fixed machines are groups of one. Not with
        # eligible-machine lists: a list spanning work centers would order its machines differently.
        wc_of_code = pd.factorize(m_wc_arr[perm], use_na_sentinel=True)[0]
        by_wc = np.lexsort((np.arange(n_mach), wc_of_code))  # new code -> old code
        perm = perm[by_wc]
        m_index = m_index.take(by_wc)
    avail_label = _pick(mdf, _MACHINE_NAMES["available"], "machines")
    avail0 = np.zeros(n_mach)
    if avail_label is not None:
        a = _day_column(mdf, avail_label, "machines", day0, cal, inclusive=False)
        bad = np.isinf(a)
        if bad.any():
            _bad_row(mdf, avail_label, bad, "machines", "a finite date or number of working days")
        avail0 = np.maximum(np.nan_to_num(a, nan=0.0), 0.0)
    avail0 = np.ascontiguousarray(avail0[perm])

    # ---- jobs: quantities, ids, styles
    q_label = _pick(jdf, _JOB_NAMES["qty"], "jobs", required=True)
    qty = float_column(jdf, q_label, what="jobs")
    bad = ~(np.isfinite(qty) & (qty >= 0))
    if bad.any():
        _bad_row(jdf, q_label, bad, "jobs", "a finite number of lbs >= 0")
    j_label = _pick(jdf, _JOB_NAMES["job"], "jobs")
    if j_label is not None:
        job_ids = jdf[j_label].array
    else:  # the index (a MultiIndex has no single array: its tuples)
        job_ids = jdf.index.to_numpy() if isinstance(jdf.index, pd.MultiIndex) else jdf.index.array
    s_label = _pick(jdf, _JOB_NAMES["style"], "jobs")
    if s_label is not None:
        styles = jdf[s_label].array
        try:
            style_codes, style_uniques = pd.factorize(jdf[s_label], use_na_sentinel=False)
        except TypeError:  # (a list in a cell, say)
            _unhashable_row(jdf, s_label, "jobs", "a style (one value, not a list)")
            raise
        style_codes = np.ascontiguousarray(style_codes, dtype=np.int64)
    else:
        styles = np.full(n, np.nan, dtype=object)
        style_codes = np.zeros(n, dtype=np.int64)
        style_uniques = pd.Index([np.nan])

    # ---- rates -> work (days at speed 1 or lbs) and machine speed
    reason = np.full(n, None, dtype=object)
    with np.errstate(over="ignore"):  # (an overflow of qty / rate is an error below)
        work, speed, job_rate = _rates(rates, jdf, mdf, qty, style_codes, style_uniques, s_label, perm, reason)
    if job_rate is not None:
        # (qty finite >= 0 and rate finite > 0: only an overflow of qty / rate is infinite)
        bad = np.isinf(work)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{_job_at(jdf, job_ids, i)}: qty {plain(qty[i])!r} lbs at rate "
                             f"{plain(job_rate[i])!r} lbs/day is more working days than float64 holds; expected a "
                             f"finite duration (qty / rate)")

    # ---- setup per machine, the machines' current style
    setup_arr = _setup(setup, m_ids, perm, n_mach)
    last_style = np.full(n_mach, -1, dtype=np.int64)
    cs_label = _pick(mdf, _MACHINE_NAMES["style"], "machines")
    if cs_label is not None:
        cur = mdf[cs_label].to_numpy(dtype=object)[perm]
        has = pd.notna(cur)
        try:
            code = pd.Index(style_uniques).get_indexer(cur[has]).astype(np.int64)
        except TypeError:  # (a list in a cell, say)
            _unhashable_row(mdf, cs_label, "machines", "a style (one value, not a list)")
            raise
        # a style no job has still differs from every job's style
        code[code < 0] = len(style_uniques)
        last_style[has] = code

    # ---- eligibility: groups of machines (work centers, fixed machines, explicit lists)
    job_group, group_ptr, group_mach = _groups(jdf, m_index, m_codes, m_wc_arr, perm, reason)

    # ---- times, priority
    due = np.full(n, np.inf)
    d_label = _pick(jdf, _JOB_NAMES["due"], "jobs")
    if d_label is not None:
        due = _day_column(jdf, d_label, "jobs", day0, cal, inclusive=True)
        bad = due == -np.inf
        if bad.any():
            _bad_row(jdf, d_label, bad, "jobs", "a date or a number of working days (inf or empty: no due date)")
        due = np.where(np.isnan(due), np.inf, due)
    release = np.zeros(n)
    r_label = _pick(jdf, _JOB_NAMES["release"], "jobs")
    if r_label is not None:
        rel = _day_column(jdf, r_label, "jobs", day0, cal, inclusive=False)
        bad = np.isinf(rel)
        if bad.any():
            _bad_row(jdf, r_label, bad, "jobs", "a finite date or number of working days")
        release = np.maximum(np.nan_to_num(rel, nan=0.0), 0.0)
    p_label = _pick(jdf, _JOB_NAMES["priority"], "jobs")
    priority = float_column(jdf, p_label, what="jobs") if p_label is not None else np.zeros(n)
    if p_label is not None:  # (a missing priority sorts last; text such as "high" is no missing priority)
        reject_text(jdf, p_label, priority, "jobs", "a number, lower = more urgent, or nothing for last")

    # ---- rule order (stable lexsort: the last key is the primary one; NaN sorts last)
    ids_index = pd.Index(job_ids)
    if ids_index.is_monotonic_increasing and not ids_index.hasnans:
        keys = []  # the stable sort keeps row order, which is id order already
    else:
        try:
            job_rank, _ = _ids(job_ids)
        except TypeError:  # (a list in a cell, say)
            if j_label is not None:
                _unhashable_row(jdf, j_label, "jobs", "a job id (one value, not a list)")
            raise
        keys = [np.where(job_rank < 0, np.iinfo(np.int64).max, job_rank)]
    if rule == "priority_due":
        # (integer priorities as they are: exact beyond 2**53, where float64 made 2**62 + 1 and 2**62 + 2 one)
        p_int = int_values(jdf, p_label) if p_label is not None else None
        p_key = priority if p_int is None else p_int
        keys += [due] + ([] if n == 0 or (p_key == p_key[0]).all() else [p_key])
    elif rule == "due":
        keys += [due]
    else:
        keys += [np.where(np.isfinite(work), work, np.inf)]
    order = np.lexsort(keys) if len(keys) > 1 else np.argsort(keys[0], kind="stable")
    order = np.ascontiguousarray(order, dtype=np.int64)

    unplaced = pd.notna(reason)
    job_group[unplaced] = -1
    work = np.where(unplaced, 0.0, work)

    avail = avail0.copy()
    load = np.zeros(n_mach)
    # the kernel reads the jobs in rule order: gather them into that order first (sequential reads instead of
    # n random ones), then scatter the results back to the caller's rows
    seq_m = np.full(n, -1, dtype=np.int64)
    seq_start = np.full(n, np.nan)
    seq_end = np.full(n, np.nan)
    seq_setup = np.full(n, np.nan)
    resolve("list_schedule", engine)(
        np.arange(n, dtype=np.int64), np.ascontiguousarray(job_group[order], dtype=np.int64),
        np.ascontiguousarray(work[order], dtype=np.float64), np.ascontiguousarray(release[order], dtype=np.float64),
        np.ascontiguousarray(style_codes[order]), group_ptr, group_mach,
        np.ascontiguousarray(speed, dtype=np.float64), setup_arr, avail, last_style, load, seq_m, seq_start, seq_end,
        seq_setup)
    out_m, out_start, out_end, out_setup = (np.empty_like(a) for a in (seq_m, seq_start, seq_end, seq_setup))
    out_m[order], out_start[order], out_end[order], out_setup[order] = seq_m, seq_start, seq_end, seq_setup
    over = (seq_m >= 0) & ~np.isfinite(seq_end)
    if over.any():
        # a duration on every eligible machine (rates per machine) or the machine's running time past float64:
        # the first such job in rule order is named (the ones after it on that machine only inherit it)
        i = int(order[np.flatnonzero(over)[0]])
        m = int(out_m[i])
        rate = speed[m] if job_rate is None else job_rate[i]
        raise ValueError(f"{_job_at(jdf, job_ids, i)}: its end on machine {plain(m_ids.iloc[perm[m]])!r} is beyond "
                         f"float64 working days (start {plain(out_start[i])!r} + changeover "
                         f"{plain(out_setup[i])!r} + qty {plain(qty[i])!r} lbs at {plain(rate)!r} lbs/day)")
    return _result(jdf, mdf, job_ids, styles, qty, out_m, out_start, out_end, out_setup, due, reason, perm,
                   m_ids, m_wc, avail0, avail, load, horizon, day0, cal)


def _rates(rates, jdf, mdf, qty, style_codes, style_uniques, s_label, perm, reason):
    """Work per job, speed per machine (a job takes work / speed working days) and the rate of each job (lbs/day,
    NaN where its style has none), or None when the rates are per machine."""
    n = qty.shape[0]
    n_mach = perm.shape[0]
    speed = np.ones(n_mach)
    if rates is None:
        r_label = _pick(jdf, _JOB_NAMES["rate"], "jobs")
        if r_label is not None:
            rate = float_column(jdf, r_label, what="jobs")
            bad = ~_positive(rate)
            if bad.any():
                _bad_row(jdf, r_label, bad, "jobs", "a rate in lbs/day > 0")
            return qty / rate, speed, rate
        r_label = _pick(mdf, _MACHINE_NAMES["rate"], "machines")
        if r_label is None:
            raise ValueError("no knitting rates: pass rates= (a number, per style or per machine), or give the "
                             "jobs or the machines a 'rate' column (lbs/day)")
        rate = float_column(mdf, r_label, what="machines")
        bad = ~_positive(rate)
        if bad.any():
            _bad_row(mdf, r_label, bad, "machines", "a rate in lbs/day > 0")
        return qty.copy(), np.ascontiguousarray(rate[perm]), None
    if is_time_value(rates):
        raise TypeError(f"rates must be a number of lbs per working day (or per style or machine), got {rates!r} "
                        f"({_NOT_DAYS})")
    if isinstance(rates, numbers.Real) and not isinstance(rates, bool):
        if not (np.isfinite(rates) and rates > 0):
            raise ValueError(f"rates must be a finite number of lbs/day > 0, got {rates!r}")
        return qty / float(rates), speed, np.full(n, float(rates))
    if isinstance(rates, pd.DataFrame):
        rdf = rates
        rate_label = _pick(rdf, ("rate", "lbs/day"), "rates", required=True)
        st_label = _pick(rdf, ("style", "Style#"), "rates")
        if st_label is None:
            mk = _pick(rdf, ("machine", "Machine"), "rates")
            if mk is None:
                raise ValueError("rates frame needs a style column or a machine column beside its rate column")
            r = float_column(rdf, rate_label, what="rates")
            bad = ~_positive(r)
            if bad.any():
                _bad_row(rdf, rate_label, bad, "rates", "a rate in lbs/day > 0")
            m_ids = pd.Index(_machine_ids(mdf))
            pos = pd.Index(rdf[mk]).get_indexer(m_ids) if rdf[mk].is_unique else None
            if pos is None:
                _bad_row(rdf, mk, rdf[mk].duplicated().to_numpy(), "rates", "one rate per machine")
            if (pos < 0).any():
                raise ValueError(f"rates has no rate for machine {plain(m_ids[int(np.flatnonzero(pos < 0)[0])])!r}")
            return qty.copy(), np.ascontiguousarray(r[pos][perm]), None
        keys, r = rdf[st_label], float_column(rdf, rate_label, what="rates")
        bad = ~_positive(r)
        if bad.any():
            _bad_row(rdf, rate_label, bad, "rates", "a rate in lbs/day > 0")
        dup = keys.duplicated().to_numpy()
        if dup.any():
            _bad_row(rdf, st_label, dup, "rates", "one rate per style")
        table = pd.Series(r, index=pd.Index(keys.to_numpy(dtype=object)))
    elif isinstance(rates, (dict, pd.Series)):
        _refuse_times(rates, "rates", "style", "lbs per working day")
        table = _float_table(rates, "rates", "style", "lbs per working day")
        if not table.index.is_unique:
            raise ValueError("rates: one rate per style (the index repeats a style)")
        bad = ~_positive(table.to_numpy())
        if bad.any():
            k = table.index[int(np.flatnonzero(bad)[0])]
            raise ValueError(f"rates: style {k!r} has rate {float(table[k])!r}; expected lbs/day > 0")
    else:
        raise TypeError(f"rates must be None, a number, a dict, a Series or a DataFrame, got {type(rates).__name__}")
    if s_label is None:
        raise ValueError("rates are given per style but jobs has no style column")
    pos_u = pd.Index(table.index).get_indexer(pd.Index(style_uniques))
    pos = pos_u[style_codes]
    missing = pos < 0
    rate = np.full(n, np.nan)
    rate[~missing] = table.to_numpy()[pos[~missing]]  # (an empty table has no row to take, even for -1)
    uniq = np.asarray(style_uniques, dtype=object)
    for i in np.flatnonzero(missing):
        reason[i] = f"no rate for style {plain(uniq[style_codes[i]])!r}"
    return np.where(missing, np.nan, qty / np.where(missing, 1.0, rate)), speed, rate


def _float_table(table, what: str, key: str, expected: str) -> pd.Series:
    """A dict or Series of numbers per ``key`` (``what``: rates, setup) as a float64 Series; a value that is no
    number (text such as ``'fast'``) is a ValueError naming its key."""
    try:
        return pd.Series(table, dtype="float64") if isinstance(table, dict) else table.astype("float64")
    except (TypeError, ValueError):
        for k, v in table.items():
            try:
                float(v)
            except (TypeError, ValueError):
                raise ValueError(f"{what} for {key} {plain(k)!r} is {plain(v)!r}: expected a number of "
                                 f"{expected}") from None
        raise


def _machine_ids(mdf):
    return mdf[_pick(mdf, _MACHINE_NAMES["machine"], "machines", required=True)].to_numpy()


def _setup(setup, m_ids, perm, n_mach) -> np.ndarray:
    if setup is None:
        return np.zeros(n_mach)
    if is_time_value(setup):
        raise TypeError(f"setup must be a number of working days (changeover days; or a dict or Series of them per "
                        f"machine), got {setup!r} ({_NOT_DAYS})")
    if isinstance(setup, numbers.Real) and not isinstance(setup, bool):
        if not (np.isfinite(setup) and setup >= 0):
            raise ValueError(f"setup must be a finite number of working days >= 0, got {setup!r}")
        return np.full(n_mach, float(setup))
    if isinstance(setup, (dict, pd.Series)):
        _refuse_times(setup, "setup", "machine", "working days")
        table = _float_table(setup, "setup", "machine", "working days")
        ids = pd.Index(m_ids.to_numpy())
        if not table.index.is_unique:
            raise ValueError(f"setup: one changeover per machine, got machine "
                             f"{plain(table.index[table.index.duplicated()][0])!r} more than once")
        unknown = ~isin(table.index, ids)
        # a table for more machines than those scheduled is fine; keys of which none is a machine id, or text
        # keys for number ids (or the reverse), are a mistake: every changeover would silently have been 0
        other_kind = [k for k in table.index[unknown] if len(ids) and isinstance(k, str) != isinstance(ids[0], str)]
        if unknown.any() and (unknown.all() or other_kind):
            key = other_kind[0] if other_kind else table.index[int(np.flatnonzero(unknown)[0])]
            raise ValueError(f"setup has a changeover for {plain(key)!r}, "
                             f"which is no machine id of the machines table"
                             + (f" (such as {plain(ids[0])!r})" if len(ids) else ""))
        vals = table.reindex(ids).to_numpy()
        vals = np.where(np.isnan(vals), 0.0, vals)  # (not nan_to_num: it makes inf finite)
        bad = ~(np.isfinite(vals) & (vals >= 0))
        if bad.any():
            raise ValueError(f"setup for machine {plain(m_ids.iloc[int(np.flatnonzero(bad)[0])])!r} must be a finite "
                             f"number of working days >= 0")
        return np.ascontiguousarray(vals[perm])
    raise TypeError(f"setup must be None, a number, a dict or a Series, got {type(setup).__name__}")


def _groups(jdf, m_index, m_codes, m_wc_arr, perm, reason):
    """Eligible machine sets as CSR groups: work centers first, then one per fixed machine, then one per
    distinct explicit list. Machines inside a group are in ascending code (= machine id) order."""
    n = len(jdf)
    n_mach = perm.shape[0]
    wc_of_code = m_wc_arr[perm]
    wc_codes, wc_uniques = pd.factorize(wc_of_code, use_na_sentinel=True)
    n_wc = len(wc_uniques)
    members = np.argsort(wc_codes, kind="stable")
    members = members[wc_codes[members] >= 0]
    ptr = np.zeros(n_wc + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(wc_codes[wc_codes >= 0], minlength=n_wc))
    parts_ptr, parts_mach = [ptr], [members.astype(np.int64)]
    offset_groups, offset_mach = n_wc, int(ptr[-1])

    group = np.full(n, -1, dtype=np.int64)
    decided = np.zeros(n, dtype=bool)
    mk = _pick(jdf, _JOB_NAMES["machine"], "jobs")
    if mk is not None:
        fixed = jdf[mk].to_numpy(dtype=object)
        has = pd.notna(fixed)
        if has.any():
            try:
                code_of_id = m_index.get_indexer(pd.Index(fixed[has]))
            except TypeError:  # (a list of machines goes in the eligible column)
                _unhashable_row(jdf, mk, "jobs", "one machine id (a list of machines goes in 'eligible')")
                raise
            idx = np.flatnonzero(has)
            # singleton groups: machine code c -> group offset_groups + c
            parts_ptr.append(offset_mach + np.arange(1, n_mach + 1, dtype=np.int64))
            parts_mach.append(np.arange(n_mach, dtype=np.int64))
            group[idx] = np.where(code_of_id >= 0, offset_groups + code_of_id, -1)
            for i in idx[code_of_id < 0]:
                reason[i] = f"machine {plain(fixed[i])!r} is not in the machines table"
            decided[idx] = True
            offset_groups += n_mach
            offset_mach += n_mach
    ek = _pick(jdf, _JOB_NAMES["eligible"], "jobs")
    if ek is not None:
        lists = jdf[ek].to_numpy(dtype=object)
        seen: dict[tuple, int] = {}
        code_of = dict(zip(m_index.tolist(), range(len(m_index))))
        resolved: dict[tuple, tuple] = {}  # a list (as a tuple) -> its known machine codes: jobs share lists
        # the same list object in many rows (the ERP adapter gives every order of a style its style's list): its
        # group or reason, without hashing its items again for each row
        shared: dict[int, tuple] = {}  # id(list) -> (the list, kept alive so its id is not reused; group; reason)
        for i in np.flatnonzero(~decided):
            value = lists[i]
            hit = shared.get(id(value))
            if hit is not None and hit[0] is value:
                decided[i] = True
                group[i], reason[i] = hit[1], hit[2]
                continue
            if type(value) is list or type(value) is tuple:
                items = value  # (the common case, without np.ndim's cost per job)
            else:
                if value is None or (np.ndim(value) == 0 and pd.isna(value)):
                    continue
                if isinstance(value, (set, frozenset)):  # (np.ndim of a set is 0)
                    items = list(value)
                else:
                    items = [value] if np.ndim(value) == 0 or isinstance(value, str) else list(value)
            try:
                key = tuple(items)
                known = resolved.get(key)
            except TypeError:  # (unhashable items: the lookup below says so, as it did)
                key = known = None
            if known is None:
                try:
                    known = tuple(sorted({code_of[x] for x in items if x in code_of}))
                except TypeError:  # (a list inside the list, say)
                    _bad_row(jdf, ek, np.arange(n) == i, "jobs", "a list of machine ids")
                if key is not None:
                    resolved[key] = known
            decided[i] = True
            g, why = -1, None
            if not known:
                why = reason[i] = (f"none of the eligible machines {items!r} is in the machines table" if items
                                   else "empty list of eligible machines")
            else:
                g = seen.get(known)
                if g is None:
                    g = seen[known] = offset_groups
                    offset_groups += 1
                    offset_mach += len(known)
                    parts_ptr.append(np.array([offset_mach], dtype=np.int64))
                    parts_mach.append(np.array(known, dtype=np.int64))
                group[i] = g
            if type(value) is list or type(value) is tuple:
                shared[id(value)] = (value, g, why)
    wk = _pick(jdf, _JOB_NAMES["work_center"], "jobs")
    rest = np.flatnonzero(~decided)
    if wk is not None and rest.size:
        try:
            jc, ju = pd.factorize(jdf[wk], use_na_sentinel=True)
        except TypeError:  # (a list in a cell, say)
            _unhashable_row(jdf, wk, "jobs", "a work center (one value, not a list)")
            raise
        ju = np.asarray(ju, dtype=object)
        map_u = (pd.Index(wc_uniques, dtype=object).get_indexer(pd.Index(ju, dtype=object)) if n_wc
                 else np.full(len(ju), -1))
        jc = np.asarray(jc)[rest]
        code = np.where(jc >= 0, map_u[np.maximum(jc, 0)] if len(ju) else -1, -1)
        group[rest] = code
        for i, c, u in zip(rest[code < 0], code[code < 0], jc[code < 0]):
            reason[i] = ("no work center, eligible machines or machine given" if u < 0
                         else f"no machine in work center {ju[u]}")
    else:
        for i in rest:
            reason[i] = "no work center, eligible machines or machine given"
    return (group, np.ascontiguousarray(np.concatenate(parts_ptr), dtype=np.int64),
            np.ascontiguousarray(np.concatenate(parts_mach), dtype=np.int64))


def _result(jdf, mdf, job_ids, styles, qty, out_m, out_start, out_end, out_setup, due, reason, perm, m_ids,
            m_wc, avail0, avail, load, horizon, day0, cal) -> Schedule:
    n = len(jdf)
    placed = out_m >= 0
    # (bool is no integer dtype here; a missing machine id was refused)
    int_ids = pd.api.types.is_integer_dtype(m_ids.dtype) and not isinstance(m_ids.dtype, pd.CategoricalDtype)
    if int_ids and not isinstance(m_ids.dtype, np.dtype):  # (nullable or pyarrow integers: as NumPy's)
        m_ids = pd.Series(m_ids.to_numpy(dtype=m_ids.dtype.numpy_dtype), index=m_ids.index, name=m_ids.name)
    row = np.zeros(n, dtype=np.int64)
    row[placed] = perm[out_m[placed]]
    if perm.shape[0]:
        take = np.where(placed, row, -1)  # -1: missing (allow_fill), no object round trip for text ids
        ids = m_ids.array
        if int_ids:
            # integer machine ids (NumPy, nullable Int64 or pyarrow alike): float64 (NaN for an unplaced job, as
            # the ERP's Machine column) whether or not every job is placed, so the column's dtype does not depend
            # on the data; beyond 2**53 in magnitude float64 would round them: object (Python ints) then, also
            # whether or not every job is placed
            if int(ids.max()) > 2**53 or int(ids.min()) < -2**53:
                ids = pd.array(m_ids.to_numpy(dtype=object), dtype=object)
            else:
                ids = pd.arrays.NumpyExtensionArray(m_ids.to_numpy(dtype=np.float64))
        machine = pd.Series(ids.take(take, allow_fill=True), index=jdf.index)
        wc = pd.Series(m_wc.array.take(take, allow_fill=True), index=jdf.index)
    else:
        machine = pd.Series(np.full(n, np.nan), index=jdf.index)
        wc = pd.Series(np.full(n, np.nan, dtype=object), index=jdf.index)
    has_due = np.isfinite(due)
    # the times as reported: a float residue off a whole working day is that whole day (the kernels' own state,
    # from which the next job starts, is left as it is); avail: the machines' finish
    out_start, out_end, avail = _settled(out_start), _settled(out_end), _settled(avail)
    with np.errstate(over="ignore", invalid="ignore"):  # (an error below)
        over_due = out_end - due
        # late only beyond the rounding tolerance: 2**-40 working days of the larger of end and due (at least 1)
        tol = _TIME_TOL * np.maximum(np.maximum(np.abs(out_end), np.abs(due)), 1.0)
        late = placed & has_due & (over_due > tol)
        days_late = np.where(placed & has_due, np.where(late, over_due, 0.0), np.nan)
    if np.isinf(days_late).any():  # (a due date of a huge negative number of working days)
        i = int(np.flatnonzero(np.isinf(days_late))[0])
        raise ValueError(f"{_job_at(jdf, job_ids, i)}: it ends on working day {plain(out_end[i])!r}, due on day "
                         f"{plain(due[i])!r}: the days late are beyond float64")
    start_ts = _to_timestamps(out_start, day0, cal, end=False)
    end_ts = _to_timestamps(out_end, day0, cal, end=True)
    # a job that takes no time ends at its start (read as an end, a whole day k would be the evening of day
    # k - 1: before its start, across a weekend)
    instant = placed & (out_end == out_start)
    end_ts[instant] = start_ts[instant]
    # machine table, in the input's row order
    n_mach = perm.shape[0]
    code_of_row = np.empty(n_mach, dtype=np.int64)
    code_of_row[perm] = np.arange(n_mach)
    om = out_m[placed]
    counts = np.bincount(om, minlength=n_mach)
    # (bincount of no rows at all is int64 whatever the weights: float64 always, like the rows it sums)
    lbs = np.bincount(om, weights=qty[placed], minlength=n_mach).astype(np.float64, copy=False)
    setup_days = np.bincount(om, weights=out_setup[placed], minlength=n_mach).astype(np.float64, copy=False)
    for what, total in (("lbs", lbs), ("working days", load)):
        bad = ~np.isfinite(total)
        if bad.any():
            r = perm[int(np.flatnonzero(bad)[0])]
            raise ValueError(f"machines row {plain(mdf.index[r])!r} (machine {plain(m_ids.iloc[r])!r}): "
                             f"the {what} of its jobs add up beyond float64")
    knit = _settled(load - setup_days)
    if horizon is None:
        horizon = float(out_end[placed].max()) if placed.any() else 0.0
        busy = load
    else:
        inside = np.minimum(out_end[placed], horizon) - out_start[placed]
        busy = np.bincount(om, weights=np.maximum(inside, 0.0), minlength=n_mach).astype(np.float64, copy=False)
    span = horizon - avail0
    with np.errstate(over="ignore"):
        util = np.where(span > 0, 100.0 * busy / np.where(span > 0, span, 1.0), 0.0)
    over = np.isinf(util)  # (100 * busy overflowed: busy is at most span, the share is not)
    util[over] = 100.0 * (busy[over] / span[over])
    # busy time inside the horizon is at most its length: above 100 % is a float residue (the kernels' load and
    # the settled times are sums in other orders)
    np.minimum(util, 100.0, out=util)
    finish = np.where(counts > 0, avail, np.nan)
    finish_ts = _to_timestamps(finish, day0, cal, end=True)
    # a machine whose last job takes no time finishes when that job ends: at its start
    at_finish = out_m[instant][out_start[instant] == avail[out_m[instant]]]
    finish_ts[at_finish] = _to_timestamps(finish[at_finish], day0, cal, end=False)
    start_ts, end_ts, finish_ts = _in_ns(start_ts, end_ts, finish_ts)  # (before the frames: built once)
    frame = pd.DataFrame({
        "job": job_ids,
        "machine": machine.array,
        "work_center": wc.array,
        "style": styles,
        "qty": qty,
        "start": start_ts,
        "end": end_ts,
        "start_day": out_start,
        "end_day": out_end,
        "setup_days": out_setup,
        "due_day": np.where(has_due, due, np.nan),
        "days_late": days_late,
        "late": late,
        "reason": pd.array(reason, dtype="str"),  # (str, NaN where placed, also when every job is placed)
    }, index=jdf.index)
    machines = pd.DataFrame({
        "machine": m_ids.array,
        "work_center": m_wc.array,
        "jobs": counts[code_of_row],
        "lbs": lbs[code_of_row],
        "knit_days": knit[code_of_row],
        "setup_days": setup_days[code_of_row],
        "available_day": avail0[code_of_row],
        "finish_day": finish[code_of_row],
        "finish": finish_ts[code_of_row],
        "utilisation_pct": util[code_of_row],
    }, index=mdf.index)
    return Schedule(frame, machines, pd.Timestamp(day0), cal)


# ----------------------------------------------------------------------------------------------------------
# Moore-Hodgson


def min_late_jobs(processing, due, *, engine: str | None = None) -> LateJobs:
    """The most jobs on time on one machine (Moore-Hodgson, ``1||sum U_j``): which to run, in which order.

    Jobs are taken by due date (ties: input order); whenever the running total passes a job's due date the
    longest job so far (ties: the later one by due date) is moved to the late set. The on-time jobs, run in
    due-date order, all finish by their due dates, and no other choice has fewer late jobs. The on-time set
    is not unique in general: this one is deterministic.

    "On time" is meant exactly: a job is on time when the exact sum of the given floats (its processing
    time and those of the on-time jobs before it), as with fractions, is at most its due date; no float
    rounding of the running total enters a decision, so every engine makes the same ones. (The floats
    ``0.1`` and ``0.2`` add up to a little more than the float ``0.3``; ``0.2`` and ``0.3`` to exactly
    ``0.5``.)

    Parameters
    ----------
    processing : array-like or Series
        Processing times (finite, >= 0), in any time unit. A bool in either argument is a ValueError naming the
        job (no time, as in :func:`schedule`).
    due : array-like or Series
        Due times in the same unit, measured from the moment the machine is free (``inf`` = no due date;
        NaN is an error). When both are Series, ``due`` is matched to ``processing`` by index label (in any
        order); labels on one side only, or a repeated label while the indexes differ, are an error.
    engine : {None, "auto", "cython", "numba", "numpy"}
        Kernel engine.

    Returns
    -------
    LateJobs
        ``sequence`` (positions, or index labels when ``processing`` is a Series), ``on_time`` (bool per
        job) and ``n_late``.

    Examples
    --------
    >>> import bk_fast
    >>> r = bk_fast.min_late_jobs([7, 8, 4, 6, 6], [9, 17, 18, 19, 20])
    >>> r.n_late, r.sequence.tolist(), r.on_time.tolist()
    (2, [2, 3, 4, 0, 1], [False, False, True, True, True])
    >>> bk_fast.min_late_jobs([0.2, 2.5, 0.3], [0.3, 0.5, 0.5]).on_time.tolist()  # 0.2 + 0.3 == 0.5
    [True, False, True]
    >>> bk_fast.min_late_jobs([0.1, 0.2], [0.3, 0.3]).n_late  # 0.1 + 0.2 > 0.3
    1
    """
    if isinstance(processing, pd.Series) and isinstance(due, pd.Series):
        due = _align_due(processing.index, due)
    p = float_array(processing, name="processing")
    d = float_array(due, name="due")
    if p.shape[0] != d.shape[0]:
        raise ValueError(f"processing and due differ in length: {p.shape[0]} and {d.shape[0]}")
    # (a bool is no time: True read as 1, as schedule() refuses a bool due column)
    for values, name, expected in ((processing, "processing", "a finite time >= 0"),
                                   (due, "due", "a due time (inf for none)")):
        i = _bool_at(values)
        if i is not None:
            v = values.iloc[i] if isinstance(values, pd.Series) else np.asarray(values, dtype=object)[i]
            raise ValueError(f"{_at(values, name, i)}: expected {expected}, got the bool {plain(v)!r}")
    bad = ~(np.isfinite(p) & (p >= 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{_at(processing, 'processing', i)}: expected a finite time >= 0, got "
                         f"{_given(processing, p, i)!r}")
    bad = np.isnan(d)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{_at(due, 'due', i)}: expected a due time (inf for none), got {_given(due, d, i)!r}")
    order = np.ascontiguousarray(np.argsort(d, kind="stable"), dtype=np.int64)
    on_time = np.zeros(p.shape[0], dtype=np.uint8)
    huge = np.isfinite(d) & (d >= _MH_BIG)
    in_python = bool(huge.any())
    if in_python:
        with np.errstate(over="ignore"):
            total = float(np.sum(p))
        if total < _MH_BIG / 2:
            # a due date at or above the total of all processing times (the exact total is below 2**1021 when
            # the float sum is below 2**1020) can make no job late: the kernel reads it as no due date (inf), with
            # the same decisions (``order`` stays that of the given due dates)
            d = np.where(huge, np.inf, d)
            in_python = False
    if in_python:
        n_late = _moore_hodgson_big(order, p, d, on_time)  # (the kernels' exact sums could overflow)
    else:
        n_late = int(resolve("moore_hodgson", engine)(order, p, d, on_time))
    ok = on_time.astype(bool)
    seq = np.concatenate([order[ok[order]], order[~ok[order]]])
    if isinstance(processing, pd.Series):
        return LateJobs(processing.index[seq], pd.Series(ok, index=processing.index, name="on_time"), n_late)
    return LateJobs(seq, ok, n_late)


#: finite due dates from here on are handled by :func:`_moore_hodgson_big`, not the kernels (unless the total of
#: the processing times is below 2**1020: such a due date is then no due date)
_MH_BIG = 2.0**1021


def _at(values, name: str, i: int) -> str:
    """Job ``i`` of a :func:`min_late_jobs` argument in an error message: ``processing['K2']`` by its index label
    for a Series (``due`` is matched to ``processing`` by label, so a position would not be the caller's row),
    ``processing[1]`` by its position otherwise."""
    return f"{name}[{plain(values.index[i])!r}]" if isinstance(values, pd.Series) else f"{name}[{i}]"


def _bool_at(values) -> int | None:
    """Position of the first bool of a :func:`min_late_jobs` argument (already read as a 1-D array of numbers):
    the first non-missing value of a bool column (a nullable ``boolean`` column may start with <NA>), or the
    first ``True``/``False`` in an object column or a list; None if none. One pass over the values' types (no
    Python test per value): the position is looked for only when a bool is there."""
    if isinstance(values, (pd.Series, pd.Index, np.ndarray, pd.api.extensions.ExtensionArray)):
        if pd.api.types.is_bool_dtype(values.dtype):
            if isinstance(values.dtype, np.dtype):  # (no missing values)
                return 0 if len(values) else None
            given = np.flatnonzero(~np.asarray(pd.isna(values), dtype=bool))
            return int(given[0]) if given.size else None
        if values.dtype != object:
            return None
        vals = np.asarray(values).tolist()
    else:
        vals = values if isinstance(values, list) else np.asarray(values, dtype=object).ravel().tolist()
    types = set(map(type, vals))
    if bool not in types and np.bool_ not in types:
        return None
    return next(i for i, v in enumerate(vals) if type(v) in (bool, np.bool_))


def _given(values, read: np.ndarray, i: int):
    """The ``i``-th value of a :func:`min_late_jobs` argument as the caller gave it (text read as NaN is shown
    as the text), for an error message."""
    if not np.isnan(read[i]):
        return plain(read[i])
    if isinstance(values, pd.Series):
        return plain(values.iloc[i])
    return plain(np.asarray(values, dtype=object)[i])


def _moore_hodgson_big(order, p, d, on_time) -> int:
    """The ``moore_hodgson`` kernel in Python integers (units of 2**-1074, in which every float is a whole
    number): the same decisions, for due dates of 2**1021 and more, where the kernels' exact float sums
    could overflow."""
    def units(x: float) -> int:
        num, den = x.as_integer_ratio()
        return num * ((1 << 1074) // den)

    on_time[:] = 1
    heap: list[tuple[float, int, int]] = []
    total = 0
    n_late = 0
    for pos, j in enumerate(order.tolist()):
        pj, dj = float(p[j]), float(d[j])
        if dj == np.inf:
            break
        if pj > dj:  # (also a due date of -inf)
            on_time[j] = 0
            n_late += 1
            continue
        heapq.heappush(heap, (-pj, -pos, j))  # the longest on top, ties: the latest in due order
        total += units(pj)
        if total > units(dj):
            top = heapq.heappop(heap)[2]
            total -= units(float(p[top]))
            on_time[top] = 0
            n_late += 1
    return n_late


def _align_due(index: pd.Index, due: pd.Series) -> pd.Series:
    """``due`` in the order of ``index`` (processing's), matched by label."""
    if due.index.equals(index):
        return due
    missing = index[~isin(index, due.index)]
    extra = due.index[~isin(due.index, index)]
    if len(missing) or len(extra):
        parts = []
        if len(missing):
            parts.append(f"due has no label {_some(missing)} of processing")
        if len(extra):
            parts.append(f"processing has no label {_some(extra)} of due")
        raise ValueError("processing and due are Series, matched by index label: " + "; ".join(parts))
    if not (index.is_unique and due.index.is_unique):
        rep = index[index.duplicated()].append(due.index[due.index.duplicated()]).unique()
        raise ValueError(f"processing and due are Series whose indexes differ and repeat a label ({_some(rep)}): "
                         "cannot match them by label; give both the same index, or plain arrays")
    return due.reindex(index)


def _some(labels: pd.Index, k: int = 5) -> str:
    shown = ", ".join(repr(plain(x)) for x in labels[:k])
    return shown + (f" and {len(labels) - k} more" if len(labels) > k else "")


# ----------------------------------------------------------------------------------------------------------
# bk-fast demo


def _demo_schedule(mill, engine, keep_assigned=True, styles=None):
    """The demo mill's schedule; ``styles``: a :class:`bk_fast.erp.StyleIndex` of its style tables (else the
    tables themselves)."""
    from bk_fast._demo import today
    from bk_fast.erp import schedule_knit_orders

    tables = (styles,) if styles is not None else (mill["style_capacity"], mill["style_work_center"])
    return schedule_knit_orders(mill["knit_orders"], mill["machines"], *tables, start=today(), setup=0.25,
                                keep_assigned=keep_assigned, engine=engine)


def _demo_step(mill, engine):
    """``bk-fast demo``: the synthetic mill's knit orders scheduled on its machines: late orders, machine
    suggestions, utilisation (the schedule's and the ERP's formula)."""
    from bk_fast._demo import DemoReport
    from bk_fast.erp import StyleIndex

    # (two schedules below against the same style tables: keyed once, as a service keeps them)
    styles = StyleIndex(mill["style_capacity"], mill["style_work_center"], engine=engine)
    s = _demo_schedule(mill, engine, styles=styles)
    jobs, mach = s.jobs, s.machines
    placed = jobs["reason"].isna()
    late = s.late
    used = mach[mach["jobs"] > 0]
    lines = [
        f"{int(placed.sum())} of {len(jobs)} knit orders scheduled from {s.start.date()} on {len(used)} of "
        f"{len(mach)} machines ({_days_note(s)}); makespan {s.makespan_days:.1f} working days",
        f"{len(late)} late, worst {late['days_late'].max() if len(late) else 0.0:.1f} working days past the "
        f"quoted date; {int(jobs['suggested_machine'].notna().sum())} machine suggestions for unassigned orders",
    ]
    free = _demo_schedule(mill, engine, keep_assigned=False, styles=styles)
    lines.append(f"letting orders not yet knitting move within their work center: {len(free.late)} late, "
                 f"makespan {free.makespan_days:.1f} working days, "
                 f"{int((free.jobs['suggested_machine'].notna() & free.jobs['assigned_machine'].notna()).sum())} "
                 f"moves suggested")
    lines.append(f"both schedules looked the styles up in one {styles!r} (bk_fast.erp.StyleIndex: the style "
                 f"tables keyed once, the same answers as the tables)")
    if (~placed).any():
        counts = jobs.loc[~placed, "reason"].str.replace(r" \(.*$| \d.*$| '.*$", "", regex=True).value_counts()
        lines.append("not scheduled: " + "; ".join(f"{n} x {r}" for r, n in counts.items()))
    if len(used):
        top = used.sort_values("utilisation_pct", ascending=False, kind="stable").head(3)
        lines.append("busiest machines in the first week (schedule vs the ERP's formula): " + ", ".join(
            f"{_id_text(m) if isinstance(m, float) else m} {u:.0f}% vs {e:.0f}%"
            for m, u, e in zip(top["machine"], top["utilisation_pct"], top["erp_utilisation_pct"])))
        lines.append(f"first-week utilisation, mean over machines in use: {used['utilisation_pct'].mean():.0f}% "
                     f"scheduled vs {used['erp_utilisation_pct'].mean():.0f}% by the ERP's workload/616/5 "
                     f"formula")
    table = late.head(8)[["job", "machine", "style", "end", "due_day", "days_late"]].reset_index(drop=True)
    table["days_late"] = table["days_late"].round(1)
    return DemoReport("Knit-machine schedule (late orders)", lines, table)


def _days_note(s: Schedule) -> str:
    mask = s.calendar.weekmask
    return f"{int(mask.sum())} working days a week"


def _demo_plot(mill, engine, path) -> None:
    """``bk-fast demo --plot FILE``: Gantt chart PNG of the busiest work centers (needs matplotlib)."""
    _demo_schedule(mill, engine).plot_gantt(path, top=3)
