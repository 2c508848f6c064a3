"""Open data: every notice as an OCDS 1.1 release, records, bulk export, notices due."""
