"""Put Google Trends pulls on one scale: calibrate batches, stitch windows, average samples.

Pure functions on pandas frames: no HTTP, no files, no clock.

Modules: :mod:`~trendlib.trends.stitch.validate` (input frames, rounding bounds),
:mod:`~trendlib.trends.stitch.batches` (batches through one anchor),
:mod:`~trendlib.trends.stitch.ladder` (a ladder of batches through all their shared anchors, jointly),
:mod:`~trendlib.trends.stitch.windows` (overlapping windows, pins),
:mod:`~trendlib.trends.stitch.solver` (the joint weighted least squares),
:mod:`~trendlib.trends.stitch.chain` (the chain-of-ratios reference),
:mod:`~trendlib.trends.stitch.periods` (Google's weeks and months),
:mod:`~trendlib.trends.stitch.samples` (averaging Google's samples).

Why this is needed
------------------
Google scales every request on its own: the largest value over the request's terms and
window becomes 100 and every value is rounded to an integer (a value in (0, 1) is shown
as ``"<1"``). Two requests are therefore on different, unknown scales:

* more than 5 terms need several requests (*batches*) that share an *anchor* term:
  :func:`calibrate_batches` rescales each batch to the first through the anchor;
* a daily series longer than 269 days needs several overlapping windows:
  :func:`stitch_windows` estimates one scale factor per window *jointly* from every
  overlap (weighted least squares on log values; not a chain of ratios, whose errors
  compound window after window) and ties the long-run level to a coarse *pin* pull of the
  whole span (weekly or monthly), so slow drift follows Google's own coarse series;
* Google answers from a sample that changes from day to day: :func:`average_samples`
  averages pulls of the same request made on different days and reports the spread.

Recommended order for one fetch day: for each window, :func:`calibrate_batches` across the
batches (and once for the pin pulls), then :func:`stitch_windows` over the calibrated
windows with the calibrated pin; finally :func:`average_samples` over the fetch days.

Input frames (tidy, one row per ``(date, query[, geo])``)
----------------------------------------------------------
============ ======== ==============================================================
column       required meaning
============ ======== ==============================================================
date         yes      period start (datetime-like); daily windows, or weekly/monthly pins
query        yes      the term
geo          no       the geo code; when present it is part of the series key
value        yes      the reported index (float); NaN = no data (Google's ``hasData: false``)
below_one    no       Google said ``"<1"``: the true value lies in (0, 1) (``value`` is then 0)
is_partial   no       the period was incomplete when fetched (never used to estimate scales)
value_low,   no       bounds of the true value; default: integer rounding, ``[v - 0.5, v + 0.5]``
value_high            (clipped at 0), ``(0, 1)`` for ``"<1"``, ``[0, 0.5]`` for a reported 0
var_sampling no       the value's variance is ``var_sampling * value + var_rounding`` (Google's
var_rounding          sampling plus rounding, in the frame's units; :func:`calibrate_ladder` gives
                      them): :func:`stitch_windows` weights overlapping windows by its inverse
============ ======== ==============================================================

Other columns pass through (their first value per row). Zeros stay zeros (a true 0 is
not rescaled into anything else), NaN stays NaN (never 0), ``"<1"`` rows are never used
to estimate a scale and are shown at the midpoint of their interval, ``0.5`` in the input
units, with ``below_one`` kept true.
"""
from __future__ import annotations

from trendlib.trends.stitch.batches import CalibrationResult, calibrate_batches
from trendlib.trends.stitch.ladder import LadderResult, calibrate_ladder
from trendlib.trends.stitch.periods import aggregate_periods
from trendlib.trends.stitch.samples import average_samples
from trendlib.trends.stitch.validate import Z95, rounding_bounds
from trendlib.trends.stitch.windows import StitchResult, stitch_windows

__all__ = ["CalibrationResult", "LadderResult", "StitchResult", "calibrate_batches", "calibrate_ladder", "stitch_windows", "average_samples",
           "aggregate_periods", "rounding_bounds", "Z95"]
