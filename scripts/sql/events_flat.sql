-- One row per event with names instead of ids: the single-CSV download of the dataset.
SELECT
  e.event_id,
  e.event_date,
  e.event_date_end,
  e.date_precision,
  e.date_basis,
  e.event_type,
  e.sub_event_type,
  p.name AS place,
  p.place_type,
  p.governorate,
  p.country,
  e.latitude,
  e.longitude,
  e.geo_precision,
  a1.name AS actor1,
  a2.name AS actor2,
  (SELECT group_concat(name, '; ') FROM (
     SELECT DISTINCT ac.name FROM event_actors ea JOIN actors ac ON ac.actor_id = ea.actor_id
     WHERE ea.event_id = e.event_id AND ea.role = 'associated' ORDER BY ac.name)) AS associated_actors,
  e.fatalities,
  e.fatalities_low,
  e.fatalities_best,
  e.fatalities_high,
  e.part_of_event_id,
  e.fatalities_in_totals,
  e.summary,
  e.source_count,
  e.review_status,
  (SELECT group_concat(article_id, '; ') FROM (
     SELECT DISTINCT em.article_id FROM event_mentions em
     WHERE em.event_id = e.event_id ORDER BY em.article_id)) AS article_ids
FROM events e
JOIN places p ON p.place_id = e.place_id
LEFT JOIN actors a1 ON a1.actor_id = e.actor1_id
LEFT JOIN actors a2 ON a2.actor_id = e.actor2_id
ORDER BY e.event_date, e.event_id
