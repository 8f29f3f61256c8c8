#!/usr/bin/env python3
"""CPU cost of `newsd extract --batch` against libxml2's bare HTML parse, and the F1.

usage: bench/extract/ratio.py [--newsd build-rel/newsd] [--data ../shared/data/extract-dev]
                              [--rounds N] [--out DIR]

Absolute pages/s move from machine to machine and with the load; the ratio to
`xmllint --html --noout` over the same pages, measured in the same run, does
not. Each round runs one `newsd extract --batch` process over every page and
one `xmllint --html --noout` process over the same files, in alternating order
(so neither always runs on a warmer cache), and takes each child's user+system
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
    ap.add_argument('--out', help='keep <id>.txt outputs here')
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

    newsd_cmd = [a.newsd, 'extract', '--batch']
    xmllint_cmd = [a.xmllint, '--html', '--noout', *files]
    total_newsd = total_xmllint = 0.0
    output = None
    for r in range(a.rounds):
        order = ('newsd', 'xmllint') if r % 2 == 0 else ('xmllint', 'newsd')
        cpu = {}
        for which in order:
            if which == 'newsd':
                cpu[which], output = child_cpu(newsd_cmd, stdin=batch, stdout=subprocess.PIPE)
            else:
                cpu[which], _ = child_cpu(xmllint_cmd)
        total_newsd += cpu['newsd']
        total_xmllint += cpu['xmllint']
        print(f"round {r + 1}: newsd_cpu_s={cpu['newsd']:.2f} xmllint_cpu_s={cpu['xmllint']:.2f} "
              f"ratio={cpu['newsd'] / max(cpu['xmllint'], 1e-9):.3f}")
    print(f'pages={len(ids)} rounds={a.rounds} newsd_cpu_s={total_newsd:.2f} xmllint_cpu_s={total_xmllint:.2f} '
          f'ratio={total_newsd / max(total_xmllint, 1e-9):.3f}')

    texts = {}
    for line in output.decode('utf-8').splitlines():
        if line.strip():
            r = json.loads(line)
            texts[Path(r['file']).name.split('.')[0]] = r.get('text') or ''
    if a.out:
        Path(a.out).mkdir(parents=True, exist_ok=True)
        for pid, t in texts.items():
            (Path(a.out) / f'{pid}.txt').write_text(t, encoding='utf-8')
    gold = {pid: gt[pid].get('articleBody') or '' for pid in ids}
    rows = [extract_score.page_match(gold[pid], texts.get(pid, '')) for pid in ids]
    m = extract_score.aggregate(rows)
    empty = [pid for pid in ids if extract_score.tokenize(gold[pid]) and not extract_score.tokenize(texts.get(pid, ''))]
    print(f"F1={m['f1']:.3f} precision={m['precision']:.3f} recall={m['recall']:.3f} accuracy={m['accuracy']:.3f} "
          f"empty_with_article={len(empty)}{' (' + ' '.join(empty) + ')' if empty else ''}")


if __name__ == '__main__':
    main()
