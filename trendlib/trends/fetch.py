"""Fetch a Google Trends series end to end: plan -> client/cache -> stitch -> tidy CSV + provenance.

:func:`fetch_trends` is the Python entry point (``trendlib fetch`` calls it):

1. :func:`~trendlib.trends.plan.make_plan` validates the inputs and lists the requests
   (batches of <= 5 terms sharing an anchor, overlapping daily windows, coarse pins);
   with more than 5 terms and no ``anchor``, a coarse *probe* pull of the whole span
   (one request per batch, through ``terms[0]``) gives rough levels and
   :func:`~trendlib.trends.plan.choose_anchor` picks the anchor that rounding hurts least;
2. every request goes through the cache first: a response already cached for the fetch day
   is never asked again, so a rerun after an interruption resumes where it stopped; new
   responses are written to the cache (raw) before they are parsed;
3. Google's samples: pulls of one request on different fetch days. With ``samples=N`` a
   request is fetched on the current fetch day only while it has fewer than N cached days;
   the N most recent are used (run the fetch on N different days to fill them);
4. per sample, batches are calibrated through the anchor
   (:func:`~trendlib.trends.stitch.calibrate_batches`), windows stitched jointly and pinned to
   the coarse pull (:func:`~trendlib.trends.stitch.stitch_windows`); the samples are then
   averaged (:func:`~trendlib.trends.stitch.average_samples`: value, low/high band, n_samples).

Outputs (``out=FILE``): the tidy CSV (``date, query, geo, value, value_low, value_high,
n_samples, is_partial, resolution, source, below_one``; loads with :func:`trendlib.load_trends`),
``<stem>.provenance.json`` (terms, geo, span, requests with fetch times and cache keys, pytrends
version, calibration and stitching factors with their intervals) and ``<stem>.samples.csv``
(the series per Google sample). Values are index points relative to the peak (max 100), never
numbers of searches.

Only pulls from Google's own URL are labelled ``source = "google-trends-api"``; a pull from any
other server (e.g. :mod:`trendlib.testing.fakegoogle`) is labelled with that server and marked
``illustrative: true`` in its provenance, so simulated numbers cannot pass as real.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trendlib.acquire.provenance import write_with_provenance
from trendlib.trends.errors import NoData
from trendlib.trends.source import TrendsSource, parse_series, series_request

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from trendlib.acquire.cache import CacheEntry
    from trendlib.acquire.runner import Request
    from trendlib.trends.cache import TrendsCache
    from trendlib.trends.client import TrendsClient
    from trendlib.trends.plan import FetchPlan, TrendsRequest

__all__ = ["FetchResult", "fetch_trends", "fetch_plan", "write_outputs", "GOOGLE_SOURCE", "OUTPUT_COLUMNS",
           "SAMPLE_COLUMNS", "ProbeLevels", "probe_levels", "plan_from_probe"]

log = logging.getLogger("trendlib.trends.fetch")

GOOGLE_SOURCE = "google-trends-api"
OUTPUT_COLUMNS = ["date", "query", "geo", "value", "value_low", "value_high", "n_samples", "is_partial",
                  "resolution", "source", "below_one"]
SAMPLE_COLUMNS = ["date", "query", "geo", "sample", "fetched_on", "value", "below_one", "is_partial",
                  "resolution"]
CITATION = "Google Trends (https://trends.google.com), retrieved through pytrends by trendlib"
LICENCE = "Google Trends data; reuse with attribution to Google Trends"


@dataclass(frozen=True, eq=False)
class FetchResult:
    """A fetched series and how it was made.

    Attributes
    ----------
    frame : tidy series (:data:`OUTPUT_COLUMNS`), one row per (date, query, geo); ``value`` index
        points 0-100 on one scale for all terms (mean over samples), ``value_low``/``value_high`` the
        range across samples, ``n_samples`` samples with data.
    samples : the series per Google sample (:data:`SAMPLE_COLUMNS`), each on its own 0-100 scale.
    plan : the :class:`~trendlib.trends.plan.FetchPlan` that was executed.
    provenance : the JSON-ready provenance record (also written beside ``out``).
    requests_sent : HTTP requests sent in this call (0 when everything came from the cache).
    from_cache : widget responses served from the cache; fetched : widget responses fetched now.
    out : the CSV written, or None.
    """

    frame: "pd.DataFrame"
    samples: "pd.DataFrame"
    plan: "FetchPlan"
    provenance: dict[str, Any]
    requests_sent: int
    from_cache: int
    fetched: int
    out: Path | None = None

    def to_frame(self) -> "pd.DataFrame":
        return self.frame.copy()

    def summary(self) -> str:
        f = self.frame
        lines = [f"Google Trends fetch: {len(self.plan.terms)} term(s) in {self.plan.geo or 'worldwide'}, "
                 f"{self.plan.start} .. {self.plan.end}, {self.plan.resolution}",
                 f"source        : {self.provenance.get('source')}"
                 + ("  (ILLUSTRATIVE: not Google)" if self.provenance.get("illustrative") else ""),
                 f"requests      : {self.plan.n_requests} planned; {self.fetched} fetched now, "
                 f"{self.from_cache} from cache; {self.requests_sent} HTTP requests sent",
                 f"samples       : {self.provenance.get('n_samples_used')} of {self.plan.samples} wanted "
                 f"(fetch days: {', '.join(s['fetched_on'] for s in self.provenance.get('samples', []))})",
                 f"rows          : {len(f)}; partial periods: {int(f['is_partial'].sum())}; "
                 f"missing values: {int(f['value'].isna().sum())}"]
        if self.out is not None:
            lines.append(f"written       : {self.out}")
        return "\n".join(lines)


def _series_check(request: "Request", entry: "CacheEntry") -> None:
    parse_series(entry, request.payload)


def _combine_sample(plan: "FetchPlan", frames: dict[int, "pd.DataFrame"], probe_pin: "pd.DataFrame | None" = None
                    ) -> tuple["pd.DataFrame", dict[str, Any]]:
    """One sample's requests -> one series on one scale (max 100), with the factors used."""
    import pandas as pd

    from trendlib.trends.stitch import calibrate_batches, calibrate_ladder, stitch_windows

    info: dict[str, Any] = {"calibration": [], "stitching": None}

    def calibrate(reqs: list[tuple[int, "TrendsRequest"]], label: str, pin: "pd.DataFrame | None" = None
                  ) -> pd.DataFrame:
        parts = [frames[i] for i, _ in sorted(reqs, key=lambda x: x[1].batch)]
        if len(parts) == 1:
            return parts[0]
        if plan.batching == "magnitude":  # the ladder: every shared anchor of every pair of batches, jointly
            # a window whose rung is rounded away re-chains through the pin; failing that its terms are
            # marked below the measurable range there, with the reason (never silently dropped)
            lad = calibrate_ladder(parts, drop_unlinked=True, pin=pin, pin_resolution=plan.pin_resolution or "week")
            info["calibration"].append({"part": label, "method": "ladder", "scale": lad.scale, "tau": lad.tau,
                                        "factors": _records(lad.factors), "links": _records(lad.links),
                                        "unlinked": list(lad.unlinked)})
            return lad.frame.drop(columns=[c for c in ("batch",) if c in lad.frame.columns])
        res = calibrate_batches(parts, anchor=plan.anchor)
        fac = res.factors.copy()
        info["calibration"].append({"part": label, "anchor": res.anchor, "scale": res.scale,
                                    "factors": _records(fac)})
        return res.frame.drop(columns=[c for c in ("batch",) if c in res.frame.columns])

    indexed = list(enumerate(plan.requests))
    pins = [(i, r) for i, r in indexed if r.purpose == "pin"]
    pin = calibrate(pins, "pin") if pins else probe_pin
    windows = []
    for w in range(len(plan.windows)):  # a window's batches and its re-pulls (swamped by a spike)
        reqs = [(i, r) for i, r in indexed if r.purpose in ("window", "repull") and r.window == w]
        windows.append(calibrate(reqs, f"window {w}", pin=pin if len(plan.windows) > 1 else None))
    if len(windows) == 1:
        out = windows[0].copy()
        top = out["value"].max()
        if top and top > 0 and abs(top - 100) > 1e-9:
            scale = 100.0 / top
            for c in ("value", "value_low", "value_high"):
                if c in out.columns:
                    out[c] = out[c] * scale
    else:
        res = stitch_windows(windows, pin=pin, pin_resolution=plan.pin_resolution or "week")
        info["stitching"] = {"method": res.method, "pin_resolution": res.pin_resolution, "scale": res.scale,
                             "tau_overlap": res.tau_overlap, "tau_pin": res.tau_pin,
                             "factors": _records(res.factors)}
        out = res.frame
    if "below_one" not in out.columns:
        out["below_one"] = False
    if "is_partial" not in out.columns:
        out["is_partial"] = False
    return out, info


def _records(df: "pd.DataFrame") -> list[dict[str, Any]]:
    return json.loads(df.to_json(orient="records", date_format="iso", double_precision=6))


def fetch_plan(plan: "FetchPlan", *, out: str | Path | None = None, client: "TrendsClient | None" = None,
               cache: "TrendsCache | None" = None, base_url: str | None = None,
               min_interval: float | None = None, backoff: float | None = None,
               cache_dir: str | Path | None = None, offline: bool | None = None,
               fetch_day: dt.date | str | None = None, description: str = "",
               max_wait: float | None = None, probe: "ProbeLevels | None" = None) -> FetchResult:
    """Execute a :class:`~trendlib.trends.plan.FetchPlan` (see :func:`fetch_trends` for the options).

    ``probe``: the probe the plan was made from; its calibrated whole-span pull is the pin when
    the plan says ``pin_from_probe``.
    """
    import pandas as pd

    from trendlib.trends.cache import TrendsCache, utc_today

    cache = cache if cache is not None else TrendsCache(cache_dir, offline=offline)
    day = dt.date.fromisoformat(str(fetch_day)[:10]) if fetch_day is not None else utc_today()
    runner = TrendsSource(client=client, cache=cache, fetch_day=day, samples=plan.samples, base_url=base_url,
                          min_interval=min_interval, backoff=backoff, max_wait=max_wait)
    entries = runner.resolve([series_request(r) for r in plan.requests], "fetch", check=_series_check)

    keys = [r.key() for r in plan.requests]
    n_used = min(len(entries[k]) for k in keys)
    sample_frames, infos, sample_meta = [], [], []
    for s in range(n_used):
        frames, days = {}, []
        for i, r in enumerate(plan.requests):
            e = entries[r.key()][-n_used:][s]
            frames[i] = parse_series(e, r)
            days.append(e.fetch_day)
        combined, info = _combine_sample(plan, frames, probe.frame if (probe and plan.pin_from_probe) else None)
        name = f"s{s + 1}"
        fetched_on = max(days)
        combined = combined.assign(sample=name, fetched_on=fetched_on)
        sample_frames.append(combined)
        infos.append({"sample": name, "fetched_on": fetched_on, **info})
        sample_meta.append({"sample": name, "fetched_on": fetched_on, "fetch_days": sorted(set(days))})
    if n_used < plan.samples:
        log.warning("%d of %d sample(s) available; rerun the fetch on %d more day(s) to add Google samples",
                    n_used, plan.samples, plan.samples - n_used)
    allsamples = pd.concat(sample_frames, ignore_index=True)
    if "geo" not in allsamples.columns:
        allsamples["geo"] = plan.geo
    from trendlib.trends.stitch import average_samples
    avg = average_samples(allsamples[["date", "query", "geo", "sample", "value", "is_partial", "below_one"]])
    google = runner.is_google
    source = GOOGLE_SOURCE if google else "non-google-server"
    frame, below = _mark_below_range(_tidy(avg, plan, source), plan)
    samples = _tidy_samples(allsamples, plan)

    request_records = []
    for r in plan.requests:
        request_records.append({
            "key": r.key(), "description": r.describe(), "purpose": r.purpose, "batch": r.batch,
            "window": r.window, "terms": list(r.terms), "timeframe": r.timeframe, "resolution": r.resolution,
            "fetches": [{"fetch_day": e.fetch_day, "fetched_at": e.fetched_at, "attempts": e.meta.get("attempts"),
                         "retries": len(e.meta.get("retries") or []), "url_base": e.meta.get("base_url"),
                         "cache_file": str(e.meta_path)} for e in entries[r.key()]]})
    prov = _provenance(plan, google=google, base_url=runner.data_url, description=description,
                       requests=request_records, samples=sample_meta, factors=infos)
    prov["below_range"] = below
    result = FetchResult(frame=frame, samples=samples, plan=plan, provenance=prov,
                         requests_sent=runner.requests_sent, from_cache=runner.from_cache, fetched=runner.fetched,
                         out=Path(out) if out is not None else None)
    if out is not None:
        write_outputs(result, out)
    return result


def _mark_below_range(frame: "pd.DataFrame", plan: "FetchPlan") -> tuple["pd.DataFrame", list[str]]:
    """Terms Google reported only as 0 or "<1" even next to their smallest anchor: below the measurable range.

    With several batches, such a term's rows keep the value Google gave (0, or the "<1"
    midpoint) and its bounds, and get ``below_one`` true: its level is not estimated, only
    bounded. Returns the frame and the terms (listed in the provenance as ``below_range``).
    """
    if len(plan.batches) < 2:
        return frame, []
    has = frame["value"].notna()
    tiny = (frame["value"] == 0) | frame["below_one"]
    g = (tiny | ~has).groupby(frame["query"]).all() & has.groupby(frame["query"]).any()
    below = [t for t in plan.terms if bool(g.get(t, False))]
    if below:
        log.warning("below the measurable range (0 or '<1' next to their smallest anchor): %s",
                    ", ".join(map(repr, below)))
        rows = frame["query"].isin(below) & has
        frame = frame.copy()
        frame.loc[rows, "below_one"] = True
    return frame, below


def _round(s: "pd.Series") -> "pd.Series":
    return s.astype(float).round(4).clip(lower=0.0, upper=100.0)


def _tidy(avg: "pd.DataFrame", plan: "FetchPlan", source: str) -> "pd.DataFrame":
    import pandas as pd
    out = pd.DataFrame({
        "date": pd.to_datetime(avg["date"]),
        "query": avg["query"].astype(str),
        "geo": avg["geo"].fillna(plan.geo).astype(str),
        "value": _round(avg["value"]),
        "value_low": _round(avg["value_low"]),
        "value_high": _round(avg["value_high"]),
        "n_samples": avg["n_samples"].astype(int),
        "is_partial": avg["is_partial"].astype(bool),
        "resolution": plan.resolution,
        "source": source,
        "below_one": avg["below_one"].astype(bool) if "below_one" in avg.columns else False,
    })
    order = {t: i for i, t in enumerate(plan.terms)}
    out["_o"] = out["query"].map(order)
    return out.sort_values(["_o", "date"], kind="stable").drop(columns="_o").reset_index(drop=True)


def _tidy_samples(allsamples: "pd.DataFrame", plan: "FetchPlan") -> "pd.DataFrame":
    import pandas as pd
    b1 = allsamples["below_one"].fillna(False).astype(bool)
    value = allsamples["value"].astype(float).where(~b1, 0.0)  # '<1' is stored as 0 (as Google reported it)
    out = pd.DataFrame({
        "date": pd.to_datetime(allsamples["date"]), "query": allsamples["query"].astype(str),
        "geo": allsamples["geo"].fillna(plan.geo).astype(str), "sample": allsamples["sample"],
        "fetched_on": allsamples["fetched_on"], "value": _round(value), "below_one": b1,
        "is_partial": allsamples["is_partial"].fillna(False).astype(bool), "resolution": plan.resolution})
    return out.reset_index(drop=True)


def _provenance(plan: "FetchPlan", *, google: bool, base_url: str, description: str, requests: list[dict[str, Any]],
                samples: list[dict[str, Any]], factors: list[dict[str, Any]]) -> dict[str, Any]:
    from importlib import metadata

    import trendlib
    span = (f"{plan.start:%Y-%m-%dT%H}", f"{plan.end:%Y-%m-%dT%H}") if plan.resolution == "hour" else \
        (f"{plan.start:%Y-%m-%d}", f"{plan.end:%Y-%m-%d}")
    terms = ", ".join(repr(t) for t in plan.terms)
    desc = description or (f"Google Trends {plan.resolution} index of {len(plan.terms)} term(s) ({terms}) in "
                           f"{plan.geo or 'worldwide'}, {span[0]} to {span[1]}, all terms on one scale "
                           "(max 100), averaged over Google samples.")
    notes = [f"{len(samples)} Google sample(s) (fetch days {', '.join(s['fetched_on'] for s in samples)}); "
             "value_low/value_high are the range across samples.",
             "Values are relative index points (max 100 over all terms and the span), not numbers of searches.",
             "'<1' is kept in below_one (value shown at the stitched midpoint), no data is an empty value, "
             "is_partial marks the period still running when fetched."]
    if not google:
        notes.insert(0, f"NOT GOOGLE: fetched from {base_url}, a server other than Google Trends (e.g. trendlib's "
                        "fake server, whose numbers are simulated). Marked illustrative; do not publish as real.")
    try:
        pyt = metadata.version("pytrends")
    except metadata.PackageNotFoundError:  # pragma: no cover
        pyt = "not installed"
    return {
        "source": GOOGLE_SOURCE if google else f"non-google-server {base_url}",
        "illustrative": not google,
        "description": desc,
        "citation": CITATION if google else f"simulated/other server at {base_url}; not Google Trends data",
        "licence": LICENCE if google else "",
        "notes": " ".join(notes),
        "terms": list(plan.terms), "geo": plan.geo, "span": {"start": span[0], "end": span[1]},
        "resolution": plan.resolution, "category": plan.category, "gprop": plan.gprop,
        "anchor": plan.anchor, "batches": [list(b) for b in plan.batches], "batching": plan.batching,
        "ladder_links": [{"batch_a": a, "batch_b": b, "anchors": list(t)} for a, b, t in plan.links],
        "probe_levels": dict(plan.levels), "probe_peaks": dict(plan.peaks),
        "repulls": [{"window": r.window, "batch": r.batch, "dropped": r.dropped, "added": r.added,
                     "terms": list(r.terms), "reason": r.reason} for r in plan.repulls],
        "windows": [[f"{a}", f"{b}"] for a, b in plan.windows], "pin_resolution": plan.pin_resolution,
        "samples_wanted": plan.samples, "n_samples_used": len(samples), "samples": samples,
        "base_url": base_url, "pytrends_version": pyt, "trendlib_version": trendlib.__version__,
        "requests": requests, "factors": factors,
        "retrieved_at": max((f["fetched_at"] for r in requests for f in r["fetches"]), default=""),
    }


def write_outputs(result: FetchResult, out: str | Path) -> Path:
    """Write the tidy CSV, ``<stem>.provenance.json``, ``<stem>.samples.csv`` and its provenance as one set."""
    from trendlib.acquire.provenance import provenance_json
    from trendlib.provenance import sidecar_path
    out = Path(out)
    f = result.frame.copy()
    f["date"] = _date_text(f["date"], result.plan.resolution)
    s = result.samples.copy()
    s["date"] = _date_text(s["date"], result.plan.resolution)
    samples_out = out.with_name(out.stem + ".samples.csv")
    per_sample = dict(result.provenance, description="The same pull, one series per Google sample (fetch day), "
                      "before averaging; each sample on its own scale (max 100).", derived_from=[{"file": out.name}])
    write_with_provenance(out, f[OUTPUT_COLUMNS], result.provenance,  # one set: all four files or the earlier four
                          companions={samples_out: s[SAMPLE_COLUMNS],
                                      sidecar_path(samples_out): provenance_json(per_sample)})
    return out


def _date_text(dates: "pd.Series", resolution: str) -> "pd.Series":
    import pandas as pd
    d = pd.to_datetime(dates)
    return d.dt.strftime("%Y-%m-%dT%H:00:00" if resolution == "hour" else "%Y-%m-%d")


def fetch_trends(terms: str | Sequence[str], *, geo: str, start: Any, end: Any, resolution: str = "auto",
                 category: int = 0, gprop: str = "", anchor: str | None = None, samples: int = 1,
                 out: str | Path | None = None, client: "TrendsClient | None" = None,
                 cache: "TrendsCache | None" = None, base_url: str | None = None,
                 min_interval: float | None = None, backoff: float | None = None,
                 cache_dir: str | Path | None = None, offline: bool | None = None,
                 fetch_day: dt.date | str | None = None, description: str = "",
                 overlap_days: int | None = None, max_wait: float | None = None,
                 batching: str = "magnitude") -> FetchResult:
    """Fetch ``terms`` in ``geo`` from ``start`` to ``end`` as one calibrated, stitched series.

    Parameters (keyword-only)
    -------------------------
    geo, start, end, resolution, category, gprop, anchor, samples, overlap_days : as in
        :func:`trendlib.trends.plan.make_plan` (dates inclusive, UTC; ``resolution="day"`` works
        over any span; with > 5 terms and no anchor, a probe pull measures every term's rough level).
    batching : ``'magnitude'`` (default): with more than 5 terms and no ``anchor``, the probe's
        levels, peaks and peak dates build a ladder of batches of neighbours in level (plus
        re-pulls of windows a spike swamps), calibrated jointly through all shared anchors
        (:func:`trendlib.trends.stitch.calibrate_ladder`). ``'typed'``: the original plan, one
        anchor chosen from the probe in every batch, terms in the typed order (for comparison).
    out : write the tidy CSV here, plus ``<stem>.provenance.json`` and ``<stem>.samples.csv``.
    client : a :class:`~trendlib.trends.client.TrendsClient` (default: one built from
        ``base_url``, ``min_interval``, ``backoff`` and the environment).
    cache / cache_dir / offline : the :class:`~trendlib.trends.cache.TrendsCache` (default folder
        ``TRENDLIB_CACHE_DIR`` or ``.trendlib-cache``; offline from ``TRENDLIB_OFFLINE``).
    fetch_day : the UTC day the requests count as fetched on (default: today, UTC). Only
        simulations against the fake server should set it.
    max_wait : seconds the whole fetch may spend waiting on Google (backoff, ``Retry-After``,
        failed tries; default ``TRENDLIB_MAX_WAIT`` or 300). Past it the fetch stops with
        :class:`~trendlib.trends.errors.WaitExceeded`, naming what is cached and what remains.
        Used when no ``client`` is given (a client carries its own bound).

    Returns a :class:`FetchResult`. Raises :class:`~trendlib.trends.errors.BadRequest` for bad
    inputs (before sending anything), :class:`~trendlib.trends.errors.OfflineMiss`, and the
    client's typed errors, which list the requests done (cached) and remaining: rerun to resume.
    """
    from trendlib.trends.cache import TrendsCache
    from trendlib.trends.client import TrendsClient
    from trendlib.trends.plan import DEFAULT_OVERLAP_DAYS, make_plan

    kw = dict(geo=geo, start=start, end=end, resolution=resolution, category=category, gprop=gprop,
              samples=samples, overlap_days=overlap_days if overlap_days is not None else DEFAULT_OVERLAP_DAYS)
    plan = make_plan(terms, anchor=anchor, batching=batching, **kw)
    cache = cache if cache is not None else TrendsCache(cache_dir, offline=offline)
    if client is None:  # one client (one rate limiter) for the probe and the fetch; sends nothing yet
        client = TrendsClient(base_url=base_url, min_interval=min_interval, backoff=backoff, max_wait=max_wait)
    probe = None
    if len(plan.batches) > 1 and anchor is None:
        probe = probe_levels(plan, client=client, cache=cache, base_url=base_url, min_interval=min_interval,
                             backoff=backoff, fetch_day=fetch_day, max_wait=max_wait)
        plan = plan_from_probe(plan, probe, terms, batching, kw)
    if plan.pin_from_probe and probe is None:
        raise AssertionError("a plan pinned to its probe needs the probe")  # pragma: no cover
    return fetch_plan(plan, out=out, client=client, cache=cache, base_url=base_url, min_interval=min_interval,
                      probe=probe,
                      backoff=backoff, fetch_day=fetch_day, description=description, max_wait=max_wait)


def plan_from_probe(plan: "FetchPlan", probe: "ProbeLevels | None", terms: Any, batching: str,
                     kw: dict[str, Any]) -> "FetchPlan":
    """The plan rebuilt from the probe: the ladder (magnitude) or the anchor rounding hurts least (typed)."""
    from trendlib.trends.plan import choose_anchor, make_plan

    if probe is None:
        return plan
    if batching == "typed":
        chosen = choose_anchor({t: probe.levels.get(t, 0.0) for t in plan.terms})
        if chosen != plan.anchor:
            log.info("anchor chosen from the probe pull: %r (instead of %r)", chosen, plan.anchor)
            return make_plan(terms, anchor=chosen, batching="typed", **kw)
        return plan
    return make_plan(terms, batching="magnitude", levels=probe.levels, peaks=probe.peaks,
                     peak_dates=probe.peak_dates, pin_pulls=False, **kw)


@dataclass(frozen=True)
class ProbeLevels:
    """Rough level (mean), peak (max) and peak date of every term on one scale, from coarse whole-span pulls."""

    levels: dict[str, float]
    peaks: dict[str, float]
    peak_dates: dict[str, dt.date]
    frame: Any = None  # the calibrated probe pull (tidy, one scale), the pin of a magnitude plan


def probe_levels(plan: "FetchPlan", *, client: "TrendsClient | None", cache: "TrendsCache",
                 base_url: str | None, min_interval: float | None, backoff: float | None,
                 fetch_day: Any, max_wait: float | None = None) -> ProbeLevels | None:
    """Rough levels of all terms from coarse whole-span pulls (the *probe*); None when it cannot calibrate.

    1. one coarse pull of the first 5 terms gives their relative levels; the largest of them
       becomes the probe's anchor (it is measured precisely, whatever the others);
    2. one coarse pull per batch through that probe anchor puts every term on one rough scale.
       A period Google reports as "<1" counts at the middle of its bounds, so a term far below
       the probe anchor still gets a small level (and sorts to the bottom of the ladder); a term
       reported 0 throughout gets level 0.

    Costs ``1 + number of batches`` coarse requests (cached like any other).
    """
    from trendlib.trends.cache import utc_today
    from trendlib.trends.errors import StitchError
    from trendlib.trends.plan import MAX_TERMS, make_plan
    from trendlib.trends.stitch import calibrate_batches

    day = dt.date.fromisoformat(str(fetch_day)[:10]) if fetch_day is not None else utc_today()
    runner = TrendsSource(client=client, cache=cache, fetch_day=day, samples=1, base_url=base_url,
                          min_interval=min_interval, backoff=backoff, max_wait=max_wait)
    common = dict(geo=plan.geo, start=plan.start, end=plan.end, resolution="auto", category=plan.category,
                  gprop=plan.gprop, samples=1)
    first = make_plan(list(plan.terms[:MAX_TERMS]), **common)
    got = runner.resolve([series_request(r) for r in first.requests], "probe", check=_series_check)
    r0 = first.requests[0]
    levels0 = parse_series(got[r0.key()][-1], r0).groupby("query")["value"].mean().fillna(0.0)
    probe_anchor = str(levels0.idxmax()) if (levels0 > 0).any() else plan.terms[0]
    probe = make_plan(list(plan.terms), anchor=probe_anchor, batching="typed", **common)
    entries = runner.resolve([series_request(r) for r in probe.requests], "probe", check=_series_check)
    frames = [parse_series(entries[r.key()][-1], r) for r in probe.requests]
    try:
        cal = calibrate_batches(frames, anchor=probe_anchor).frame
    except StitchError as exc:
        log.warning("probe calibration failed (%s); keeping the plan's order", exc)
        return None
    point = cal["value"].where(~cal["below_one"], (cal["value_low"] + cal["value_high"]) / 2).fillna(0.0)
    cal = _refine_faint(cal.assign(point=point), frames, probe, runner, common)
    g = cal.groupby("query")["point"]
    levels = {t: float(g.mean().get(t, 0.0)) for t in plan.terms}
    if not any(v > 0 for v in levels.values()):
        raise NoData(f"the probe pull found no data for any of {list(plan.terms)} in {plan.geo or 'worldwide'}")
    peaks = {t: float(g.max().get(t, 0.0)) for t in plan.terms}
    when = cal.loc[g.idxmax().dropna().astype(int)].set_index("query")["date"]
    peak_dates = {t: when[t].date() for t in plan.terms if t in when.index}
    log.info("probe levels (one rough scale): %s", ", ".join(f"{t}={levels[t]:.3g}" for t in plan.terms))
    pin = cal.drop(columns=[c for c in ("point", "batch") if c in cal.columns]).reset_index(drop=True)
    return ProbeLevels(levels=levels, peaks=peaks, peak_dates=peak_dates, frame=pin)


#: a probe term reported below this many points on average is re-probed next to a smaller anchor
FAINT_POINTS = 3.0


def _refine_faint(cal: "pd.DataFrame", frames: list["pd.DataFrame"], probe: "FetchPlan", runner: Any,
                  common: dict[str, Any]) -> "pd.DataFrame":
    """Re-probe the terms the star probe rounds to 0-2 points next to the smallest well-measured term.

    Next to the probe anchor (the largest term) terms 100x smaller read "<1" or 1-2 points and
    cannot be told apart; one more coarse pull per 4 such terms, through the smallest term
    measured at >= 5 points, orders them. Their probe values are rescaled through that anchor
    (ratio of sums over the span). Costs ``ceil(faint / 4)`` coarse requests, none when no term is faint.
    """
    import pandas as pd

    from trendlib.trends.errors import StitchError
    from trendlib.trends.plan import make_plan
    from trendlib.trends.stitch import calibrate_batches

    pts = pd.concat(frames).groupby("query")["value"].mean()
    faint = [t for t in probe.terms if t != probe.anchor and pts.get(t, 0.0) < FAINT_POINTS]
    strong = [t for t in probe.terms if pts.get(t, 0.0) >= 5 and t not in faint]
    if not faint or not strong:
        return cal
    means = cal.groupby("query")["point"].mean()
    ref = min(strong, key=lambda t: means.get(t, 0.0))
    plan = make_plan([ref, *faint], anchor=ref, batching="typed", **common) if len(faint) > 4 else \
        make_plan([ref, *faint], **common)
    entries = runner.resolve([series_request(r) for r in plan.requests], "probe (faint terms)", check=_series_check)
    pulls = [parse_series(entries[r.key()][-1], r) for r in plan.requests]
    try:
        sub = calibrate_batches(pulls, anchor=ref).frame if len(pulls) > 1 else pulls[0]
    except StitchError as exc:
        log.warning("faint-term probe failed (%s); keeping the star probe's levels", exc)
        return cal
    sub_pt = sub["value"].where(~sub["below_one"], 0.5).fillna(0.0)
    sub = sub.assign(point=sub_pt)
    k = float(cal.loc[cal["query"] == ref, "point"].sum()) / max(float(sub.loc[sub["query"] == ref, "point"].sum()),
                                                                1e-12)
    rescaled = sub[sub["query"].isin(faint)].assign(point=lambda d: d["point"] * k, value=lambda d: d["value"] * k,
                                                    value_low=lambda d: d["value_low"] * k,
                                                    value_high=lambda d: d["value_high"] * k)
    log.info("re-probed %d faint term(s) through %r", len(faint), ref)
    return pd.concat([cal[~cal["query"].isin(faint)], rescaled[cal.columns.intersection(rescaled.columns)]],
                     ignore_index=True)
