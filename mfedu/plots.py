"""One figure style for the whole collection: readable from the back of a classroom.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies); train is
always blue and test always vermilion, the oracle (best achievable) a black dotted line, and a
previous run is drawn in the same colours, faded and dashed ("ghost").
"""
from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

TRAIN = "#0072B2"      # blue
TEST = "#D55E00"       # vermilion
ORACLE = "#000000"
ACCENT = "#009E73"     # bluish green
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
GHOST = dict(alpha=0.35, linestyle="--")

STYLE = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "font.size": 14,
    "axes.titlesize": 16,
    "axes.labelsize": 14,
    "legend.fontsize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "lines.linewidth": 2.5,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "image.cmap": "viridis",
}


def use_style() -> None:
    """Apply the collection's matplotlib style (call once at the top of a notebook)."""
    mpl.rcParams.update(STYLE)


def curve(ax, x, y, color: str, label: str | None = None, ghost: bool = False, **kwargs):
    """Draw one curve; ``ghost=True`` draws it faded and dashed, labelled '(previous)'."""
    if ghost:
        kwargs = {**GHOST, **kwargs}
        label = f"{label} (previous)" if label else None
    return ax.plot(x, y, color=color, label=label, **kwargs)


def oracle_line(ax, value: float, label: str = "oracle (best achievable)"):
    """A horizontal dotted line at the best error any method can expect on this data."""
    return ax.axhline(value, color=ORACLE, linestyle=":", linewidth=2, label=f"{label} {value:.3f}")


def rating_histogram(ax, values, title: str = "How often each star is given"):
    """Bar chart of the share of each star value 1..5."""
    stars = np.arange(1, 6)
    share = np.array([(np.asarray(values) == s).mean() for s in stars])
    ax.bar(stars, 100 * share, color=TRAIN)
    for s, p in zip(stars, share):
        ax.text(s, 100 * p + 0.8, f"{100 * p:.0f}%", ha="center", fontsize=12)
    ax.set(xlabel="rating (stars)", ylabel="share of ratings (%)", title=title, xticks=stars,
           ylim=(0, 100 * share.max() * 1.18))                   # room for the labels
    ax.grid(axis="x", visible=False)


def long_tail(ax, counts, what: str = "items", color: str = TRAIN):
    """Entries per user or item, sorted from most to least: the long tail."""
    counts = np.sort(np.asarray(counts))[::-1]
    ax.plot(np.arange(1, len(counts) + 1), counts, color=color)
    ax.set(xlabel=f"{what}, most active first (rank)", ylabel="number of ratings",
           title=f"Ratings per {what.rstrip('s')}: a long tail")


def spy(ax, ratings, max_users: int = 200, max_items: int = 400,
        title: str = "Which cells are observed"):
    """A dot for each observed cell of the first users x items (sorted by activity)."""
    users = np.argsort(-ratings.user_counts(), kind="stable")[:max_users]
    items = np.argsort(-ratings.item_counts(), kind="stable")[:max_items]
    R = ratings.to_csr()[users][:, items]
    ax.spy(R, markersize=0.6, color="black", aspect="auto")
    ax.xaxis.set_ticks_position("bottom")                          # spy puts them on top
    def which(n_shown, n_all, most):
        return f"all {n_all}, {most} first" if n_shown == n_all else f"the {n_shown} {most}"
    ax.set(xlabel=f"items ({which(len(items), ratings.n_items, 'most rated')})",
           ylabel=f"users ({which(len(users), ratings.n_users, 'most active')})", title=title)
    ax.grid(False)


def heatmap(ax, M, row_labels=None, col_labels=None, title: str | None = None, fmt: str = "{:.1f}",
            cmap: str = "RdYlBu", vmin: float | None = None, vmax: float | None = None):
    """A small matrix with its numbers written in the cells; NaN cells are grey and blank.

    Numbers are white on dark cells and black on light ones, so they stay readable on a projector.
    """
    M = np.asarray(M, dtype=float)
    cm = mpl.colormaps[cmap].copy()
    cm.set_bad("#B0B0B0")
    im = ax.imshow(np.ma.masked_invalid(M), cmap=cm, vmin=vmin, vmax=vmax)
    for (r, c), v in np.ndenumerate(M):
        if np.isfinite(v):
            red, green, blue, _ = cm(im.norm(v))
            light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5      # luma of the cell
            ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=12,
                    color="black" if light else "white")
    ax.set_xticks(range(M.shape[1]), col_labels if col_labels is not None else range(M.shape[1]),
                  rotation=30, ha="right")
    ax.set_yticks(range(M.shape[0]), row_labels if row_labels is not None else range(M.shape[0]))
    ax.grid(False)
    if title:
        ax.set_title(title)
    return im


def spectrum(ax, s, rank: int | None = None, title: str = "Singular values"):
    """sigma_j against j on a log scale, with the first ``rank`` highlighted."""
    s = np.asarray(s)
    j = np.arange(1, len(s) + 1)
    ax.semilogy(j, s, color=TRAIN, label=r"$\sigma_j$")
    if rank:
        ax.semilogy(j[:rank], s[:rank], "o", color=TEST, markersize=5, label=f"kept (k = {rank})")
    ax.set(xlabel="index j", ylabel=r"$\sigma_j$ (log scale)", title=title)
    ax.minorticks_off()   # unlabelled minor ticks on a log axis add clutter and drawing time
    ax.legend()


def new_figure(ncols: int = 1, width: float | None = None, height: float | None = None):
    """A figure with ``ncols`` axes side by side, in the collection's style."""
    w = width or (8.0 if ncols == 1 else 6.0 * ncols)
    fig, axes = plt.subplots(1, ncols, figsize=(w, height or 4.5), layout="constrained")
    return fig, axes
