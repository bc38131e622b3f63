"""eduboard: the information system of a city education board."""
