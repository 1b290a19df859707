-- Numeric claims grouped by who makes them and what they count (figures.category): how many figures, and
-- the claims themselves, most often made first, each with how often it is made, up to 20 of them per row
-- (a claimant of a large corpus makes thousands). "unattributed": the sentence names no source.
WITH claims AS (
  SELECT coalesce(a.name, 'unattributed') AS claimant, f.category,
         coalesce(f.value_word, f.value) || ' ' || f.subject AS claim
  FROM figures f LEFT JOIN actors a ON a.actor_id = f.claimed_by_actor_id),
counted AS (
  SELECT claimant, category, claim, count(*) AS times FROM claims GROUP BY claimant, category, claim),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY claimant, category ORDER BY times DESC, claim) AS rank FROM counted)
SELECT
  claimant,
  category,
  sum(times) AS figures,
  count(*) AS different_claims,
  group_concat(CASE WHEN rank <= 20 THEN claim || CASE WHEN times > 1 THEN ' (' || times || ' times)' ELSE '' END END,
               '; ') AS claims
FROM (SELECT * FROM ranked ORDER BY claimant, category, rank)
GROUP BY claimant, category
ORDER BY claimant, category
