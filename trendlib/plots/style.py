"""House style shared by every trendlib figure.

* :data:`PALETTE` - colour-blind-safe (Okabe-Ito) colours, in order of use.
* :func:`apply_style` - rcParams for column-width figures (call once per figure function,
  inside ``with apply_style():``).
* :func:`finish` - title, source line (bottom left) and the ILLUSTRATIVE mark (a
  prominent label and a suffix on the title) when any input is simulated.
"""
from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

#: Okabe-Ito palette, safe for the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
EVENT_COLOR = "#555555"
ILLUSTRATIVE_COLOR = "#B8860B"
COLUMN_WIDTH_IN = 7.0  # a figure this wide stays legible at newspaper column width

_RC = {
    "font.size": 9.5,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "svg.hashsalt": "trendlib",
}


@contextlib.contextmanager
def apply_style() -> Iterator[None]:
    """Temporarily apply trendlib's rcParams (does not leak into the caller's figures)."""
    import matplotlib as mpl

    with mpl.rc_context(_RC):
        yield


#: what the mark calls each simulated input (keys: signals of trendlib.signals, or provenance roles)
_MARK_NAMES = {"google-trends": "GOOGLE TRENDS", "wikipedia-pageviews": "WIKIPEDIA PAGEVIEWS",
               "crossings": "BORDER-CROSSING FIGURES", "events": "EVENTS", "facts": "PUBLISHED FIGURES"}
#: provenance role -> the signal its file holds
_ROLE_SIGNALS = {"trends": "google-trends", "pageviews": "wikipedia-pageviews"}
#: the mark when what a chart draws is real but another input of the study is simulated
OTHER_INPUTS = "other inputs"


def illustrative_mark(illustrative) -> str:
    """The mark's text, naming the simulated series a chart draws.

    ``illustrative`` is ``True`` (the search series: "... NOT REAL GOOGLE TRENDS"), a signal name
    (``"wikipedia-pageviews"``: "... NOT REAL WIKIPEDIA PAGEVIEWS") or a list of them, as returned by
    :func:`mark_for`; :data:`OTHER_INPUTS` when the drawn series are real but another input is not.
    """
    sources = ["google-trends"] if illustrative is True else (
        [illustrative] if isinstance(illustrative, str) else list(illustrative))
    if not sources or sources == [OTHER_INPUTS]:
        return "ILLUSTRATIVE: SOME INPUTS OF THIS STUDY ARE SIMULATED"
    names = [_MARK_NAMES.get(x, str(x).upper()) for x in sources if x != OTHER_INPUTS]
    return "ILLUSTRATIVE DATA: SIMULATED, NOT REAL " + " OR ".join(dict.fromkeys(names))


def mark_for(provenance, *signals: str):
    """What the ILLUSTRATIVE mark of a chart drawing ``signals`` must name, from the study's provenance.

    ``provenance`` is the list of input records (``role``, ``illustrative``; see
    :attr:`trendlib.report.Exhibits.provenance`); ``signals`` the series the chart draws
    (``"google-trends"``, ``"wikipedia-pageviews"``, ``"crossings"``). Returns ``False`` when no input is
    simulated, else the drawn signals that are simulated, or ``[OTHER_INPUTS]`` when only other inputs
    are: pass it as ``illustrative=`` to any plot function.
    """
    simulated = {_ROLE_SIGNALS.get(p.get("role"), p.get("role")) for p in provenance if p.get("illustrative")}
    if not simulated:
        return False
    return [x for x in signals if x in simulated] or [OTHER_INPUTS]


def finish(fig, *, title: str, source: str, illustrative=False, note: str = "") -> None:
    """Give ``fig`` its title, source line and, if ``illustrative``, the ILLUSTRATIVE mark.

    ``title`` should state the finding or what is shown ("Searches for 'visa' jumped in
    the week of the invasion"), ``source`` where the numbers come from. ``illustrative``: ``False``,
    ``True`` (the search series is simulated) or what :func:`mark_for` returns, so that the mark names
    the simulated series ("NOT REAL WIKIPEDIA PAGEVIEWS" on a pageviews chart).
    """
    mark = illustrative_mark(illustrative) if illustrative else ""
    if illustrative:
        title = f"ILLUSTRATIVE (simulated data): {title}"
    fig.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold")
    text = _wrap(f"Source: {source}")
    if note:
        text += "\n" + _wrap(note)
    if illustrative:  # its own line above the source, so it never overlaps it
        text = mark + "\n" + text
    label = fig.text(0.01, 0.0, text, ha="left", va="top", fontsize=7.5, color="#444444")
    if illustrative:
        label.set_color("#444444")
        fig.text(0.01, 0.0, mark, ha="left", va="top",
                 fontsize=7.5, fontweight="bold", color=ILLUSTRATIVE_COLOR,
                 bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})


def _wrap(text: str, width: int = 125) -> str:
    """Wrap every line of a note so the figure keeps its width (a long line would widen it)."""
    import textwrap

    return "\n".join(textwrap.fill(line, width) if len(line) > width else line for line in text.split("\n"))


def show(fig, *, dpi: int = 110) -> None:
    """Display a figure in a notebook as an embedded PNG (works for bare Figures, without pyplot).

    ``fig`` is a :class:`matplotlib.figure.Figure`, or the path of a PNG already saved
    (e.g. the one :meth:`trendlib.Exhibits.save_figure` returns), which avoids drawing the
    figure again. trendlib builds figures as bare Figure objects, not through pyplot, so
    nothing is drawn twice and no global figure state is kept; this puts the picture in the
    cell's output, where the HTML pages embed it.
    """
    from IPython.display import Image, display

    if isinstance(fig, (str, bytes)) or hasattr(fig, "__fspath__"):
        from PIL import Image as PILImage

        with PILImage.open(fig) as im:
            width_px, _ = im.size
            file_dpi = (im.info.get("dpi") or (150, 150))[0]
        # show at its physical size at `dpi`, however finely it was saved
        display(Image(filename=str(fig), width=int(round(width_px * dpi / float(file_dpi)))))
        return
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    display(Image(data=buf.getvalue()))
