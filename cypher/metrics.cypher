// Metric series (domain/metrics.py): the points a Run or Deployment logs. A series is
// (owner)-[:HAS_METRIC]->(:MetricSeries {name, count, chunks, last, lastStep, lastTimestamp, min, max})
// and its points are columnar chunks (series)-[:HAS_CHUNK]->(:MetricChunk {seq, steps, values,
// timestamps}), one chunk per (at most 10,000 points of a) logged batch: appending thousands of points
// is one statement, and the summary answers last/min/max without reading a point.
// Timestamps are epoch milliseconds. Values may be NaN or +-Infinity.

// name: append_metric_points
// One call's points for one owner, one row per series:
// $series: [{name, chunks: [{index, offset, values, steps|null, timestamps}], min, max, count,
//            lastIndex, lastStep|null, lastValue, lastTimestamp}]  (min/max skip NaN; null if all NaN)
// The owner is locked first (metricsLoggedAt), so concurrent appends to its series run one after the
// other: a series is created once and count/last/min/max never lose an update. Without steps, points
// continue the series: lastStep + 1, + 2, ... (0, 1, ... for a new series).
MATCH (o:Entity {id: $ownerId})
SET o.metricsLoggedAt = $now
WITH o
UNWIND $series AS b
MERGE (o)-[:HAS_METRIC]->(s:MetricSeries {name: b.name})
  ON CREATE SET s.ownerId = o.id, s.count = 0, s.chunks = 0, s.createdAt = $now
WITH s, b, coalesce(s.lastStep + 1, 0) AS nextStep
FOREACH (c IN b.chunks |
  CREATE (s)-[:HAS_CHUNK]->(:MetricChunk {
    seq: s.chunks + c.index,
    steps: coalesce(c.steps, range(nextStep + c.offset, nextStep + c.offset + size(c.values) - 1)),
    values: c.values,
    timestamps: c.timestamps,
    createdAt: $now
  }))
WITH s, b, coalesce(b.lastStep, nextStep + b.lastIndex) AS batchLastStep
WITH s, b, batchLastStep,
     s.lastStep IS NULL OR batchLastStep > s.lastStep
       OR (batchLastStep = s.lastStep AND b.lastTimestamp >= s.lastTimestamp) AS newLast
WITH s, b, newLast, batchLastStep,
     s.count + b.count AS count,
     s.chunks + size(b.chunks) AS chunks,
     CASE WHEN b.min IS NULL THEN s.min WHEN s.min IS NULL OR b.min < s.min THEN b.min ELSE s.min END AS min,
     CASE WHEN b.max IS NULL THEN s.max WHEN s.max IS NULL OR b.max > s.max THEN b.max ELSE s.max END AS max,
     CASE WHEN newLast THEN b.lastValue ELSE s.last END AS last,
     CASE WHEN newLast THEN batchLastStep ELSE s.lastStep END AS lastStep,
     CASE WHEN newLast THEN b.lastTimestamp ELSE s.lastTimestamp END AS lastTimestamp
SET s.count = count, s.chunks = chunks, s.min = min, s.max = max,
    s.last = last, s.lastStep = lastStep, s.lastTimestamp = lastTimestamp, s.updatedAt = $now
RETURN s {.name, .last, .lastStep, .lastTimestamp, .min, .max, .count} AS series

// name: metric_summaries
// The series summaries of many owners at once, optionally only the named ones.
UNWIND $ownerIds AS ownerId
MATCH (:Entity {id: ownerId})-[:HAS_METRIC]->(s:MetricSeries)
WHERE $names IS NULL OR s.name IN $names
RETURN ownerId, s {.name, .last, .lastStep, .lastTimestamp, .min, .max, .count} AS series
ORDER BY ownerId, s.name

// name: metric_points
// One series' points in step order (then time, then logging order), at most $limit, as three columns.
// A point logged again identically (same step, value and time: a client's retry) is one point.
MATCH (:Entity {id: $ownerId})-[:HAS_METRIC]->(s:MetricSeries {name: $name})-[:HAS_CHUNK]->(c:MetricChunk)
UNWIND range(0, size(c.values) - 1) AS i
WITH c.steps[i] AS step, c.values[i] AS value, c.timestamps[i] AS timestamp, c.seq * 100000 + i AS logged
WITH step, value, timestamp, min(logged) AS first
ORDER BY step, timestamp, first
LIMIT $limit
RETURN collect(step) AS steps, collect(value) AS values, collect(timestamp) AS timestamps

// name: metric_tail
// The last $limit values logged to each named series, newest first (logging order, not step order):
// what an alert window ending at the next logged point needs.
UNWIND $names AS name
MATCH (:Entity {id: $ownerId})-[:HAS_METRIC]->(s:MetricSeries {name: name})
CALL (s) {
  MATCH (s)-[:HAS_CHUNK]->(c:MetricChunk)
  WITH c ORDER BY c.seq DESC LIMIT $limit
  UNWIND range(size(c.values) - 1, 0, -1) AS i
  WITH c.seq AS seq, i, c.values[i] AS value
  ORDER BY seq DESC, i DESC
  LIMIT $limit
  RETURN collect(value) AS values
}
RETURN name, values

// name: metric_points_downsampled
// Many series' points at once ($series: [{ownerId, name}]), each in step order (then time, then
// logging order, a retried identical point once, as metric_points) and at most $maxPoints of them:
// the whole series when it has no more; otherwise a downsample made here, so a 100,000-point series
// never leaves the database whole. The steps are cut into ($maxPoints - 1) / 3 equal buckets and each
// bucket keeps its first point and the points of its smallest and largest value (NaN skipped); the
// series' first and last points are always kept (so at most 3 per bucket + 1). Below 4 points there
// are no buckets: the first and the last point, cut to $maxPoints.
UNWIND $series AS wanted
MATCH (:Entity {id: wanted.ownerId})-[:HAS_METRIC]->(s:MetricSeries {name: wanted.name})
CALL (s) {
  MATCH (s)-[:HAS_CHUNK]->(c:MetricChunk)
  UNWIND range(0, size(c.values) - 1) AS i
  WITH c.steps[i] AS step, c.values[i] AS value, c.timestamps[i] AS timestamp, c.seq * 100000 + i AS logged
  WITH step, value, timestamp, min(logged) AS first
  ORDER BY step, timestamp, first
  RETURN collect(step) AS steps, collect(value) AS values, collect(timestamp) AS timestamps
}
WITH wanted, steps, values, timestamps, size(steps) AS n
CALL (steps, values, n) {
  WITH n WHERE n <= $maxPoints
  RETURN range(0, n - 1) AS keep
UNION ALL
  WITH n WHERE n > $maxPoints AND $maxPoints < 4
  RETURN [0, n - 1][0..$maxPoints] AS keep
UNION ALL
  WITH steps, values, n WHERE n > $maxPoints AND $maxPoints >= 4
  WITH steps, values, n, ($maxPoints - 1) / 3 AS buckets, steps[0] AS low, steps[n - 1] AS high
  UNWIND range(0, n - 1) AS i
  WITH n, i, CASE WHEN values[i] = values[i] THEN values[i] END AS v,
       toInteger(toFloat(steps[i] - low) * buckets / (high - low + 1)) AS bucket
  // aggregates, not a sort of every point: the bucket's first index and its extremes (NaN is null here)
  WITH n, bucket, min(i) AS firstIndex, min(v) AS smallest, max(v) AS largest, collect([i, v]) AS members
  WITH n, firstIndex,
       head([p IN members WHERE p[1] = smallest])[0] AS minIndex,
       head([p IN members WHERE p[1] = largest])[0] AS maxIndex
  WITH n, collect(firstIndex) + collect(minIndex) + collect(maxIndex) AS chosen
  UNWIND chosen + [n - 1] AS k
  WITH DISTINCT n, k
  ORDER BY k
  // grouped by n, so this branch answers no row at all when its WHERE kept none
  WITH n, collect(k) AS keep
  RETURN keep
}
RETURN wanted.ownerId AS ownerId, wanted.name AS name, n AS count,
       [k IN keep | steps[k]] AS steps, [k IN keep | values[k]] AS values, [k IN keep | timestamps[k]] AS timestamps
