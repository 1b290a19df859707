"""The extractor, one module per concern, on spaCy's parse of each sentence (README, "The parse")."""
