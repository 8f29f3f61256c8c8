#!/usr/bin/python3
"""Generates the feed benchmark corpus: realistic news feeds of 50-500 KB in
the shapes newsd meets (RSS 2.0 with content:encoded, Atom with XHTML, RSS 1.0,
windows-1256 RSS, RSS with undeclared HTML entities, JSON Feed).

    bench/feed_make_corpus.py OUTDIR
Deterministic (fixed seed), so figures are comparable between runs.
"""
import json
import os
import random
import sys

AR = ['أعلنت وزارة الدفاع اليوم عن بدء مناورات عسكرية مشتركة في المنطقة الشرقية.',
      'وقال المتحدث الرسمي إن التدريبات تهدف إلى رفع مستوى الجاهزية القتالية.',
      'تعرضت شبكات عدد من المؤسسات الحكومية لهجوم إلكتروني واسع النطاق.',
      'دعا مجلس الأمن الدولي إلى وقف فوري لإطلاق النار واستئناف المفاوضات.',
      'التقى وزير الخارجية نظيره الفرنسي لبحث تطورات الأوضاع الإقليمية.']
EN = ['The ministry said the exercise would run for ten days along the coast.',
      'Officials confirmed that the breach affected billing systems but not operations.',
      'Diplomats expect a joint statement after the second round of talks.']
FR = ["Le ministère a confirmé l'envoi de deux frégates supplémentaires.",
      "Les enquêteurs privilégient la piste d'un groupe de rançongiciel."]


def paragraphs(rng, n, pool):
    return ''.join(f'<p>{" ".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))}</p>\n' for _ in range(n))


def esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def rss_item(rng, i, pool, entities=False):
    title = rng.choice(pool)[:60]
    if entities:
        title = title.replace(' ', '&nbsp;', 1) + '&hellip;'
    body = paragraphs(rng, rng.randint(4, 12), pool)
    return (f'<item>\n<title>{title if entities else esc(title)}</title>\n<link>https://news.example.com/a/{i}?utm_source=rss</link>\n'
            f'<guid isPermaLink="false">news-{i}</guid>\n<pubDate>Tue, {1 + i % 28:02d} Mar 2024 {i % 24:02d}:15:00 +0300</pubDate>\n'
            f'<dc:creator>Desk {i % 7}</dc:creator>\n<category>Defense</category><category domain="https://news.example.com/t">Gulf</category>\n'
            f'<description>{esc(body[:400])}</description>\n<content:encoded><![CDATA[{body}]]></content:encoded>\n'
            f'<enclosure url="https://cdn.example.com/img/{i}.jpg" type="image/jpeg" length="{10000 + i}"/>\n</item>\n')


def rss(rng, size, pool, encoding='utf-8', entities=False):
    head = (f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
            '<title>Example News</title><link>https://news.example.com/</link><description>Latest</description>'
            '<language>ar</language><atom:link href="https://news.example.com/rss" rel="self" type="application/rss+xml"/>\n')
    items, i = [], 0
    while len(head) + sum(map(len, items)) < size:
        items.append(rss_item(rng, i, pool, entities))
        i += 1
    return (head + ''.join(items) + '</channel>\n</rss>\n').encode(encoding)


def atom(rng, size, pool):
    head = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar" xml:base="https://news.example.com/">\n'
            '<title>Example Atom</title><id>tag:news.example.com,2024:feed</id><updated>2024-03-12T10:00:00Z</updated>\n'
            '<link rel="self" href="atom.xml"/><link href="/"/>\n')
    entries, i = [], 0
    while len(head) + sum(map(len, entries)) < size:
        body = paragraphs(rng, rng.randint(4, 12), pool).replace('<p>', '<p><a href="story/%d">' % i, 1).replace('</p>', '</a></p>', 1)
        entries.append(f'<entry><id>tag:news.example.com,2024:{i}</id><title type="html">{esc(rng.choice(pool)[:60])}</title>'
                       f'<link href="a/{i}.html"/><published>2024-03-{1 + i % 28:02d}T{i % 24:02d}:00:00+03:00</published>'
                       f'<updated>2024-03-{1 + i % 28:02d}T{i % 24:02d}:30:00Z</updated><author><name>Desk {i % 5}</name></author>'
                       f'<category term="cyber" label="Cyber"/><summary>{esc(rng.choice(pool))}</summary>'
                       f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{body}</div></content></entry>\n')
        i += 1
    return (head + ''.join(entries) + '</feed>\n').encode()


def rdf(rng, size, pool):
    head = ('<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            '<channel rdf:about="https://news.example.com/rdf"><title>RDF</title><link>https://news.example.com/</link><description>d</description></channel>\n')
    items, i = [], 0
    while len(head) + sum(map(len, items)) < size:
        items.append(f'<item rdf:about="https://news.example.com/r/{i}"><title>{esc(rng.choice(pool)[:60])}</title>'
                     f'<link>https://news.example.com/r/{i}</link><description>{esc(paragraphs(rng, rng.randint(3, 8), pool))}</description>'
                     f'<dc:date>2024-03-{1 + i % 28:02d}T{i % 24:02d}:00:00Z</dc:date><dc:subject>Diplomacy</dc:subject></item>\n')
        i += 1
    return (head + ''.join(items) + '</rdf:RDF>\n').encode()


def jsonfeed(rng, size, pool):
    items, total, i = [], 300, 0
    while total < size:
        it = {'id': f'j{i}', 'url': f'https://news.example.com/j/{i}', 'title': rng.choice(pool)[:60],
              'content_html': paragraphs(rng, rng.randint(4, 12), pool), 'date_published': f'2024-03-{1 + i % 28:02d}T10:00:00+03:00',
              'authors': [{'name': f'Desk {i % 5}'}], 'tags': ['defense', 'gulf']}
        total += len(json.dumps(it, ensure_ascii=False).encode())
        items.append(it)
        i += 1
    return json.dumps({'version': 'https://jsonfeed.org/version/1.1', 'title': 'JSON', 'home_page_url': 'https://news.example.com/',
                       'items': items}, ensure_ascii=False).encode()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20240312)
    sizes = [50_000, 120_000, 250_000, 500_000]
    makers = {
        'rss20_ar': lambda s: rss(rng, s, AR),
        'rss20_en_fr': lambda s: rss(rng, s, EN + FR),
        'rss20_windows1256': lambda s: rss(rng, s, AR, encoding='windows-1256'),
        'rss20_html_entities': lambda s: rss(rng, s, EN, entities=True),
        'atom10_xhtml': lambda s: atom(rng, s, AR + EN),
        'rss10_rdf': lambda s: rdf(rng, s, AR),
        'jsonfeed': lambda s: jsonfeed(rng, s, AR + EN),
    }
    for name, make in makers.items():
        for size in sizes:
            ext = 'json' if name == 'jsonfeed' else 'xml'
            with open(os.path.join(out, f'{name}_{size // 1000}k.{ext}'), 'wb') as fh:
                fh.write(make(size))


if __name__ == '__main__':
    main()
