#!/usr/bin/env python3
"""newsd's classifier against the stock fastText CLI, in one run, one scorer.

Trains on train.tsv (label<TAB>text) and scores every model on the same
splits with the same scorer (accuracy: top-1 label among the gold labels;
macro-F1: mean F1 over labels seen in gold or predictions, top-1 against the
first gold label; the definitions of `newsd eval`):

  newsd default      newsd train (no flags)
  newsd autotuned    newsd train --autotune --budget B [--max-size S]
  stock ...          fasttext supervised with fastText's defaults, with
                     -epoch 25 -lr 0.5, and with -wordNgrams 2 on top

The stock CLI is trained and queried on newsd's tokenised text (the output of
`newsd train --export-input`), so only the training settings differ: that is
the fair comparison. With --raw it is also trained on the raw text, as a user
of the CLI alone would.

One training of one setting moves every figure by up to ~0.02 (fastText's
Hogwild updates with several threads, and its seed), so one run decides
nothing: --runs N repeats the whole comparison with seeds S, S+1, ... (newsd
--seed, fastText -seed) and ends with each model's mean and min-max over the
runs, then autotuned against the best stock configuration per figure.

Usage: bench/classify/compare.py --newsd build/newsd [--data DIR] [--budget 10m]
           [--max-size 100M] [--raw] [--threads 2] [--runs 1] [--seed 1] [--jobs 1]
           [--work DIR]
"""
import argparse
import concurrent.futures
import os
import statistics
import subprocess
import sys
import tempfile
import time


def read_tsv(path):
    """(labels, text) per non-blank line, parsed like newsd's read_labeled_file."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip(" \r\n"):
                continue
            labels, _, text = line.rstrip("\n").partition("\t")
            labels = [l.strip(" \r") for l in labels.split(",") if l.strip(" \r")]
            rows.append((labels, text.strip(" \r")))
    return rows


def score(gold_rows, predicted):
    """Accuracy and macro-F1, as newsd's evaluate() computes them."""
    if len(gold_rows) != len(predicted):
        sys.exit(f"compare: {len(predicted)} predictions for {len(gold_rows)} examples")
    counts = {}
    hits = 0
    for (labels, _), top in zip(gold_rows, predicted):
        gold = labels[0]
        counts.setdefault(gold, [0, 0, 0])  # tp, fp, fn
        if top in labels:
            hits += 1
        if top == gold:
            counts[gold][0] += 1
        else:
            counts[gold][2] += 1
            if top:
                counts.setdefault(top, [0, 0, 0])[1] += 1
    f1s = []
    for tp, fp, fn in counts.values():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return hits / len(gold_rows), sum(f1s) / len(f1s)


def run(cmd, **kw):
    started = time.monotonic()
    done = subprocess.run(cmd, text=True, capture_output=True, **kw)
    if done.returncode != 0:
        sys.exit(f"compare: {' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout, time.monotonic() - started


def fasttext_labels(stdout):
    return [line.strip().removeprefix("__label__") for line in stdout.split("\n")[:-1]]


FIGURES = ["dev acc", "dev macro-F1", "test acc", "test macro-F1", "leak-free acc", "leak-free macro-F1"]


def one_run(a, seed, work, newsd, train_tsv, splits, inputs, gold, leak_free):
    """Trains and scores every model once; returns [(name, figures, size MB, train s, note)]."""
    models = []  # (name, path, predict(split) -> labels, train seconds, note)

    def newsd_model(name, extra):
        path = os.path.join(work, name.replace(" ", "-") + (".ftz" if a.max_size and "autotune" in name else ".bin"))
        out, secs = run([newsd, "train", "--threads", a.threads, "--seed", str(seed), "--data", train_tsv,
                         "--model", path, *extra])
        note = " ".join(l.split("\t", 1)[1] for l in out.splitlines() if l.startswith("best\t"))
        note += "".join(f" ({l.split(chr(9))[1]} trials)" for l in out.splitlines() if l.startswith("autotune_trials\t"))

        def predict(split):
            stdout, _ = run([newsd, "classify", "--model", path, "--lines", splits[split]])
            return stdout.split("\n")[:-1]

        models.append((name, path, predict, secs, note))

    def stock_model(name, variant, flags):
        prefix = os.path.join(work, f"{name.replace(' ', '-')}-{variant}")
        _, secs = run(["fasttext", "supervised", "-input", inputs[(variant, "train")], "-output", prefix,
                       "-thread", a.threads, "-seed", str(seed), *flags])

        def predict(split):
            stdout, _ = run(["fasttext", "predict", prefix + ".bin", inputs[(variant, split)]])
            return fasttext_labels(stdout)

        models.append((f"{name} ({'newsd tokens' if variant == 'tok' else 'raw text'})", prefix + ".bin", predict,
                       secs, " ".join(flags) or "fastText defaults"))

    newsd_model("newsd default", [])
    autotune_flags = ["--autotune", "--budget", a.budget] + (["--max-size", a.max_size] if a.max_size else [])
    newsd_model("newsd autotuned", autotune_flags)
    for variant in ["tok"] + (["raw"] if a.raw else []):
        stock_model("stock defaults", variant, [])
        stock_model("stock e25 lr0.5", variant, ["-epoch", "25", "-lr", "0.5"])
        stock_model("stock e25 lr0.5 ng2", variant, ["-epoch", "25", "-lr", "0.5", "-wordNgrams", "2"])

    results = []
    for name, path, predict, secs, note in models:
        figures = []
        for split in ["dev", "test"]:
            predicted = predict(split)
            figures += score(gold[split], predicted)
            if split == "test":
                figures += score([gold["test"][i] for i in leak_free], [predicted[i] for i in leak_free])
        results.append((name, figures, os.path.getsize(path) / 1e6, secs, note))
    return results


def print_run(results):
    print("| model | " + " | ".join(FIGURES) + " | size | train s | settings |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, figures, size, secs, note in results:
        print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in figures) + f" | {size:.1f} MB | {secs:.0f} | {note} |")


def print_summary(runs):
    """Mean and min-max of every figure over the runs, then autotuned against
    the stock configuration with the best mean on each figure."""
    names = [name for name, *_ in runs[0]]
    by_name = {name: [[r[1] for r in run if r[0] == name][0] for run in runs] for name in names}
    print(f"\nOver {len(runs)} runs: mean (min-max)")
    print("| model | " + " | ".join(FIGURES) + " |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        cells = []
        for f in range(len(FIGURES)):
            values = [run_figures[f] for run_figures in by_name[name]]
            cells.append(f"{statistics.mean(values):.3f} ({min(values):.3f}-{max(values):.3f})")
        print(f"| {name} | " + " | ".join(cells) + " |")
    stock = [n for n in names if n.startswith("stock")]
    print("\nnewsd autotuned minus the best stock configuration (by mean) on each figure")
    print("| figure | best stock | mean difference | per run |")
    print("|---|---|---|---|")
    for f, figure in enumerate(FIGURES):
        best = max(stock, key=lambda n: statistics.mean(v[f] for v in by_name[n]))
        diffs = [t[f] - s[f] for t, s in zip(by_name["newsd autotuned"], by_name[best])]
        print(f"| {figure} | {best} | {statistics.mean(diffs):+.3f} | " + " ".join(f"{d:+.3f}" for d in diffs) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--newsd", required=True)
    ap.add_argument("--data", default="/work/shared/data/classify-dev")
    ap.add_argument("--budget", default="10m")
    ap.add_argument("--max-size", default="")
    ap.add_argument("--threads", default="2")
    ap.add_argument("--runs", type=int, default=1, help="repeat everything with seeds --seed, --seed + 1, ...")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1,
                    help="runs at once; each run still trains its own models one after another")
    ap.add_argument("--raw", action="store_true", help="also train the stock CLI on raw text")
    ap.add_argument("--work", default="")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="newsd-classify-compare-")
    os.makedirs(work, exist_ok=True)
    newsd = os.path.abspath(a.newsd)
    train_tsv = os.path.join(a.data, "asnd-train.tsv")
    splits = {"dev": os.path.join(a.data, "asnd-dev.tsv"), "test": os.path.join(a.data, "asnd-test.tsv")}

    train_texts = {text for _, text in read_tsv(train_tsv)}
    gold = {name: read_tsv(path) for name, path in splits.items()}
    # The official test split repeats about a third of train word for word.
    leak_free = [i for i, (_, text) in enumerate(gold["test"]) if text not in train_texts]

    inputs = {}  # (variant, split) -> fastText-format file
    for name, path in [("train", train_tsv), *splits.items()]:
        tok = os.path.join(work, f"{name}.tok.txt")
        run([newsd, "train", "--data", path, "--export-input", tok])
        inputs[("tok", name)] = tok
        if a.raw:
            raw = os.path.join(work, f"{name}.raw.txt")
            with open(raw, "w", encoding="utf-8") as out:
                for labels, text in read_tsv(path):
                    out.write(" ".join("__label__" + l for l in labels) + " " + text + "\n")
            inputs[("raw", name)] = raw

    print(f"work dir: {work}; test leak-free: {len(leak_free)} of {len(gold['test'])}; budget {a.budget}"
          + (f", max-size {a.max_size}" if a.max_size else "") + f"; threads {a.threads}", flush=True)
    def seeded_run(seed):
        run_dir = os.path.join(work, f"seed{seed}")
        os.makedirs(run_dir, exist_ok=True)
        return one_run(a, seed, run_dir, newsd, train_tsv, splits, inputs, gold, leak_free)

    seeds = list(range(a.seed, a.seed + a.runs))
    # The work is in subprocesses, so threads are enough to overlap runs.
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        runs = list(pool.map(seeded_run, seeds))
    for seed, results in zip(seeds, runs):
        print(f"\nRun with seed {seed}:")
        print_run(results)
    if len(runs) > 1:
        print_summary(runs)


if __name__ == "__main__":
    main()
