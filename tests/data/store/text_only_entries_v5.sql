-- Two entries without a web link, as schema v5 stored them: under their raw
-- guid, as url and canonical_url alike. Loaded over rows_v3.sql (feeds 1, 2).
INSERT INTO articles (id, feed_id, canonical_url, url, guid, title, lang, text, published_at, fetched_at, cluster_id) VALUES
  (4, 1, '1', '1', '1', 'Communiqué', 'fr', 'Le conseil municipal a voté le budget annuel de la ville mardi soir.', NULL, 1763630000, 4),
  (5, 2, 'urn:uuid:5', 'urn:uuid:5', 'urn:uuid:5', 'Bulletin', 'fr', 'La bibliothèque centrale rouvre ses portes après deux ans de travaux.', NULL, 1763630000, 5);
INSERT INTO article_sources (article_id, feed_id, canonical_url, url, guid, seen_at) VALUES
  (4, 1, '1', '1', '1', 1763630000),
  (5, 2, 'urn:uuid:5', 'urn:uuid:5', 'urn:uuid:5', 1763630000);
