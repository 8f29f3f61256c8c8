#!/usr/bin/python3
"""Writes tests/data/feeds/code_pages/: one small RSS 2.0 feed per charset
label declared in the XML prolog, and its NAME.expected.json.

The expected text is written here by hand, as Unicode; the feed's bytes are
that text encoded with Python's codecs (a one-off generator: the expectation
is the text, not any parser's reading of the bytes). Where Python has no
codec for a label (none today) the case would have to be written by hand.
See code_pages/README.md.

    /usr/bin/python3 tests/data/feeds/tools/code_pages.py
"""
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'code_pages')

# (python codec, expected "encoding" as reported, [declared labels], language, title, description)
PAGES = [
    ('cp437', 'ibm437', ['IBM437', 'cp437', '437', 'csPC8CodePage437'], 'fr',
     'Défense : réunion à Zürich', 'Budget ½, hausse ±3°'),
    ('cp775', 'ibm775', ['IBM775', 'cp775', 'csPC775Baltic'], 'lt',
     'Krašto apsaugos ministerija: pratybos Šiauliuose', 'Aizsardzības ministrija, Rīga'),
    ('cp850', 'ibm850', ['IBM850', '850', 'csPC850Multilingual'], 'fr',
     'Défense : Élysée, Noël', 'Øresund, Ångström'),
    ('cp852', 'ibm852', ['IBM852', 'cp852', '852', 'csPCp852'], 'pl',
     'Ministerstwo Obrony: ćwiczenia w Łodzi', 'Ministerstvo obrany: cvičení v Brně'),
    ('cp855', 'ibm855', ['IBM855', 'cp855', '855', 'csIBM855'], 'sr',
     'Министарство одбране: вежба у Београду', 'Ђорђе, Ћирић, Џаковица, Љубљана'),
    ('cp856', 'ibm-856', ['IBM856', 'cp856'], 'he',
     'משרד הביטחון: תרגיל', 'הודעה רשמית'),
    ('cp874', 'ibm-874', ['IBM874', 'cp874'], 'th',
     'กระทรวงกลาโหม', 'การฝึกซ้อมร่วม'),
    ('cp875', 'ibm-875', ['IBM875', 'cp875'], 'el',
     'Υπουργείο Άμυνας', 'Ανακοίνωση για την άσκηση'),
    ('cp1125', 'ibm-1125', ['IBM1125', 'cp1125'], 'uk',
     'Міністерство оборони: навчання', 'Ґанок, Євген, Їжак, Іван'),
    ('cp1140', 'ibm01140', ['IBM01140', 'cp1140', 'CCSID01140', 'CP01140', 'ebcdic-us-37+euro', 'csIBM01140'], 'en',
     'Defence budget: 5 € per head', 'Mainframe feed with the euro sign.'),
    ('mac_cyrillic', 'x-mac-cyrillic', ['x-mac-cyrillic', 'maccyrillic', 'mac-cyrillic'], 'ru',
     'Министерство обороны: учения', 'Учения прошли успешно.'),
    ('mac_greek', 'x-mac-greek', ['x-mac-greek', 'macgreek', 'mac-greek'], 'el',
     'Υπουργείο Άμυνας: ασκήσεις', 'Ανακοίνωση.'),
    ('mac_latin2', 'x-mac-centraleurroman', ['x-mac-ce', 'maclatin2', 'maccentraleurope', 'mac-centraleurope'], 'cs',
     'Ministerstvo obrany: cvičení v Brně', 'Łódź, Gdańsk, źródło'),
    ('mac_turkish', 'x-mac-turkish', ['x-mac-turkish', 'macturkish', 'mac-turkish'], 'tr',
     'Savunma Bakanlığı: tatbikat İzmir\'de', 'Şişli, Ağrı, Çorum'),
    ('koi8_u', 'koi8-u', ['KOI8-U', 'koi8-u', 'csKOI8U'], 'uk',
     'Міністерство оборони: навчання', 'Ґанок, Євген, Їжак, Іван'),
    ('koi8_t', 'koi8-t', ['KOI8-T', 'koi8-t'], 'tg',
     'Вазорати мудофиа: машқҳо дар Душанбе', 'Ғалаба, ӯ, ӣ, ҷ, ҳ, қ'),
]

LINK = 'https://news.example.com/'


def feed(label, lang, title, desc):
    return (f'<?xml version="1.0" encoding="{label}"?>\n<rss version="2.0">\n<channel>\n'
            f'<title>Code page {label}</title>\n<link>{LINK}</link>\n<description>Latest headlines</description>'
            f'<language>{lang}</language>\n\n<item>\n<title>{title}</title><link>{LINK}cp</link>'
            f'<description>{desc}</description>\n</item>\n</channel>\n</rss>\n')


def expected(label, encoding, lang, title, desc):
    alternate = lambda href: [{'href': href, 'rel': 'alternate', 'type': 'text/html'}]
    return {
        'bozo': False,
        'encoding': encoding,
        'feed': {'title': f'Code page {label}', 'title_type': 'text', 'subtitle': 'Latest headlines',
                 'subtitle_type': 'html', 'link': LINK, 'language': lang, 'links': alternate(LINK)},
        'entries': [{'link': LINK + 'cp', 'title': title, 'title_type': 'text', 'links': alternate(LINK + 'cp'),
                     'summary': desc, 'summary_type': 'html'}],
    }


def main():
    os.makedirs(ROOT, exist_ok=True)
    for codec, encoding, labels, lang, title, desc in PAGES:
        for label in labels:
            name = ''.join(c if c.isalnum() else '_' for c in label.lower())
            with open(os.path.join(ROOT, f'{name}.xml'), 'wb') as f:
                f.write(feed(label, lang, title, desc).encode(codec))
            with open(os.path.join(ROOT, f'{name}.expected.json'), 'w', encoding='utf-8') as f:
                json.dump(expected(label, encoding, lang, title, desc), f, ensure_ascii=False, indent=1)
                f.write('\n')


if __name__ == '__main__':
    main()
