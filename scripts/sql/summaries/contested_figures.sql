-- Numbers that different sources claim differently for the same thing: the same event, the same category
-- (killed, wounded, captured …) and the same subject, that is the same side for a count of people
-- (figures.subject_side) or else the same words. A source is an article and its claimant, and counts with its
-- largest number, as in the event's fatalities. Sub-counts and vague words contest nothing.
WITH claims AS (
  SELECT f.*, coalesce(f.subject_side, lower(f.subject)) AS counted,
         max(f.value) OVER (PARTITION BY f.event_id, f.category, coalesce(f.subject_side, lower(f.subject)),
                            f.article_id, coalesce(f.claimed_by_actor_id, '')) AS source_value
  FROM figures f
  WHERE f.event_id IS NOT NULL AND f.part_of_figure_id IS NULL AND f.value IS NOT NULL),
contested AS (
  SELECT event_id, category, counted FROM claims
  GROUP BY event_id, category, counted
  HAVING count(DISTINCT source_value) > 1)
SELECT c.event_id, c.category, c.counted, c.value, c.qualifier,
       coalesce(a.name, 'unattributed') AS claimed_by, c.article_id, c.quote, c.figure_id
FROM claims c JOIN contested USING (event_id, category, counted)
LEFT JOIN actors a ON a.actor_id = c.claimed_by_actor_id
WHERE c.value = c.source_value
ORDER BY c.event_id, c.category, c.counted, c.value, c.figure_id
