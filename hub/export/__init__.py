"""Export and privacy: the resident's data as CSV and FHIR, her privacy export and erasure,
and how long alerts and the audit log are kept."""
