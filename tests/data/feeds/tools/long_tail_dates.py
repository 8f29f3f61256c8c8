#!/usr/bin/python3
"""Writes tests/data/feeds/dates/{iso8601_long_forms,rss_pubdate_greek,
rss_pubdate_hungarian,rss_pubdate_korean}.{xml,expected.json}: one entry per
date shape, with the UTC instant worked out by hand from ISO 8601:2004
(ordinal and week dates: week 1 holds 4 January; 2026-01-01 is a Thursday,
so week 1 starts 2025-12-29 and day 334 is 30 November) and RFC 822 (zones
as offsets; no zone = UTC, as the JSON contract's lenient parsing does).

    /usr/bin/python3 tests/data/feeds/tools/long_tail_dates.py
"""
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'dates')
LINK = 'https://news.example.com/'

CASES = {
    'iso8601_long_forms': ('atom', [
        ('20261130T103000Z', '2026-11-30T10:30:00Z'),
        ('2026-334T10:30:00+01:00', '2026-11-30T09:30:00Z'),
        ('2026334', '2026-11-30T00:00:00Z'),
        ('2026-W49-1T10:30:00Z', '2026-11-30T10:30:00Z'),
        ('2026W487', '2026-11-29T00:00:00Z'),
        ('2026-11', '2026-11-01T00:00:00Z'),
        ('2026-11-30T10.25Z', '2026-11-30T10:15:00Z'),
        ('2026-11-30T10:30.5-02', '2026-11-30T12:30:30Z'),
        ('2026-11-30T10:30:15,999+0530', '2026-11-30T05:00:15Z'),
        ('2026-11-29T24:00:00Z', '2026-11-30T00:00:00Z'),
    ]),
    'rss_pubdate_greek': ('rss', [
        ('Δευ, 30 Νοε 2026 10:30:00 +0200', '2026-11-30T08:30:00Z'),
        ('Δευτέρα, 30 Νοεμβρίου 2026 10:30 EET', '2026-11-30T08:30:00Z'),
        ('ΚΥΡ, 29 ΝΟΕ 2026 23:00:00 GMT', '2026-11-29T23:00:00Z'),
        ('Σάβ, 30 Μαΐου 2026 3:04 μ.μ.', '2026-05-30T15:04:00Z'),
    ]),
    'rss_pubdate_hungarian': ('rss', [
        ('hétfő, 30 nov. 2026 10:30:00 +0100', '2026-11-30T09:30:00Z'),
        ('2026. november 30., hétfő 10:30', '2026-11-30T10:30:00Z'),
        ('2026. máj. 5., kedd 08:00:00 +0200', '2026-05-05T06:00:00Z'),
        ('Sze, 2 szept. 2026 14:00:00 GMT', '2026-09-02T14:00:00Z'),
    ]),
    'rss_pubdate_korean': ('rss', [
        ('2026년 11월 30일 (월) 10:30:00', '2026-11-30T10:30:00Z'),
        ('2026-11-30 오후 3:04:05', '2026-11-30T15:04:05Z'),
        ('2026년11월30일 오후 3:04 KST', '2026-11-30T06:04:00Z'),
        ('2026. 11. 30. 오전 12:15', '2026-11-30T00:15:00Z'),
    ]),
}


def atom(rows):
    entries = ''.join(f'<entry><title>Date {i}</title><id>urn:example:date:{i}</id>'
                      f'<updated>{text}</updated></entry>\n' for i, (text, _) in enumerate(rows))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            '<title>Example News</title>\n<id>urn:example:dates</id>\n\n' + entries + '</feed>\n')


def rss(rows):
    items = ''.join(f'<item><title>Date {i}</title><guid isPermaLink="false">date-{i}</guid>'
                    f'<pubDate>{text}</pubDate></item>\n' for i, (text, _) in enumerate(rows))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n<channel>\n<title>Example News</title>\n'
            f'<link>{LINK}</link>\n<description>Latest headlines</description>\n\n' + items + '</channel>\n</rss>\n')


def expected(kind, rows):
    if kind == 'atom':
        feed = {'title': 'Example News', 'title_type': 'text', 'id': 'urn:example:dates'}
        entries = [{'title': f'Date {i}', 'title_type': 'text', 'id': f'urn:example:date:{i}', 'updated': utc}
                   for i, (_, utc) in enumerate(rows)]
    else:
        feed = {'title': 'Example News', 'title_type': 'text', 'subtitle': 'Latest headlines',
                'subtitle_type': 'html', 'link': LINK,
                'links': [{'href': LINK, 'rel': 'alternate', 'type': 'text/html'}]}
        entries = [{'title': f'Date {i}', 'title_type': 'text', 'id': f'date-{i}', 'published': utc}
                   for i, (_, utc) in enumerate(rows)]
    return {'bozo': False, 'encoding': 'utf-8', 'feed': feed, 'entries': entries}


def main():
    for name, (kind, rows) in CASES.items():
        with open(os.path.join(ROOT, name + '.xml'), 'w', encoding='utf-8') as f:
            f.write(atom(rows) if kind == 'atom' else rss(rows))
        with open(os.path.join(ROOT, name + '.expected.json'), 'w', encoding='utf-8') as f:
            json.dump(expected(kind, rows), f, ensure_ascii=False, indent=1)
            f.write('\n')


if __name__ == '__main__':
    main()
