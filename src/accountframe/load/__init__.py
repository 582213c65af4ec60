"""Reading input: YAML and JSON documents with a location for every value (`documents`),
structuring plain data into the model's classes (`structure`), portfolios (`portfolio`) and
the OCDS import (`ocds`)."""
