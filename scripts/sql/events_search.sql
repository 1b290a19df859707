-- What the events' full-text index holds, one row per event (rowid = the event's rowid): its summary, every
-- spelling of its place and every spelling of its actors. So "Qarmeed" finds the events at Qarmid base,
-- and any name of Jabhat al-Nusra finds the events it took part in.
SELECT
  e.rowid AS rowid,
  e.summary,
  (SELECT group_concat(spelling, ' ') FROM (
     SELECT p.name AS spelling FROM places p WHERE p.place_id = e.place_id
     UNION SELECT pa.alias FROM place_aliases pa WHERE pa.place_id = e.place_id)) AS place_names,
  (SELECT group_concat(spelling, ' ') FROM (
     SELECT a.name AS spelling FROM event_actors ea JOIN actors a ON a.actor_id = ea.actor_id
     WHERE ea.event_id = e.event_id
     UNION SELECT aa.alias FROM event_actors ea JOIN actor_aliases aa ON aa.actor_id = ea.actor_id
     WHERE ea.event_id = e.event_id)) AS actor_names
FROM events e
ORDER BY e.rowid
