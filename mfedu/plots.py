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


def stars_from_opinions(axes, score: float, opinions, thresholds, sigma: float,
                        title_one: str = "One rating", title_all: str = "All ratings"):
    """Notebook 00's figure of eq. (2), r = 1 + #{j : z > t_j}: opinions cut into stars.

    Left (``axes[0]``): the density N(score, sigma^2) of one opinion z = s* + eps, each stretch
    between cut points shaded in the colour of the star it gives and labelled with its chance
    Phi((t_j - s*) / sigma) - Phi((t_{j-1} - s*) / sigma); s* dotted. Right (``axes[1]``): the
    histogram of all ``opinions`` as a density (bins never straddle a cut point), coloured the
    same way and labelled with each star's share. The cut points ``thresholds`` t_1 < ... < t_J
    are dashed on both. Returns the chances of 1..J+1 stars for ``score`` (the left labels).
    """
    from scipy.special import ndtr

    t = np.asarray(thresholds, dtype=float)
    z = np.asarray(opinions, dtype=float)
    cuts = np.r_[-np.inf, t, np.inf]                           # star j: cuts[j-1] < z <= cuts[j]
    chances = np.diff(ndtr((cuts - score) / sigma))
    n_stars = len(t) + 1
    colors = mpl.colormaps["viridis"](np.linspace(0.05, 0.95, n_stars))
    low, high = min(z.min(), score - 4 * sigma, t[0]), max(z.max(), score + 4 * sigma, t[-1])
    low, high = max(low, t[0] - 2.0), min(high, t[-1] + 2.5)   # the tails beyond say nothing new
    grid = np.linspace(low, high, 1301)
    curve = np.exp(-0.5 * ((grid - score) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))
    bins = np.unique(np.r_[np.linspace(low, high, 57), t])      # no bin straddles a cut
    height = np.histogram(z, bins=bins)[0] / np.diff(bins) / len(z)   # a density: bins differ in width
    star_of_bin = np.searchsorted(t, bins[:-1], side="right")   # 0 .. J
    for j in range(n_stars):
        label = f"{j + 1} star{'s' if j else ''}"
        axes[0].fill_between(grid, curve, where=(grid > cuts[j]) & (grid <= cuts[j + 1]),
                             color=colors[j], label=f"{label}: {chances[j]:.0%}")
        mine = star_of_bin == j
        axes[1].bar(bins[:-1][mine], height[mine], width=np.diff(bins)[mine], align="edge",
                    color=colors[j], label=f"{label}: {np.mean(np.searchsorted(t, z, side='left') == j):.0%}")
    axes[0].plot(grid, curve, color="black", linewidth=2)
    axes[0].axvline(score, color="black", linestyle=":", label=f"$s^*$ = {score:.2f}")
    for ax, title in zip(axes, (title_one, title_all)):
        for j, tj in enumerate(t, start=1):
            ax.axvline(tj, color="grey", linestyle="--", linewidth=1.5)
            ax.annotate(f"$t_{j}$", (tj, 1.0), xycoords=("data", "axes fraction"), ha="center", va="bottom")
        ax.set(xlim=(low, high), xlabel="opinion $z_{ui}$", ylabel="probability density", title=title + "\n")
        ax.legend(loc="upper left", fontsize=11)
    return chances


def count_histogram(ax, counts, reference=None, reference_label: str = "reference",
                    title: str = "Play counts"):
    """Notebook 00's figure of play counts: a density histogram on log-log axes.

    Bins are log-spaced with edges between whole numbers; the height is pairs in a bin divided
    by its width (pairs per unit of count), so wide bins are not favoured. ``reference``, if
    given, holds the expected number of pairs at each count 1, 2, ..., max(counts) under some
    other model (e.g. one Poisson rate for all); it is binned the same way and drawn as a line.
    The median and the 99th percentile are vertical lines; the legend sits outside the axes.
    """
    counts = np.asarray(counts, dtype=float)
    edges = np.unique(np.round(np.logspace(0, np.log10(counts.max() + 1), 25))) - 0.5
    ax.stairs(np.histogram(counts, bins=edges)[0] / np.diff(edges), edges, fill=True, color=TRAIN,
              label="the play counts")
    if reference is not None:
        every = np.arange(1, len(reference) + 1)
        binned = np.histogram(every, bins=edges, weights=np.asarray(reference, dtype=float))[0]
        ax.stairs(np.maximum(binned / np.diff(edges), 1e-30), edges, baseline=None, color=TEST,
                  linewidth=2.5, label=reference_label)
    for q, label, style in ((50, "median", "--"), (99, "99th percentile", "-.")):
        value = np.percentile(counts, q)
        ax.axvline(value, color="black", linestyle=style, linewidth=1.5, label=f"{label} ({value:.0f})")
    ax.set(xscale="log", yscale="log", ylim=(1e-3, 1e5), xlabel="plays of one film by one user (log scale)",
           ylabel="density: pairs per unit\nof count (log scale)", title=title)
    ax.minorticks_off()
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))      # outside the plot: no bar hidden
