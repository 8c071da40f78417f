"""HL7 FHIR R4: reading and writing MeasureReport resources for aggregate QI data."""
