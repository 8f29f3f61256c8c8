#!/usr/bin/python3
"""Runs `newsd parse-feed --json --batch` over the conformance corpus and prints
every case whose output differs from NAME.expected.json, with the same
normalisation as tests/parse/feed_conformance_test.cpp.

    /usr/bin/python3 tests/data/feeds/tools/compare.py build-feeds/newsd [category]
"""
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def norm_encoding(name):
    n = re.sub(r'[^a-z0-9]', '', (name or '').lower())
    for a, b in (('windows', 'cp'), ('ibm', 'cp'), ('usascii', 'ascii'), ('latin1', 'iso88591')):
        if n.startswith(a):
            n = b + n[len(a):]
    return n


def normalise(x, ignore, path=''):
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            p = f'{path}/{k}'.lstrip('/')
            if p in ignore or k in ('bozo_message', '__ignore__'):
                continue
            v = normalise(v, ignore, p)
            if v is None or v == [] or (v == {} and p != 'feed'):
                continue
            out[k] = norm_encoding(v) if p == 'encoding' else v
        return out
    if isinstance(x, list):
        return [normalise(v, ignore, f'{path}/{i}'.lstrip('/')) for i, v in enumerate(x) if f'{path}/{i}'.lstrip('/') not in ignore]
    return x


def diff(a, b, path=''):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from diff(a.get(k), b.get(k), f'{path}/{k}')
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from diff(x, y, f'{path}/{i}')
    elif a != b:
        yield f'  {path or "/"}: expected {json.dumps(a, ensure_ascii=False)[:300]}\n  {" " * len(path or "/")}  actual   {json.dumps(b, ensure_ascii=False)[:300]}'


def main():
    binary = sys.argv[1]
    only = sys.argv[2] if len(sys.argv) > 2 else None
    # As tests/parse/feed_conformance_test.cpp: .xml/.json cases, not tools/ or hostile/ (nor READMEs).
    inputs = sorted(p for p in glob.glob(os.path.join(ROOT, '*', '*')) if not p.endswith('.expected.json')
                    and os.path.splitext(p)[1] in ('.xml', '.json') and '/tools/' not in p
                    and '/hostile/' not in p and (only is None or f'/{only}/' in p))
    out = subprocess.run([binary, 'parse-feed', '--json', '--batch'], input='\n'.join(inputs) + '\n',
                         capture_output=True, text=True, check=True).stdout.splitlines()
    failures = 0
    for path, line in zip(inputs, out):
        expected_path = os.path.splitext(path)[0] + '.expected.json'
        with open(expected_path, encoding='utf-8') as fh:
            expected = json.load(fh)
        ignore = set(expected.get('__ignore__', []))
        problems = list(diff(normalise(expected, ignore), normalise(json.loads(line), ignore)))
        if problems:
            failures += 1
            print(os.path.relpath(path, ROOT))
            print('\n'.join(problems))
    print(f'{failures} of {len(inputs)} cases differ')


if __name__ == '__main__':
    main()
