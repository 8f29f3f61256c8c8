#!/usr/bin/python3
"""Writes the feed conformance corpus: tests/data/feeds/<category>/NAME.{xml,json}
and NAME.expected.json for every case in cases.py.

Expected outputs are drafted with Debian's python3-feedparser (run as
/usr/bin/python3) converted to the spec's JSON (spec/feed-json.md), then
patched by each case's `overrides` where the spec and feedparser differ
(date zones such as GMT+3, windows-1252 C1 references, JSON Feed, which
feedparser 6 does not read, ...). Review changes to the expectations in git
diffs: they are the contract.

    /usr/bin/python3 tests/data/feeds/tools/draft_expected.py
    /usr/bin/python3 tests/data/feeds/tools/compare.py build-feeds/newsd   # show disagreements
"""
import json
import os
import sys
import time

import feedparser

sys.path.insert(0, os.path.dirname(__file__))
import cases  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPES = {'text/plain': 'text', 'text/html': 'html', 'application/xhtml+xml': 'xhtml'}


def iso(parsed):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', parsed) if parsed else None


def length(v):
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return None


def text(obj, key, out):
    detail = obj.get(f'{key}_detail')
    if detail is not None and key in obj:
        out[key] = obj[key]
        out[f'{key}_type'] = TYPES.get(detail.get('type'), detail.get('type'))


def links(lst):
    out = []
    for l in lst or []:
        d = {'href': l.get('href'), 'rel': l.get('rel'), 'type': l.get('type'), 'title': l.get('title'),
             'length': length(l.get('length')) if 'length' in l else None}
        out.append({k: v for k, v in d.items() if v is not None})
    return out


def people(lst):
    out = []
    for p in lst or []:
        d = {'name': p.get('name'), 'email': p.get('email'), 'uri': p.get('href')}
        d = {k: v for k, v in d.items() if v is not None}
        if d:
            out.append(d)
    return out


def cats(lst):
    return [{k: v for k, v in (('term', t.get('term')), ('scheme', t.get('scheme')), ('label', t.get('label'))) if v is not None}
            for t in lst or []]


def from_feedparser(data):
    d = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)
    out = {'bozo': bool(d.get('bozo')), 'encoding': d.get('encoding')}
    f = d.get('feed', {})
    feed = {}
    text(f, 'title', feed)
    text(f, 'subtitle', feed)
    for key in ('link', 'id', 'language'):
        if key in f:
            feed[key] = f[key]
    feed['links'] = links(f.get('links'))
    # dict.get: FeedParserDict.get('updated_parsed') falls back to published.
    feed['updated'] = iso(dict.get(f, 'updated_parsed'))
    feed['published'] = iso(dict.get(f, 'published_parsed'))
    feed['authors'] = people(f.get('authors'))
    feed['categories'] = cats(f.get('tags'))
    out['feed'] = feed
    entries = []
    for e in d.get('entries', []):
        x = {}
        for key in ('id', 'link'):
            if key in e:
                x[key] = e[key]
        text(e, 'title', x)
        x['links'] = links(e.get('links'))
        x['published'] = iso(dict.get(e, 'published_parsed'))
        x['updated'] = iso(dict.get(e, 'updated_parsed'))
        x['authors'] = people(e.get('authors'))
        text(e, 'summary', x)
        x['content'] = [{'value': c.get('value'), 'type': TYPES.get(c.get('type'), c.get('type'))} for c in e.get('content', [])]
        x['categories'] = cats(e.get('tags'))
        x['enclosures'] = [{k: v for k, v in (('url', n.get('href')), ('type', n.get('type')),
                                               ('length', length(n.get('length')) if 'length' in n else None)) if v is not None}
                           for n in e.get('enclosures', [])]
        entries.append(x)
    out['entries'] = entries
    # feedparser treats an Atom <id> like an RSS permalink guid and copies it
    # to `link`; the spec's link is an Atom link only.
    if d.get('version', '').startswith('atom'):
        for obj in [feed] + entries:
            if obj.get('link') is not None and obj.get('link') == obj.get('id') and \
                    not any(l.get('rel') == 'alternate' and l.get('href') == obj['link'] for l in obj.get('links', [])):
                del obj['link']
    return out


def set_path(doc, path, value):
    parts = path.split('/')
    node = doc
    for p in parts[:-1]:
        node = node[int(p)] if isinstance(node, list) else node.setdefault(p, {})
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def apply(expected, overrides):
    for key, value in overrides.items():
        if key == '__replace_feed__':
            expected['feed'] = value
        elif key == '__replace_entries__':
            expected['entries'] = value
        elif key == '__ignore__':
            expected['__ignore__'] = value
        elif key == '__skip_compare__':
            expected['__ignore__'] = value
        else:
            set_path(expected, key, value)
    return expected


def prune(x):
    """null, [] and {} inside entries/feed mean 'nothing': drop them for readability."""
    if isinstance(x, dict):
        return {k: prune(v) for k, v in x.items() if v is not None and v != [] and not (v == {} and k not in ('feed',))}
    if isinstance(x, list):
        return [prune(v) for v in x]
    return x


def main():
    seen = set()
    for category, name, data, overrides, oracle in cases.CASES:
        assert (category, name) not in seen, name
        seen.add((category, name))
        directory = os.path.join(ROOT, category)
        os.makedirs(directory, exist_ok=True)
        ext = '.json' if category == 'json_feed' else '.xml'
        with open(os.path.join(directory, name + ext), 'wb') as fh:
            fh.write(data)
        if oracle == 'feedparser':
            expected = from_feedparser(data)
        elif isinstance(oracle, tuple) and oracle[0] == 'feedparser_of':
            expected = from_feedparser(oracle[1])
        else:
            expected = json.loads(json.dumps(oracle))
        expected = prune(apply(expected, overrides))
        expected.setdefault('feed', {})
        expected.setdefault('entries', [])
        with open(os.path.join(directory, name + '.expected.json'), 'w', encoding='utf-8') as fh:
            json.dump(expected, fh, ensure_ascii=False, indent=1)
            fh.write('\n')
    print(f'{len(seen)} cases written under {ROOT}')


if __name__ == '__main__':
    main()
