"""idlib-events build pipeline: seeds → extraction → CSV → Frictionless validation → SQLite.

A field of the package's CSVs holds a whole article (up to max_article_bytes in
seeds/reference/limits.yml, 1 MB), beyond the csv module's default limit of 131,072 characters:
every CSV reader of the package reads fields of any length.
"""

import csv

csv.field_size_limit(2**31 - 1)  # the largest value the csv module takes on every platform
