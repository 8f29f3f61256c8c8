-- v3 added only views: the rows of a v3 database are those of v2.
-- Rows as newsd schema v2 stored them: 1 and 3 are one story cluster.
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
