"""idlib-events build pipeline: seeds → extraction → CSV → Frictionless validation → SQLite."""
