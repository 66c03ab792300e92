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


def finish(fig, *, title: str, source: str, illustrative: bool = False, note: str = "") -> None:
    """Give ``fig`` its title, source line and, if ``illustrative``, the ILLUSTRATIVE mark.

    ``title`` should state the finding or what is shown ("Searches for 'visa' jumped in
    the week of the invasion"), ``source`` where the numbers come from.
    """
    if illustrative:
        title = f"ILLUSTRATIVE (simulated data): {title}"
    fig.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold")
    text = _wrap(f"Source: {source}")
    if note:
        text += "\n" + _wrap(note)
    if illustrative:  # its own line above the source, so it never overlaps it
        text = "ILLUSTRATIVE DATA: SIMULATED, NOT REAL GOOGLE TRENDS\n" + text
    label = fig.text(0.01, 0.0, text, ha="left", va="top", fontsize=7.5, color="#444444")
    if illustrative:
        label.set_color("#444444")
        fig.text(0.01, 0.0, "ILLUSTRATIVE DATA: SIMULATED, NOT REAL GOOGLE TRENDS", ha="left", va="top",
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
