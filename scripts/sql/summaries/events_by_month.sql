-- Events per month and ACLED event type, with the places they happened at: what the timeline query
-- (timeline_by_month) and the dashboard's chart read. inside_another counts the events inside another event
-- (events.part_of_event_id); fatalities sums events.fatalities_in_totals, so that each death counts once.
WITH named AS (
  SELECT DISTINCT substr(e.event_date, 1, 7) AS month, e.event_type, p.name
  FROM events e JOIN places p ON p.place_id = e.place_id),
named_together AS (
  SELECT month, event_type, group_concat(name, ', ') AS places
  FROM (SELECT * FROM named ORDER BY month, event_type, name)
  GROUP BY month, event_type),
counted AS (
  SELECT substr(event_date, 1, 7) AS month, event_type, count(*) AS events,
         sum(part_of_event_id IS NOT NULL) AS inside_another,
         coalesce(sum(fatalities_in_totals), 0) AS fatalities
  FROM events
  GROUP BY month, event_type)
SELECT counted.*, named_together.places
FROM counted LEFT JOIN named_together USING (month, event_type)
ORDER BY month, event_type
