-- Rows as newsd schema v5 stored them: those of v2 (v3 to v5 changed no rows),
-- plus two entries without a web link, stored as v5 did under their raw guid.
INSERT INTO feeds (id, url, name, title, state, last_fetched_at) VALUES
  (1, 'https://a.example/feed', 'Agency A', 'A News', 'active', 1763600000),
  (2, 'https://b.example/rss', '', 'B Daily', 'error', 1763600000);
INSERT INTO tags (id, name, kind) VALUES (1, 'defense', 'topic'), (2, 'MA', 'country');
INSERT INTO articles (id, feed_id, canonical_url, url, title, lang, text, published_at, fetched_at, cluster_id) VALUES
  (1, 1, 'https://a.example/1', 'https://a.example/1', 'اتفاقية دفاعية مع فرنسا', 'ar', 'أعلنت وزارة الدفاع المغربية اليوم توقيع اتفاقية تعاون عسكري مع فرنسا تشمل تدريب الطيارين وتبادل الخبرات في مجال الأمن السيبراني. وقال المتحدث باسم الوزارة إن الاتفاقية تمتد خمس سنوات قابلة للتجديد، وتتضمن مناورات مشتركة سنوية في شمال البلاد. وأضاف أن الجانبين اتفقا على إنشاء لجنة متابعة تجتمع مرتين في السنة لتقييم التقدم المحرز في تنفيذ بنود الاتفاقية ومناقشة مجالات جديدة للتعاون في الصناعات الدفاعية.', 1763550000, 1763600000, 1),
  (2, 1, 'https://a.example/2', 'https://a.example/2', 'الأسواق الخليجية', 'ar', 'شهدت أسواق المال الخليجية ارتفاعا ملحوظا في تداولات الأسبوع الماضي مدفوعة بنتائج الشركات القيادية في قطاع الطاقة والبنوك. وتوقع محللون أن يستمر الأداء الإيجابي خلال الربع الأخير من العام مع تحسن أسعار النفط.', 1763550000, 1763600000, 2),
  (3, 2, 'https://b.example/1', 'https://b.example/1', 'المغرب وفرنسا يوقعان', 'ar', 'أعلنت وزارة الدفاع المغربية اليوم الثلاثاء توقيع اتفاقية تعاون عسكري مع فرنسا تشمل تدريب الطيارين وتبادل الخبرات في مجال الأمن السيبراني. وقال المتحدث باسم الوزارة إن الاتفاقية تمتد خمس سنوات قابلة للتجديد، وتتضمن مناورات مشتركة سنوية في شمال البلاد. وأضاف أن الجانبين اتفقا على إنشاء لجنة متابعة تجتمع مرتين في السنة لتقييم التقدم المحرز في تنفيذ بنود الاتفاقية ومناقشة مجالات جديدة للتعاون في الصناعات الدفاعية.', NULL, 1763610000, 1);
INSERT INTO article_tags (article_id, tag_id, score, source) VALUES (1, 1, 0.9, 'rule'), (1, 2, 1.0, 'rule'), (3, 1, 0.7, 'model');
INSERT INTO article_sources (article_id, feed_id, canonical_url, url, seen_at) VALUES
  (1, 1, 'https://a.example/1', 'https://a.example/1', 1763600000),
  (2, 1, 'https://a.example/2', 'https://a.example/2', 1763600000),
  (3, 2, 'https://b.example/1', 'https://b.example/1', 1763610000),
  (1, 2, 'https://b.example/copy-of-1', 'https://b.example/copy-of-1?utm_source=x', 1763620000);
INSERT INTO articles (id, feed_id, canonical_url, url, guid, title, lang, text, published_at, fetched_at, cluster_id) VALUES
  (4, 1, '1', '1', '1', 'Communiqué', 'fr', 'Le conseil municipal a voté le budget annuel de la ville mardi soir.', NULL, 1763630000, 4),
  (5, 2, 'urn:uuid:5', 'urn:uuid:5', 'urn:uuid:5', 'Bulletin', 'fr', 'La bibliothèque centrale rouvre ses portes après deux ans de travaux.', NULL, 1763630000, 5);
INSERT INTO article_sources (article_id, feed_id, canonical_url, url, guid, seen_at) VALUES
  (4, 1, '1', '1', '1', 1763630000),
  (5, 2, 'urn:uuid:5', 'urn:uuid:5', 'urn:uuid:5', 1763630000);
-- v5 writers indexed rows themselves (no insert trigger).
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
