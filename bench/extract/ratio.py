#!/usr/bin/env python3
"""CPU cost of `newsd extract --batch` against libxml2's bare HTML parse, and the F1.

usage: bench/extract/ratio.py [--newsd build-rel/newsd] [--data ../shared/data/extract-dev]
                              [--rounds N] [--out DIR] [--before OTHER/newsd]

Absolute pages/s move from machine to machine and with the load; the ratio to
`xmllint --html --noout` over the same pages, measured in the same run, does
not. Each round runs one `newsd extract --batch` process over every page and
one `xmllint --html --noout` process over the same files (and, with --before,
one process of a second newsd binary), in rotating order (so none always runs
on a warmer cache), and takes each child's user+system
CPU time from getrusage. Prints the CPU seconds of each per round, the totals
and their ratio, then the word-4-gram F1 of the extracted text (scored with
shared/bench/extract_score.py) and the number of pages that come out empty
although their ground truth has an article.
"""
import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / 'shared'


def child_cpu(cmd, stdin=None, stdout=subprocess.DEVNULL):
    """Runs cmd to completion; returns (cpu seconds of the child, stdout bytes or None)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, input=stdin, stdout=stdout, stderr=subprocess.DEVNULL)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):  # xmllint exits 1 when a page has parse errors
        sys.exit(f'{cmd[0]} exited {proc.returncode}')
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return cpu, proc.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--newsd', default=str(REPO / 'build-rel' / 'newsd'))
    ap.add_argument('--xmllint', default='xmllint')
    ap.add_argument('--data', default=str(SHARED / 'data' / 'extract-dev'))
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--out', help="keep --newsd's <id>.txt outputs here")
    ap.add_argument('--before', help='a second newsd binary (e.g. of main) measured in the same rounds')
    a = ap.parse_args()

    sys.path.insert(0, str(SHARED / 'bench'))
    import extract_score  # the team's scorer: same tokens, shingles and averaging

    data = Path(a.data)
    gt = json.load(open(data / 'ground-truth.json', encoding='utf-8'))
    tmp = Path(tempfile.mkdtemp(prefix='extract-ratio-'))
    ids = sorted(gt)
    files, lines = [], []
    for pid in ids:
        p = tmp / f'{pid}.html'
        p.write_bytes(gzip.open(data / 'html' / f'{pid}.html.gz').read())
        files.append(str(p))
        lines.append(f"{p}\t{gt[pid].get('url') or ''}\n")
    batch = ''.join(lines).encode()

    runs = {'newsd': [a.newsd, 'extract', '--batch'], 'xmllint': [a.xmllint, '--html', '--noout', *files]}
    if a.before:
        runs['before'] = [a.before, 'extract', '--batch']
    names = list(runs)
    total = dict.fromkeys(names, 0.0)
    outputs = {}
    for r in range(a.rounds):
        # Rotate the order so that no program always runs first (warmer or colder cache).
        order = names[r % len(names):] + names[:r % len(names)]
        cpu = {}
        for which in order:
            if which == 'xmllint':
                cpu[which], _ = child_cpu(runs[which])
            else:
                cpu[which], outputs[which] = child_cpu(runs[which], stdin=batch, stdout=subprocess.PIPE)
            total[which] += cpu[which]
        print(f'round {r + 1}: ' + ' '.join(f'{n}_cpu_s={cpu[n]:.2f}' for n in names) + ' ' +
              ' '.join(f'{n}_ratio={cpu[n] / max(cpu["xmllint"], 1e-9):.3f}' for n in names if n != 'xmllint'))
    print(f'pages={len(ids)} rounds={a.rounds} ' + ' '.join(f'{n}_cpu_s={total[n]:.2f}' for n in names) + ' ' +
          ' '.join(f'{n}_ratio={total[n] / max(total["xmllint"], 1e-9):.3f}' for n in names if n != 'xmllint'))

    gold = {pid: gt[pid].get('articleBody') or '' for pid in ids}
    for which in [n for n in names if n != 'xmllint']:
        texts = {}
        for line in outputs[which].decode('utf-8').splitlines():
            if line.strip():
                r = json.loads(line)
                texts[Path(r['file']).name.split('.')[0]] = r.get('text') or ''
        if a.out and which == 'newsd':
            Path(a.out).mkdir(parents=True, exist_ok=True)
            for pid, t in texts.items():
                (Path(a.out) / f'{pid}.txt').write_text(t, encoding='utf-8')
        rows = [extract_score.page_match(gold[pid], texts.get(pid, '')) for pid in ids]
        m = extract_score.aggregate(rows)
        empty = [pid for pid in ids
                 if extract_score.tokenize(gold[pid]) and not extract_score.tokenize(texts.get(pid, ''))]
        print(f"{which}: F1={m['f1']:.3f} precision={m['precision']:.3f} recall={m['recall']:.3f} "
              f"accuracy={m['accuracy']:.3f} "
              f"empty_with_article={len(empty)}{' (' + ' '.join(empty) + ')' if empty else ''}")


if __name__ == '__main__':
    main()
