"""ALS benchmarks: speed against a per-row loop and against `implicit`, accuracy against the oracle.

    python benchmarks/als.py              # everything (about a minute on 1 core)
    python benchmarks/als.py --repeats 7  # more timing repeats

Numbers, not pass/fail: each target is printed beside its measurement. Every timing runs on
ONE thread (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS are set before numpy is imported, and
threadpoolctl limits them again if installed), and every ratio compares two timings taken in
the same run, interleaved, so that a busy machine slows both sides alike; the range over the
repeats is printed too. The optional comparison library is in benchmarks/requirements.txt.
"""
from __future__ import annotations

import one_thread  # noqa: F401  (first: numpy's BLAS on one thread)

import argparse
import inspect
import time

import numpy as np

from mfedu import als, metrics
from mfedu.data import load_synthetic, train_test_split
from mfedu.result import FitResult
from mfedu.synthetic import make_synthetic


def timed(f, repeats):
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        out.append(time.perf_counter() - start)
    return np.array(out)


def ratio_line(name, a, b, target):
    r = a / b
    return (f"{name}: {np.median(a) * 1e3:7.1f} ms vs {np.median(b) * 1e3:7.1f} ms, ratio "
            f"{np.median(r):.2f} (range {r.min():.2f}-{r.max():.2f}); target {target}")


def explicit_speed(repeats):
    print("== explicit ALS, rank 20, ALS-WR, synthetic 80/20 split (80,000 training ratings)")
    train, _ = train_test_split(load_synthetic("explicit"), 0.2, seed=0)
    R_u = train.to_csr()
    R_i = R_u.T.tocsr()
    k, lam = 20, als.DEFAULT_LAM[True]
    w_u, w_i = np.diff(R_u.indptr), np.diff(R_i.indptr)
    Y0 = 0.1 * np.random.default_rng(0).standard_normal((train.n_items, k))   # als_explicit's start

    def stacked():           # one sweep of the trainer; its history's seconds time the half-steps only
        return als.als_explicit(train, rank=k, lam=lam, n_iters=1, seed=0).history["seconds"][0]

    def loop():              # the readable half-step: one user_step per row
        X = als.half_step(R_u, Y0, lam * w_u)
        als.half_step(R_i, X, lam * w_i)

    t_stack, t_loop = np.empty(repeats), np.empty(repeats)
    for j in range(repeats):                      # interleaved
        t_loop[j] = timed(loop, 1)[0]
        t_stack[j] = stacked()
    print(ratio_line("per sweep, readable half_step loop / stacked (als_explicit)", t_loop, t_stack, ">= 1.75"))
    # flops of one sweep, both sides: Gram matrices 2 |Omega| k^2, right-hand sides 2 |Omega| k,
    # one LU solve per row (2/3 k^3 + 2 k^2)
    rows = train.n_users + train.n_items
    flops = 2 * (2 * len(train) * k * k + 2 * len(train) * k) + rows * (2 / 3 * k ** 3 + 2 * k * k)
    A = np.random.default_rng(1).standard_normal((1000, 1000))
    t_gemm = timed(lambda: A @ A, repeats).min()
    gflops = flops / np.median(t_stack) / 1e9
    print(f"stacked sweep: {flops / 1e6:.0f} MFLOP -> {gflops:.2f} GFLOP/s; per-row loop "
          f"{flops / np.median(t_loop) / 1e9:.2f} GFLOP/s; GEMM 1000 x 1000 on this machine "
          f"(1 thread): {2e9 / t_gemm / 1e9:.1f} GFLOP/s, so the sweep runs at "
          f"{gflops / (2 / t_gemm):.1%} of GEMM speed")


def explicit_accuracy():
    print("\n== biased explicit ALS on the synthetic 80/20 split: test RMSE vs the oracle")
    data = make_synthetic()
    train, test = train_test_split(data.explicit, 0.2, seed=0)
    oracle = data.truth.oracle_rmse(test)
    mean = float(np.sqrt(np.mean((test.values - train.values.mean()) ** 2)))
    print(f"oracle {oracle:.4f}, predicting the training mean {mean:.4f}")

    def line(label, model):
        t = model.history["test_rmse"][-1]
        print(f"{label:52s} test RMSE {t:.4f} = oracle {t / oracle - 1:+.1%}; closes "
              f"{(mean - t) / (mean - oracle):.0%} of the gap mean -> oracle")

    line("defaults, unbiased: als_explicit(train)", als.als_explicit(train, test=test))
    line("defaults, biased: als_explicit(train, biased=True)",
         als.als_explicit(train, biased=True, test=test))
    # choose (weighted, rank, lam) on a validation split carved from train, then report test
    fit, val = train_test_split(train, 0.2, seed=1)
    grid = [(True, k, lam) for k in (2, 3, 4, 6) for lam in (0.06, 0.12, 0.2, 0.3)]
    grid += [(False, k, lam) for k in (2, 3, 4, 6) for lam in (5.0, 10.0, 20.0)]
    scores = {g: als.als_explicit(fit, rank=g[1], lam=g[2], weighted=g[0], biased=True,
                                  test=val).history["test_rmse"][-1] for g in grid}
    weighted, k, lam = min(scores, key=scores.get)
    print(f"validation choice among {len(grid)} settings: weighted={weighted}, rank={k}, "
          f"lam={lam} (validation RMSE {scores[(weighted, k, lam)]:.4f})")
    line("chosen on validation, refit on train", als.als_explicit(
        train, rank=k, lam=lam, weighted=weighted, biased=True, test=test))
    print("target: within 3% of the oracle")


def implicit_comparison(repeats):
    print("\n== implicit ALS, rank 64, 1 thread, synthetic play counts 80/20 split")
    train, test = train_test_split(load_synthetic("implicit"), 0.2, seed=0)
    defaults = {p.name: p.default for p in inspect.signature(als.als_implicit).parameters.values()}
    lam, alpha, n_iters = defaults["lam"], defaults["alpha"], defaults["n_iters"]
    kw = dict(rank=64, lam=lam, alpha=alpha, n_iters=n_iters)
    print(f"settings: lam={lam}, alpha={alpha}, c = 1 + alpha r, {n_iters} sweeps, "
          f"cg_steps={defaults['cg_steps']}")
    try:
        from implicit.cpu.als import AlternatingLeastSquares
        import implicit
    except ImportError:
        AlternatingLeastSquares = None
        print("`implicit` is not installed (pip install -r benchmarks/requirements.txt): "
              "skipping the comparison, timing mfedu alone")
    ours = {}
    for solver in ("exact", "cg"):
        runs = [als.als_implicit(train, solver=solver, **kw) for _ in range(repeats)]
        ours[solver] = (np.array([np.median(np.diff(m.history["seconds"], prepend=0)) for m in runs]),
                        runs[0])
    if AlternatingLeastSquares is not None:
        C = train.to_csr()
        C.data = 1.0 + alpha * C.data          # implicit's matrix holds c_ui; it uses c - 1 in A
        for solver in ("exact", "cg"):
            theirs = []
            for dtype in (np.float64, np.float32):
                times = []
                for _ in range(repeats):
                    model = AlternatingLeastSquares(
                        factors=64, regularization=lam, alpha=1.0, iterations=n_iters,
                        use_cg=solver == "cg", num_threads=1, dtype=dtype, random_state=0)
                    seconds = []
                    model.fit(C, show_progress=False, callback=lambda it, s, loss: seconds.append(s))
                    times.append(np.median(seconds))
                theirs.append((np.array(times), model))
            mine, mine_model = ours[solver]
            target = "<= 2.5" if solver == "exact" else "<= 3"
            print(f"implicit {implicit.__version__} {solver}: " + ratio_line(
                "per sweep, mfedu / implicit (float64)", mine, theirs[0][0], target))
            print(f"    implicit float32 (its default) {np.median(theirs[1][0]) * 1e3:.1f} ms: "
                  f"ratio {np.median(mine) / np.median(theirs[1][0]):.2f}")
            model = theirs[0][1]
            other = FitResult(np.asarray(model.user_factors), np.asarray(model.item_factors))
            a = metrics.ranking_metrics(mine_model, test, train)
            b = metrics.ranking_metrics(other, test, train)
            print(f"    precision@10 {a['precision']:.4f} vs {b['precision']:.4f} "
                  f"(diff {a['precision'] - b['precision']:+.4f}), NDCG@10 {a['ndcg']:.4f} vs "
                  f"{b['ndcg']:.4f} (diff {a['ndcg'] - b['ndcg']:+.4f}); target |diff| <= 0.005")
    else:
        for solver in ("exact", "cg"):
            print(f"mfedu {solver}: {np.median(ours[solver][0]) * 1e3:.1f} ms per sweep")


def ranking_table():
    print("\n== ranking on the implicit synthetic set (test 20%, training items excluded)")
    train, test = train_test_split(load_synthetic("implicit"), 0.2, seed=0)
    rows = {"popularity": metrics.popularity_baseline(train)}
    for solver in ("cg", "exact"):
        rows[f"als_implicit(train, solver={solver!r})"] = als.als_implicit(train, solver=solver)
    rows["als_implicit(train, confidence='log')"] = als.als_implicit(train, confidence="log")
    print(f"{'model':42s} {'P@10':>6s} {'R@10':>6s} {'MAP@10':>7s} {'NDCG@10':>8s} {'AUC':>6s} {'EPR':>6s}")
    for name, model in rows.items():
        s = metrics.ranking_metrics(model, test, train, k=10)
        print(f"{name:42s} {s['precision']:6.4f} {s['recall']:6.4f} {s['map']:7.4f} "
              f"{s['ndcg']:8.4f} {s['auc']:6.4f} {s['epr']:6.4f}")


def default_run_times(repeats):
    print("\n== wall time of whole fits (median of repeats), for the notebooks' sliders "
          "(target <= 0.25 s per update)")
    ex, _ = train_test_split(load_synthetic("explicit"), 0.2, seed=0)
    im, _ = train_test_split(load_synthetic("implicit"), 0.2, seed=0)
    cases = [("als_explicit(train)", lambda: als.als_explicit(ex)),
             ("als_explicit(train, biased=True)", lambda: als.als_explicit(ex, biased=True))]
    cases += [(f"als_explicit(train, rank={k}, n_iters={t})", lambda k=k, t=t: als.als_explicit(
        ex, rank=k, n_iters=t)) for k, t in ((10, 15), (20, 15), (20, 30), (50, 10))]
    cases += [("als_implicit(train)", lambda: als.als_implicit(im)),
              ("als_implicit(train, solver='exact')", lambda: als.als_implicit(im, solver="exact"))]
    cases += [(f"als_implicit(train, rank={k}, n_iters={t})", lambda k=k, t=t: als.als_implicit(
        im, rank=k, n_iters=t)) for k, t in ((8, 10), (32, 10), (64, 10), (64, 20))]
    for name, f in cases:
        t = timed(f, repeats)
        print(f"{name:48s} {np.median(t):6.3f} s (range {t.min():.3f}-{t.max():.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    explicit_speed(args.repeats)
    explicit_accuracy()
    implicit_comparison(max(1, args.repeats // 2))
    ranking_table()
    default_run_times(args.repeats)


if __name__ == "__main__":
    main()
