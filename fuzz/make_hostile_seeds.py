#!/usr/bin/env python3
"""Writes the structure-aware seeds of fuzz/corpus/{feeds,extract}/hostile-*:
the shapes issue 10 found the fuzzers never reached on their own (deep
nesting, many entries, huge text nodes, entity expansion). They are kept just
past newsd's limits (128/256 levels, 1000 entries, 64 JSON levels) so the
committed files stay small; libFuzzer grows them from there with -max_len.

    fuzz/make_hostile_seeds.py        # rewrites the seeds in place
"""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent / 'corpus'


def rss(items, channel_extra='', doctype=''):
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}<rss version="2.0"><channel><title>Seed</title>'
            f'<link>https://news.example.com/</link>{channel_extra}{"".join(items)}</channel></rss>\n')


def item(i, body=''):
    return f'<item><title>Item {i}</title><link>https://news.example.com/{i}</link>{body}</item>'


ATOM = 'http://www.w3.org/2005/Atom'
XHTML = 'http://www.w3.org/1999/xhtml'

LAUGHS = ('<!DOCTYPE rss [<!ENTITY lol "lol">'
          + ''.join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']>\n')

FEEDS = {
    'hostile-rss-deep-description.xml': rss([item(0), item(1, '<description>' + '<div>' * 300 + 'deep'
                                                           + '</div>' * 300 + '</description>'), item(2)]),
    'hostile-rss-deep-unclosed.xml': rss([item(0), item(1, '<description>' + '<p><b>' * 150 + 'deep</description>'),
                                          item(2)]),
    'hostile-atom-deep-xhtml.xml': (f'<feed xmlns="{ATOM}"><title>Seed</title><id>urn:seed</id><entry><id>urn:1</id>'
                                    f'<title>Deep</title><content type="xhtml"><div xmlns="{XHTML}">'
                                    + '<span>' * 300 + 'deep' + '</span>' * 300 + '</div></content></entry></feed>\n'),
    'hostile-rss-nested-items.xml': rss(['<item><title>n</title>' * 300 + '</item>' * 300]),
    'hostile-rss-nested-channels.xml': rss(['<channel>' * 300 + item(0) + '</channel>' * 300]),
    'hostile-rss-many-items.xml': rss([f'<item><guid>{i}</guid></item>' for i in range(1010)]),
    'hostile-rss-huge-title.xml': rss([item(0)], channel_extra='<description>' + 'خبر ' * 2000 + '</description>'),
    'hostile-rss-billion-laughs.xml': rss([item(0, '<description>&lol9;</description>')], doctype=LAUGHS),
    'hostile-rss-empty-links.xml': rss(['<item><title>a</title><link/><guid>1</guid></item>',
                                        '<item><title>b</title><link> </link><enclosure url=""/></item>']),
    'hostile-rss-implausible-dates.xml': rss([item(0, '<pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate>'),
                                              item(1, '<pubDate>Mon, 01 Jan 1900 00:00:00 GMT</pubDate>')]),
    'hostile-json-deep.json': ('{"version": "https://jsonfeed.org/version/1.1", "title": "Seed", "items": [{"id": "1", '
                               '"_x": ' + '[' * 100 + ']' * 100 + '}, {"id": "2", "_y": ' + '{"a":' * 100 + '1'
                               + '}' * 100 + '}]}\n'),
    'hostile-json-many-items.json': ('{"version": "https://jsonfeed.org/version/1.1", "title": "Seed", "items": ['
                                     + ','.join(f'{{"id":"{i}"}}' for i in range(1010)) + ']}\n'),
}

PARAGRAPH = ('<p>The harbour reopened on Tuesday morning after three days of closure, the port authority said, '
             'as crews finished clearing debris from the main channel.</p>')
EXTRACT = {
    'hostile-deep-divs.html': ('<html><body><article>' + PARAGRAPH * 3 + '</article>' + '<div>' * 300 + 'deep'
                               + '</div>' * 300 + '</body></html>\n'),
    'hostile-deep-unclosed-inline.html': '<html><body>' + PARAGRAPH + '<b><i>' * 200 + PARAGRAPH + '</body></html>\n',
    'hostile-nested-bylines.html': ('<html><body>' + '<div class="byline">' * 250 + 'By Dana Reyes'
                                    + '</div>' * 250 + PARAGRAPH * 3 + '</body></html>\n'),
    'hostile-deep-jsonld.html': ('<html><head><script type="application/ld+json">{"@graph": ['
                                 + '{"@graph": [' * 100 + '{"@type": "NewsArticle", "headline": "Deep"}'
                                 + ']}' * 100 + ']}</script><script type="application/ld+json">' + '[' * 100
                                 + ']' * 100 + '</script></head><body>' + PARAGRAPH * 3 + '</body></html>\n'),
    'hostile-huge-text.html': '<html><head><meta property="og:title" content="' + 'خبر ' * 1000 + '"></head><body><p>'
                              + 'كلمة ' * 2000 + '</p></body></html>\n',
    'hostile-implausible-dates.html': ('<html><head><meta property="article:published_time" content="1900-01-01">'
                                       '<meta property="article:modified_time" content="9999-12-31"></head><body>'
                                       + PARAGRAPH * 3 + '</body></html>\n'),
}

for folder, files in (('feeds', FEEDS), ('extract', EXTRACT)):
    for name, text in files.items():
        (ROOT / folder / name).write_text(text, encoding='utf-8')
