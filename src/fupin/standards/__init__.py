"""Standards as data: poverty lines, monitoring ranges and the indicator rules the assessment applies."""
