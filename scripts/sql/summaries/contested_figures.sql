-- Numbers that different sources claim differently for the same thing: the same event, the same category
-- (killed, wounded, captured …) and the same subject, that is the same side for a count of people
-- (figures.subject_side) or else the same words. A source is an article and its claimant, and counts with its
-- largest number, as in the event's fatalities; a count is contested when its sources' numbers differ (its
-- lowest is below its highest). Sub-counts and vague words contest nothing.
WITH claims AS (
  SELECT f.*, coalesce(f.subject_side, lower(f.subject)) AS counted,
         max(f.value) OVER (PARTITION BY f.event_id, f.category, coalesce(f.subject_side, lower(f.subject)),
                            f.article_id, coalesce(f.claimed_by_actor_id, '')) AS source_value
  FROM figures f
  WHERE f.event_id IS NOT NULL AND f.part_of_figure_id IS NULL AND f.value IS NOT NULL),
spread AS (
  SELECT *, min(source_value) OVER (PARTITION BY event_id, category, counted) AS lowest,
         max(source_value) OVER (PARTITION BY event_id, category, counted) AS highest
  FROM claims)
SELECT s.event_id, s.category, s.counted, s.value, s.qualifier,
       coalesce(a.name, 'unattributed') AS claimed_by, s.article_id, s.quote, s.figure_id
FROM spread s LEFT JOIN actors a ON a.actor_id = s.claimed_by_actor_id
WHERE s.lowest < s.highest AND s.value = s.source_value
ORDER BY s.event_id, s.category, s.counted, s.value, s.figure_id
